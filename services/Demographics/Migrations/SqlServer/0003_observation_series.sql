-- Observations name their series (indicator, area, dimensions) by a small integer key instead of
-- repeating the three texts in every row and in the index (see the SQLite script for the measurement).
-- dimensions becomes NVARCHAR(700): the series key (64 + 64 + 700 characters, 1,656 bytes) must fit
-- SQL Server's 1,700-byte limit for an index key, which the old (indicator, area, dimensions, ...)
-- index with NVARCHAR(900) could exceed. An existing series with longer dimensions stops this script
-- (string truncation) rather than being cut; the service accepts at most 700 characters from now on.
CREATE TABLE series (
    series_id    INT IDENTITY(1,1) NOT NULL CONSTRAINT pk_series PRIMARY KEY,
    indicator_id NVARCHAR(64)  NOT NULL CONSTRAINT fk_series_indicator REFERENCES indicators (id),
    area_id      NVARCHAR(64)  NOT NULL CONSTRAINT fk_series_area REFERENCES areas (id),
    dimensions   NVARCHAR(700) NOT NULL,
    CONSTRAINT uq_series UNIQUE (indicator_id, area_id, dimensions)
);
GO
INSERT INTO series (indicator_id, area_id, dimensions)
SELECT DISTINCT indicator_id, area_id, dimensions
FROM observations;
GO
ALTER TABLE observations ADD series_id INT NULL;
GO
UPDATE o
SET series_id = s.series_id
FROM observations AS o
JOIN series AS s ON s.indicator_id = o.indicator_id AND s.area_id = o.area_id AND s.dimensions = o.dimensions;
GO
DROP INDEX ix_observations_series ON observations;
ALTER TABLE observations DROP CONSTRAINT fk_observations_indicator, fk_observations_area;
ALTER TABLE observations DROP COLUMN indicator_id, area_id, dimensions;
ALTER TABLE observations ALTER COLUMN series_id INT NOT NULL;
ALTER TABLE observations ADD CONSTRAINT fk_observations_series FOREIGN KEY (series_id) REFERENCES series (series_id);
-- record_time stays in the key, as 0001 had it; the SQLite script leaves it out (see there for why).
CREATE INDEX ix_observations_series ON observations (series_id, reference_date, record_time);
GO
