-- Snapshots that stay true at the edges (release 2):
-- - snapshots carry the rules that produced their content (content_version; everything stored before
--   is version 1), the scope they cover (as the cycle defined it when they were taken: the cycles with
--   a snapshot could no longer change their scope, so the cycle's scope is the snapshot's) and the run
--   that stored them;
-- - runs carry a heartbeat (abandonment goes by its age) and, after a failure, when the worker tries the
--   cycle again (backoff across passes).
ALTER TABLE snapshots ADD
    content_version INT           NOT NULL CONSTRAINT df_snapshots_content_version DEFAULT 1,
    scope           NVARCHAR(MAX) NOT NULL CONSTRAINT df_snapshots_scope DEFAULT N'[]',
    -- SHA-256 (hex) of scope, so that the base of a snapshot's changes is found by an index.
    scope_hash      NVARCHAR(64)  NULL,
    run_id          BIGINT        NULL CONSTRAINT fk_snapshots_run REFERENCES snapshot_runs (id);
GO
UPDATE s
SET scope = c.scope, scope_hash = c.scope_hash
FROM snapshots AS s
JOIN reporting_cycles AS c ON c.id = s.cycle_id;
GO
UPDATE s
SET run_id = (SELECT MAX(r.id) FROM snapshot_runs AS r WHERE r.cycle_id = s.cycle_id AND r.outcome = 'SUCCEEDED')
FROM snapshots AS s;
GO
ALTER TABLE snapshots ALTER COLUMN scope_hash NVARCHAR(64) NOT NULL;
GO
CREATE INDEX ix_snapshots_scope_reference ON snapshots (scope_hash, reference_date);
GO
ALTER TABLE snapshot_runs ADD
    heartbeat_time    DATETIME2(7) NULL,
    next_attempt_time DATETIME2(7) NULL;
GO
UPDATE snapshot_runs SET heartbeat_time = start_time;
GO
