-- An import becomes known when it commits, so its rows must not carry a time taken before that. Every
-- import is now a batch: its rows name the batch, and the batch's record_time is set by the last
-- statement of the import's transaction (NULL only inside that transaction, which no reader sees). The
-- time-travel queries join the batch for the record time.
-- Existing observations keep their record times: one batch per distinct record time they carry.
CREATE TABLE import_batches (
    id          INTEGER PRIMARY KEY,
    record_time TEXT NULL
);

INSERT INTO import_batches (record_time)
SELECT DISTINCT record_time FROM observations ORDER BY record_time;
CREATE INDEX ix_import_batches_migration ON import_batches (record_time);

CREATE TABLE observations_by_batch (
    id             INTEGER PRIMARY KEY,
    series_id      INTEGER NOT NULL REFERENCES series (series_id),
    reference_date TEXT NOT NULL,
    value          REAL NOT NULL,
    status         TEXT NOT NULL,
    comment        TEXT NULL,
    batch_id       INTEGER NOT NULL REFERENCES import_batches (id)
);

INSERT INTO observations_by_batch (id, series_id, reference_date, value, status, comment, batch_id)
SELECT o.id, o.series_id, o.reference_date, o.value, o.status, o.comment, b.id
FROM observations AS o
JOIN import_batches AS b ON b.record_time = o.record_time
ORDER BY o.id;

DROP TABLE observations;
ALTER TABLE observations_by_batch RENAME TO observations;
CREATE INDEX ix_observations_series ON observations (series_id, reference_date);
DROP INDEX ix_import_batches_migration;

-- Reads that name their series find them without passing unrelated ones: SummarizeAreas reads the
-- totals (no dimensions) of a few indicators, ListObservations may name an area alone.
CREATE INDEX ix_series_dimensions ON series (dimensions, indicator_id, area_id);
CREATE INDEX ix_series_area ON series (area_id, indicator_id, dimensions);
