-- The P2HAM application's schema. One file for SQLite and PostgreSQL: only
-- types and statements both understand (TEXT, BIGINT, no auto-increment).
-- Times are RFC 3339 UTC text; booleans are BIGINT 0/1.

CREATE TABLE instruments (
    sha256      TEXT PRIMARY KEY,
    id          TEXT NOT NULL,
    version     TEXT NOT NULL,
    body        TEXT NOT NULL,
    toml        BIGINT NOT NULL,
    added_at    TEXT NOT NULL
);

CREATE TABLE periods (
    id                   TEXT PRIMARY KEY,
    year                 BIGINT NOT NULL,
    instrument_sha256    TEXT NOT NULL REFERENCES instruments (sha256),
    self_opens           TEXT,
    self_closes          TEXT,
    verification_opens   TEXT,
    verification_closes  TEXT,
    created_at           TEXT NOT NULL
);

CREATE TABLE units (
    id      TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    kind    TEXT NOT NULL,
    office  TEXT NOT NULL
);

CREATE TABLE users (
    username       TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL,
    unit_id        TEXT REFERENCES units (id),
    office         TEXT,
    password_hash  TEXT NOT NULL,
    active         BIGINT NOT NULL,
    created_at     TEXT NOT NULL
);

CREATE TABLE sessions (
    id_sha256   TEXT PRIMARY KEY,
    username    TEXT NOT NULL REFERENCES users (username),
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY,
    token_sha256  TEXT NOT NULL UNIQUE,
    username      TEXT NOT NULL REFERENCES users (username),
    role          TEXT NOT NULL,
    name          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    revoked_at    TEXT
);

-- One row per (unit, period): the workflow state.
CREATE TABLE cases (
    unit_id              TEXT NOT NULL REFERENCES units (id),
    period_id            TEXT NOT NULL REFERENCES periods (id),
    status               TEXT NOT NULL,
    self_sha256          TEXT,
    verification_sha256  TEXT,
    round                BIGINT NOT NULL,
    updated_at           TEXT NOT NULL,
    PRIMARY KEY (unit_id, period_id)
);

-- Every accepted document, never overwritten; the current one is the latest.
CREATE TABLE documents (
    id           TEXT PRIMARY KEY,
    unit_id      TEXT NOT NULL REFERENCES units (id),
    period_id    TEXT NOT NULL REFERENCES periods (id),
    stage        TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    body         TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL
);
CREATE INDEX documents_case ON documents (unit_id, period_id, stage, uploaded_at);

CREATE TABLE evidence (
    id            TEXT PRIMARY KEY,
    unit_id       TEXT NOT NULL REFERENCES units (id),
    period_id     TEXT NOT NULL REFERENCES periods (id),
    path          TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    size          BIGINT NOT NULL,
    content_type  TEXT NOT NULL,
    uploaded_by   TEXT NOT NULL,
    uploaded_at   TEXT NOT NULL
);
CREATE INDEX evidence_case ON evidence (unit_id, period_id);
CREATE INDEX evidence_sha256 ON evidence (sha256);

CREATE TABLE comments (
    id          TEXT PRIMARY KEY,
    unit_id     TEXT NOT NULL REFERENCES units (id),
    period_id   TEXT NOT NULL REFERENCES periods (id),
    round       BIGINT NOT NULL,
    indicator   TEXT,
    body        TEXT NOT NULL,
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX comments_case ON comments (unit_id, period_id);

CREATE TABLE outcomes (
    unit_id              TEXT NOT NULL REFERENCES units (id),
    period_id            TEXT NOT NULL REFERENCES periods (id),
    verification_sha256  TEXT NOT NULL,
    verified_total       TEXT,
    eligible             BIGINT NOT NULL,
    reasons              TEXT NOT NULL,
    evaluated_by         TEXT NOT NULL,
    evaluated_at         TEXT NOT NULL,
    awarded              BIGINT,
    decree_number        TEXT,
    decree_date          TEXT,
    award_note           TEXT,
    awarded_by           TEXT,
    awarded_at           TEXT,
    PRIMARY KEY (unit_id, period_id)
);

-- Append-only; each entry carries the SHA-256 of the previous one.
CREATE TABLE audit_log (
    seq           BIGINT PRIMARY KEY,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    role          TEXT NOT NULL,
    action        TEXT NOT NULL,
    object        TEXT NOT NULL,
    state_before  TEXT,
    state_after   TEXT,
    prev_sha256   TEXT NOT NULL,
    sha256        TEXT NOT NULL
);

-- The chain's head: one row, updated first in every audited transaction so
-- that concurrent writers (several PostgreSQL instances) take turns.
CREATE TABLE audit_head (
    id      BIGINT PRIMARY KEY,
    seq     BIGINT NOT NULL,
    sha256  TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, sha256)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
