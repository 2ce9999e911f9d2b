-- Evidence photos a verifier of the unit's Kanwil (or an evaluator) marked
-- public, one indicator each. One file for SQLite and PostgreSQL (TEXT,
-- BIGINT, no auto-increment).
--
-- Marking makes the public copy at once: the original decoded and encoded
-- again as JPEG (no EXIF, GPS, XMP or comment survives), stored
-- content-addressed beside the evidence; `public_sha256` is its digest,
-- `evidence_sha256` the original's. The one who marks it attests that the
-- photo shows no face, no person's name and no personal document
-- (`attested`, always 1: an unattested request is refused). A photo is marked
-- while it has a row that is not withdrawn; unmarking keeps the row with who
-- withdrew it and when. Publishing a period copies the marked photos of its
-- met indicators into the publication (`publications.units`); later changes
-- here do not alter it.
CREATE TABLE public_photos (
    id              TEXT PRIMARY KEY,
    period_id       TEXT NOT NULL REFERENCES periods (id),
    unit_id         TEXT NOT NULL REFERENCES units (id),
    evidence_sha256 TEXT NOT NULL,
    indicator       TEXT NOT NULL,
    caption         TEXT NOT NULL,
    public_sha256   TEXT NOT NULL,
    width           BIGINT NOT NULL,
    height          BIGINT NOT NULL,
    attested        BIGINT NOT NULL,
    marked_by       TEXT NOT NULL,
    marked_at       TEXT NOT NULL,
    withdrawn_by    TEXT,
    withdrawn_at    TEXT
);
CREATE INDEX public_photos_case ON public_photos (period_id, unit_id, withdrawn_at);
-- At most one marking of a photo of a case is in force.
CREATE UNIQUE INDEX public_photos_in_force ON public_photos (period_id, unit_id, evidence_sha256)
    WHERE withdrawn_at IS NULL;
