-- The evaluation's other evidence, declared: a period's award rule
-- (p2ham-award-rule/1, kept as sent) and, per (unit, period), the Zona
-- Integritas status and complaint figures the evaluator records. Every
-- change is a new row, none is overwritten; the current one is the latest.
-- A rule row without a body clears the period's rule.

CREATE TABLE award_rules (
    id            TEXT PRIMARY KEY,
    period_id     TEXT NOT NULL REFERENCES periods (id),
    sha256        TEXT,
    body          TEXT,
    set_by        TEXT NOT NULL,
    set_at        TEXT NOT NULL
);
CREATE INDEX award_rules_period ON award_rules (period_id, set_at);

CREATE TABLE award_components (
    id                    TEXT PRIMARY KEY,
    unit_id               TEXT NOT NULL REFERENCES units (id),
    period_id             TEXT NOT NULL REFERENCES periods (id),
    zona_integritas       TEXT,
    ombudsman_findings    BIGINT,
    ombudsman_unresolved  BIGINT,
    elapor_complaints     BIGINT,
    elapor_unresolved     BIGINT,
    recorded_by           TEXT NOT NULL,
    recorded_at           TEXT NOT NULL
);
CREATE INDEX award_components_case ON award_components (unit_id, period_id, recorded_at);
