-- The time-travel reads find each measure's version by a lookup on the primary key (measure_id,
-- revision), reading back from the newest (MeasureSql.View). Nothing reads versions by record time
-- any more; the index only cost every write and offered the planner a range scan over all measures.
DROP INDEX IF EXISTS ix_measure_versions_record_time;
