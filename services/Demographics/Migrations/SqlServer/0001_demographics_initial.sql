-- Demographics: areas with validity periods, indicators, observations with revisions.
CREATE TABLE areas (
    id          NVARCHAR(64)   NOT NULL CONSTRAINT pk_areas PRIMARY KEY,
    code        NVARCHAR(32)   NOT NULL,
    title       NVARCHAR(200)  NOT NULL,
    kind        NVARCHAR(16)   NOT NULL,
    parent_id   NVARCHAR(64)   NULL CONSTRAINT fk_areas_parent REFERENCES areas (id),
    valid_from  DATE           NULL,
    valid_to    DATE           NULL,
    description NVARCHAR(2000) NOT NULL
);
GO
CREATE INDEX ix_areas_code ON areas (code);
GO
CREATE TABLE area_successors (
    area_id      NVARCHAR(64) NOT NULL CONSTRAINT fk_area_successors_area REFERENCES areas (id),
    successor_id NVARCHAR(64) NOT NULL CONSTRAINT fk_area_successors_successor REFERENCES areas (id),
    CONSTRAINT pk_area_successors PRIMARY KEY (area_id, successor_id)
);
GO
CREATE TABLE indicators (
    id         NVARCHAR(64)   NOT NULL CONSTRAINT pk_indicators PRIMARY KEY,
    title      NVARCHAR(200)  NOT NULL,
    unit       NVARCHAR(16)   NOT NULL,
    definition NVARCHAR(2000) NOT NULL,
    source     NVARCHAR(2000) NOT NULL
);
GO
-- One row per revision: the same (indicator, area, reference_date, dimensions) again is kept.
-- dimensions: canonical JSON object with keys sorted ordinally, '' for the total.
CREATE TABLE observations (
    id             BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT pk_observations PRIMARY KEY,
    indicator_id   NVARCHAR(64)   NOT NULL CONSTRAINT fk_observations_indicator REFERENCES indicators (id),
    area_id        NVARCHAR(64)   NOT NULL CONSTRAINT fk_observations_area REFERENCES areas (id),
    reference_date DATE           NOT NULL,
    dimensions     NVARCHAR(900)  NOT NULL,
    value          FLOAT          NOT NULL,
    status         NVARCHAR(16)   NOT NULL,
    comment        NVARCHAR(2000) NULL,
    record_time    DATETIME2(7)   NOT NULL
);
GO
CREATE INDEX ix_observations_series ON observations (indicator_id, area_id, dimensions, reference_date, record_time);
GO
