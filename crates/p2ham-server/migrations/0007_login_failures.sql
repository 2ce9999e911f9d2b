-- Failed logins and password checks, counted per minute in the database so
-- that every instance sharing it applies one limit. A row is a window: its
-- first failure's time (milliseconds since 1970) and the failures since.
-- `kind` is `pair` (source address and username; the key is a digest) or
-- `source` (the address). Rows of past windows are deleted as new failures
-- come, and each kind keeps a bounded number of rows.

CREATE TABLE login_failures (
    key           TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    window_start  BIGINT NOT NULL,
    failures      BIGINT NOT NULL
);
CREATE INDEX login_failures_age ON login_failures (kind, window_start);
