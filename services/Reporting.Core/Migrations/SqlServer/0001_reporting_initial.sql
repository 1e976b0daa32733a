-- Reporting: cycles with their council paper and Beratungsfolge; snapshots (one per cycle) and the
-- snapshot worker's runs.
CREATE TABLE reporting_cycles (
    id                       NVARCHAR(63)   NOT NULL CONSTRAINT pk_reporting_cycles PRIMARY KEY,
    title                    NVARCHAR(400)  NOT NULL,
    description              NVARCHAR(4000) NOT NULL,
    reference_date           DATE           NOT NULL,
    reporting_date           DATE           NOT NULL,
    -- JSON array of action concept names, sorted; '[]' = all.
    scope                    NVARCHAR(MAX)  NOT NULL,
    -- SHA-256 (hex) of scope, so that (reference_date, scope) can carry a unique index.
    scope_hash               NVARCHAR(64)   NOT NULL,
    paper_reference          NVARCHAR(64)   NULL,
    paper_type               NVARCHAR(100)  NULL,
    paper_title              NVARCHAR(1000) NULL,
    paper_under_direction_of NVARCHAR(400)  NULL,
    paper_date               DATE           NULL,
    state                    NVARCHAR(32)   NOT NULL,
    snapshot_name            NVARCHAR(200)  NULL,
    version                  BIGINT         NOT NULL,
    create_time              DATETIME2(7)   NOT NULL,
    update_time              DATETIME2(7)   NOT NULL
);
GO
-- Two live cycles with the same reference date and scope would be two reports of the same thing.
CREATE UNIQUE INDEX ux_reporting_cycles_reference_scope ON reporting_cycles (reference_date, scope_hash)
    WHERE state <> 'CANCELLED';
GO
CREATE INDEX ix_reporting_cycles_reporting_date ON reporting_cycles (reporting_date, id);
GO
CREATE TABLE consultations (
    cycle_id       NVARCHAR(63)   NOT NULL CONSTRAINT fk_consultations_cycle REFERENCES reporting_cycles (id),
    position       INT            NOT NULL,
    organization   NVARCHAR(400)  NOT NULL,
    role           NVARCHAR(32)   NOT NULL,
    authoritative  BIT            NOT NULL,
    meeting_date   DATE           NULL,
    is_public      BIT            NOT NULL,
    result         NVARCHAR(1000) NULL,
    postponed      BIT            NOT NULL,
    CONSTRAINT pk_consultations PRIMARY KEY (cycle_id, position)
);
GO
CREATE TABLE snapshots (
    id              BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT pk_snapshots PRIMARY KEY,
    cycle_id        NVARCHAR(63)   NOT NULL CONSTRAINT fk_snapshots_cycle REFERENCES reporting_cycles (id),
    reference_date  DATE           NOT NULL,
    known_at        DATETIME2(7)   NOT NULL,
    create_time     DATETIME2(7)   NOT NULL,
    content_sha256  NVARCHAR(64)   NOT NULL,
    -- The canonical serialized content the hash is computed over.
    content         NVARCHAR(MAX)  NOT NULL,
    -- One snapshot per cycle, however many worker replicas race for it.
    CONSTRAINT uq_snapshots_cycle UNIQUE (cycle_id)
);
GO
CREATE TABLE snapshot_runs (
    id          BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT pk_snapshot_runs PRIMARY KEY,
    cycle_id    NVARCHAR(63)   NOT NULL CONSTRAINT fk_snapshot_runs_cycle REFERENCES reporting_cycles (id),
    start_time  DATETIME2(7)   NOT NULL,
    end_time    DATETIME2(7)   NULL,
    outcome     NVARCHAR(32)   NOT NULL,
    error       NVARCHAR(4000) NULL,
    worker      NVARCHAR(200)  NULL
);
GO
CREATE INDEX ix_snapshot_runs_cycle ON snapshot_runs (cycle_id, id);
GO
