-- Snapshots that stay true at the edges (release 2):
-- - snapshots carry the rules that produced their content (content_version; everything stored before
--   is version 1), the scope they cover (as the cycle defined it when they were taken: the cycles with
--   a snapshot could no longer change their scope, so the cycle's scope is the snapshot's) and the run
--   that stored them;
-- - runs carry a heartbeat (abandonment goes by its age) and, after a failure, when the worker tries the
--   cycle again (backoff across passes).
ALTER TABLE snapshots ADD COLUMN content_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE snapshots ADD COLUMN scope TEXT NOT NULL DEFAULT '[]';
-- SHA-256 (hex) of scope, as on reporting_cycles, so that the base of a snapshot's changes is found by an index.
ALTER TABLE snapshots ADD COLUMN scope_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE snapshots ADD COLUMN run_id INTEGER NULL REFERENCES snapshot_runs (id);
UPDATE snapshots SET
    scope = (SELECT c.scope FROM reporting_cycles c WHERE c.id = snapshots.cycle_id),
    scope_hash = (SELECT c.scope_hash FROM reporting_cycles c WHERE c.id = snapshots.cycle_id);
UPDATE snapshots SET run_id = (SELECT MAX(r.id) FROM snapshot_runs r WHERE r.cycle_id = snapshots.cycle_id AND r.outcome = 'SUCCEEDED');
-- The base of a new snapshot's changes: the latest earlier snapshot of the same scope.
CREATE INDEX ix_snapshots_scope_reference ON snapshots (scope_hash, reference_date);

ALTER TABLE snapshot_runs ADD COLUMN heartbeat_time TEXT NULL;
ALTER TABLE snapshot_runs ADD COLUMN next_attempt_time TEXT NULL;
UPDATE snapshot_runs SET heartbeat_time = start_time;
