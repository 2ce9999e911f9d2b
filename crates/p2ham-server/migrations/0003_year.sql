-- The year: periods in sequence, the award round and its decree. One file for
-- SQLite and PostgreSQL (TEXT, BIGINT, no auto-increment).

-- The period whose award list is this period's baseline ("previous").
ALTER TABLE periods ADD COLUMN previous_id TEXT REFERENCES periods (id);

-- For the first year kept in the application: the previous award list
-- (`p2ham-awards/1`) imported as it was sent. Never overwritten: the
-- current list is the latest import.
CREATE TABLE previous_awards (
    id           TEXT PRIMARY KEY,
    period_id    TEXT NOT NULL REFERENCES periods (id),
    list_period  TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    body         TEXT NOT NULL,
    imported_by  TEXT NOT NULL,
    imported_at  TEXT NOT NULL
);
CREATE INDEX previous_awards_period ON previous_awards (period_id, imported_at);

-- Units struck off the round by the evaluator, with the reason; a lifted
-- exclusion stays on record with who lifted it and when.
CREATE TABLE exclusions (
    id           TEXT PRIMARY KEY,
    period_id    TEXT NOT NULL REFERENCES periods (id),
    unit_id      TEXT NOT NULL REFERENCES units (id),
    reason       TEXT NOT NULL,
    excluded_by  TEXT NOT NULL,
    excluded_at  TEXT NOT NULL,
    lifted_by    TEXT,
    lifted_at    TEXT
);
CREATE INDEX exclusions_period ON exclusions (period_id, unit_id);

-- The one decree of a period's round and the award list it fixed: the next
-- period's previous list.
CREATE TABLE decrees (
    period_id      TEXT PRIMARY KEY REFERENCES periods (id),
    number         TEXT NOT NULL,
    decree_date    TEXT NOT NULL,
    issuer         TEXT NOT NULL,
    awards_sha256  TEXT NOT NULL,
    awards         TEXT NOT NULL,
    decreed_by     TEXT NOT NULL,
    decreed_at     TEXT NOT NULL
);
