-- An import becomes known when it commits, so its rows must not carry a time taken before that. Every
-- import is now a batch: its rows name the batch, and the batch's record_time is set by the last
-- statement of the import's transaction (NULL only inside that transaction, which no reader sees). The
-- time-travel queries join the batch for the record time.
-- Existing observations keep their record times: one batch per distinct record time they carry.
CREATE TABLE import_batches (
    id          BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT pk_import_batches PRIMARY KEY,
    record_time DATETIME2(7) NULL
);
GO
INSERT INTO import_batches (record_time)
SELECT DISTINCT record_time FROM observations ORDER BY record_time;
GO
CREATE INDEX ix_import_batches_migration ON import_batches (record_time);
GO
ALTER TABLE observations ADD batch_id BIGINT NULL;
GO
UPDATE o
SET batch_id = b.id
FROM observations AS o
JOIN import_batches AS b ON b.record_time = o.record_time;
GO
DROP INDEX ix_observations_series ON observations;
ALTER TABLE observations DROP COLUMN record_time;
ALTER TABLE observations ALTER COLUMN batch_id BIGINT NOT NULL;
ALTER TABLE observations ADD CONSTRAINT fk_observations_batch FOREIGN KEY (batch_id) REFERENCES import_batches (id);
CREATE INDEX ix_observations_series ON observations (series_id, reference_date) INCLUDE (batch_id);
DROP INDEX ix_import_batches_migration ON import_batches;
GO
-- Reads that name their series find them without passing unrelated ones: SummarizeAreas reads the
-- totals (no dimensions) of a few indicators, ListObservations may name an area alone.
CREATE INDEX ix_series_dimensions ON series (dimensions, indicator_id, area_id);
GO
CREATE INDEX ix_series_area ON series (area_id, indicator_id, dimensions);
GO
