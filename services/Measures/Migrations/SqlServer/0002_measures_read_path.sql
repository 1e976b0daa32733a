-- The time-travel reads find each measure's version by a lookup on the clustered primary key
-- (measure_id, revision), reading back from the newest (MeasureSql.View); each status event by a lookup
-- on ix_status_events_measure (measure_id, effective_date, record_time, and the clustered key id).
-- Nothing reads versions by record time any more; the index only cost every write and offered the
-- optimizer a range scan over all measures.
DROP INDEX IF EXISTS ix_measure_versions_record_time ON measure_versions;
GO
