-- Reporting: cycles with their council paper and Beratungsfolge; snapshots (one per cycle) and the
-- snapshot worker's runs.
CREATE TABLE reporting_cycles (
    id                       TEXT    NOT NULL PRIMARY KEY,
    title                    TEXT    NOT NULL,
    description              TEXT    NOT NULL,
    reference_date           TEXT    NOT NULL,
    reporting_date           TEXT    NOT NULL,
    scope                    TEXT    NOT NULL,
    scope_hash               TEXT    NOT NULL,
    paper_reference          TEXT    NULL,
    paper_type               TEXT    NULL,
    paper_title              TEXT    NULL,
    paper_under_direction_of TEXT    NULL,
    paper_date               TEXT    NULL,
    state                    TEXT    NOT NULL,
    snapshot_name            TEXT    NULL,
    version                  INTEGER NOT NULL,
    create_time              TEXT    NOT NULL,
    update_time              TEXT    NOT NULL
);
CREATE UNIQUE INDEX ux_reporting_cycles_reference_scope ON reporting_cycles (reference_date, scope_hash)
    WHERE state <> 'CANCELLED';
CREATE INDEX ix_reporting_cycles_reporting_date ON reporting_cycles (reporting_date, id);

CREATE TABLE consultations (
    cycle_id       TEXT    NOT NULL REFERENCES reporting_cycles (id),
    position       INTEGER NOT NULL,
    organization   TEXT    NOT NULL,
    role           TEXT    NOT NULL,
    authoritative  INTEGER NOT NULL,
    meeting_date   TEXT    NULL,
    is_public      INTEGER NOT NULL,
    result         TEXT    NULL,
    postponed      INTEGER NOT NULL,
    PRIMARY KEY (cycle_id, position)
);

CREATE TABLE snapshots (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    cycle_id        TEXT    NOT NULL REFERENCES reporting_cycles (id),
    reference_date  TEXT    NOT NULL,
    known_at        TEXT    NOT NULL,
    create_time     TEXT    NOT NULL,
    content_sha256  TEXT    NOT NULL,
    content         TEXT    NOT NULL,
    CONSTRAINT uq_snapshots_cycle UNIQUE (cycle_id)
);

CREATE TABLE snapshot_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    cycle_id    TEXT    NOT NULL REFERENCES reporting_cycles (id),
    start_time  TEXT    NOT NULL,
    end_time    TEXT    NULL,
    outcome     TEXT    NOT NULL,
    error       TEXT    NULL,
    worker      TEXT    NULL
);
CREATE INDEX ix_snapshot_runs_cycle ON snapshot_runs (cycle_id, id);
