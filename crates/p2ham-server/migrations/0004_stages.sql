-- The stages around the assessment: the unit's signed declaration
-- (pencanangan) and the period's satisfaction survey (SKM), kept per
-- (unit, period); every upload is a new row, none is overwritten; the
-- current one is the latest.

CREATE TABLE declarations (
    id            TEXT PRIMARY KEY,
    unit_id       TEXT NOT NULL REFERENCES units (id),
    period_id     TEXT NOT NULL REFERENCES periods (id),
    file_name     TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    size          BIGINT NOT NULL,
    content_type  TEXT NOT NULL,
    uploaded_by   TEXT NOT NULL,
    uploaded_at   TEXT NOT NULL
);
CREATE INDEX declarations_case ON declarations (unit_id, period_id, uploaded_at);

CREATE TABLE skm_uploads (
    id            TEXT PRIMARY KEY,
    unit_id       TEXT NOT NULL REFERENCES units (id),
    period_id     TEXT NOT NULL REFERENCES periods (id),
    file_name     TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    size          BIGINT NOT NULL,
    body_base64   TEXT NOT NULL,
    respondents   BIGINT NOT NULL,
    ikm           TEXT NOT NULL,
    mutu          TEXT NOT NULL,
    kinerja       TEXT NOT NULL,
    report        TEXT NOT NULL,
    uploaded_by   TEXT NOT NULL,
    uploaded_at   TEXT NOT NULL
);
CREATE INDEX skm_uploads_case ON skm_uploads (unit_id, period_id, uploaded_at);
