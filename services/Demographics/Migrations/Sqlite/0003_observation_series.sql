-- Observations name their series (indicator, area, dimensions) by a small integer key instead of
-- repeating the three texts in every row and in the index. The index entries shrink to about a third,
-- which is what a bulk import spends most of its time writing, and what the time-travel reads seek by.
-- AUTOINCREMENT is dropped on the way: rows are never deleted, so max(rowid) + 1 never reuses an id
-- either, and an insert no longer updates sqlite_sequence. Existing ids are kept.
CREATE TABLE series (
    series_id    INTEGER PRIMARY KEY,
    indicator_id TEXT NOT NULL REFERENCES indicators (id),
    area_id      TEXT NOT NULL REFERENCES areas (id),
    dimensions   TEXT NOT NULL,
    UNIQUE (indicator_id, area_id, dimensions)
);

INSERT INTO series (indicator_id, area_id, dimensions)
SELECT DISTINCT indicator_id, area_id, dimensions
FROM observations
ORDER BY indicator_id, area_id, dimensions;

CREATE TABLE observations_by_series (
    id             INTEGER PRIMARY KEY,
    series_id      INTEGER NOT NULL REFERENCES series (series_id),
    reference_date TEXT NOT NULL,
    value          REAL NOT NULL,
    status         TEXT NOT NULL,
    comment        TEXT NULL,
    record_time    TEXT NOT NULL
);

INSERT INTO observations_by_series (id, series_id, reference_date, value, status, comment, record_time)
SELECT o.id, s.series_id, o.reference_date, o.value, o.status, o.comment, o.record_time
FROM observations AS o
JOIN series AS s ON s.indicator_id = o.indicator_id AND s.area_id = o.area_id AND s.dimensions = o.dimensions
ORDER BY o.id;

DROP TABLE observations;
ALTER TABLE observations_by_series RENAME TO observations;
-- record_time is left out of the key (the SQL Server script keeps it, as 0001 had it): a series has
-- few revisions per date, which the time-travel query reads from the rows, and every byte of the
-- key is paid for by each row of a bulk import.
CREATE INDEX ix_observations_series ON observations (series_id, reference_date);
