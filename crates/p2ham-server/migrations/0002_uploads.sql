-- Resumable uploads (tus 1.0) and saves that may be retried.

-- One row per upload begun: what it is for, how far it has come, and, once
-- complete, the stored file's digest. The bytes received so far are kept in
-- the data folder (`uploads/{id}.part`) until the upload completes or expires.
CREATE TABLE uploads (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL REFERENCES users (username),
    unit_id       TEXT NOT NULL REFERENCES units (id),
    period_id     TEXT NOT NULL REFERENCES periods (id),
    indicator     TEXT NOT NULL,
    path          TEXT NOT NULL,
    length        BIGINT NOT NULL,
    received      BIGINT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    sha256        TEXT,
    content_type  TEXT,
    attached      BIGINT NOT NULL
);
CREATE INDEX uploads_user ON uploads (username, expires_at);

-- The first answer to a save sent with an `Idempotency-Key`, per user, so
-- that the same save sent again is stored once and answered the same.
CREATE TABLE idempotency (
    username        TEXT NOT NULL REFERENCES users (username),
    idem_key        TEXT NOT NULL,
    request_sha256  TEXT NOT NULL,
    status          BIGINT NOT NULL,
    content_type    TEXT,
    location        TEXT,
    body            TEXT,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    PRIMARY KEY (username, idem_key)
);
