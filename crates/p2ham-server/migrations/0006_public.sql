-- The public record: a decreed period published for everyone (`/publik`).
-- One file for SQLite and PostgreSQL (TEXT, BIGINT, no auto-increment).
--
-- A publication fixes what is public when it is made: the award list as
-- the public reads it and the public record of its units (never notes,
-- names of people, self-assessment figures or evidence). The public pages
-- read only these rows. Unpublishing keeps the row with who withdrew it and
-- when; a period is public while it has a row that is not withdrawn.
CREATE TABLE publications (
    id              TEXT PRIMARY KEY,
    period_id       TEXT NOT NULL REFERENCES periods (id),
    awards          TEXT NOT NULL,
    awards_sha256   TEXT NOT NULL,
    units           TEXT NOT NULL,
    units_sha256    TEXT NOT NULL,
    published_by    TEXT NOT NULL,
    published_at    TEXT NOT NULL,
    withdrawn_by    TEXT,
    withdrawn_at    TEXT
);
CREATE INDEX publications_period ON publications (period_id, withdrawn_at);
-- At most one publication of a period is in force.
CREATE UNIQUE INDEX publications_in_force ON publications (period_id) WHERE withdrawn_at IS NULL;
