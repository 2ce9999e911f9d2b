-- The signed decree (Keputusan Menteri) as a document: the PDF the ministry
-- signs, uploaded after the decree is recorded. One file for SQLite and
-- PostgreSQL (TEXT, BIGINT, no auto-increment).
--
-- The file is kept in the evidence store by its SHA-256; each upload is a
-- row, nothing is overwritten, and the latest row of a period is its
-- current document. A publication records the digest of the document
-- current when it was made (none when there was none), so the public record
-- serves exactly that file until the period is unpublished.
CREATE TABLE decree_documents (
    id           TEXT PRIMARY KEY,
    period_id    TEXT NOT NULL REFERENCES periods (id),
    file_name    TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    size         BIGINT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL
);
CREATE INDEX decree_documents_period ON decree_documents (period_id, uploaded_at);

ALTER TABLE publications ADD COLUMN decree_document_sha256 TEXT;
