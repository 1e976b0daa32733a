-- Demographics: areas with validity periods, indicators, observations with revisions.
CREATE TABLE areas (
    id          TEXT NOT NULL PRIMARY KEY,
    code        TEXT NOT NULL,
    title       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    parent_id   TEXT NULL REFERENCES areas (id),
    valid_from  TEXT NULL,
    valid_to    TEXT NULL,
    description TEXT NOT NULL
);
CREATE INDEX ix_areas_code ON areas (code);

CREATE TABLE area_successors (
    area_id      TEXT NOT NULL REFERENCES areas (id),
    successor_id TEXT NOT NULL REFERENCES areas (id),
    PRIMARY KEY (area_id, successor_id)
);

CREATE TABLE indicators (
    id         TEXT NOT NULL PRIMARY KEY,
    title      TEXT NOT NULL,
    unit       TEXT NOT NULL,
    definition TEXT NOT NULL,
    source     TEXT NOT NULL
);

-- One row per revision: the same (indicator, area, reference_date, dimensions) again is kept.
-- dimensions: canonical JSON object with keys sorted ordinally, '' for the total.
CREATE TABLE observations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    indicator_id   TEXT NOT NULL REFERENCES indicators (id),
    area_id        TEXT NOT NULL REFERENCES areas (id),
    reference_date TEXT NOT NULL,
    dimensions     TEXT NOT NULL,
    value          REAL NOT NULL,
    status         TEXT NOT NULL,
    comment        TEXT NULL,
    record_time    TEXT NOT NULL
);
CREATE INDEX ix_observations_series ON observations (indicator_id, area_id, dimensions, reference_date, record_time);
