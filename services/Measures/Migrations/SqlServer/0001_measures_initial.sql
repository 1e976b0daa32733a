-- Handlungsfelder: the eight fields of action since 2018, read-only through the API.
CREATE TABLE fields_of_action (
    number      INT            NOT NULL CONSTRAINT pk_fields_of_action PRIMARY KEY,
    title       NVARCHAR(200)  NOT NULL,
    description NVARCHAR(2000) NOT NULL
);
GO
INSERT INTO fields_of_action (number, title, description) VALUES
    (1, N'Bildung und Sprachförderung', N'Handlungsfeld 1 der kommunalen Integrationsplanung (Gliederung seit 2018).'),
    (2, N'Ausbildung und Arbeitsmarkt', N'Handlungsfeld 2 der kommunalen Integrationsplanung (Gliederung seit 2018).'),
    (3, N'Interkulturelle Öffnung der Verwaltung', N'Handlungsfeld 3 der kommunalen Integrationsplanung (Gliederung seit 2018).'),
    (4, N'Demokratieförderung und Abbau von Diskriminierung', N'Handlungsfeld 4 der kommunalen Integrationsplanung (Gliederung seit 2018).'),
    (5, N'Gesundheit', N'Handlungsfeld 5 der kommunalen Integrationsplanung (Gliederung seit 2018).'),
    (6, N'Kultur, Freizeit und Sport', N'Handlungsfeld 6 der kommunalen Integrationsplanung (Gliederung seit 2018).'),
    (7, N'Wohnen und Zusammenleben im Quartier', N'Handlungsfeld 7 der kommunalen Integrationsplanung (Gliederung seit 2018).'),
    (8, N'Geflüchtete in städtischer Unterbringung', N'Handlungsfeld 8 der kommunalen Integrationsplanung (Gliederung seit 2018).');
GO
CREATE TABLE action_concepts (
    id            NVARCHAR(63)   NOT NULL CONSTRAINT pk_action_concepts PRIMARY KEY,
    title         NVARCHAR(200)  NOT NULL,
    adopted_on    DATE           NULL,
    council_paper NVARCHAR(50)   NOT NULL,
    note          NVARCHAR(2000) NOT NULL,
    create_time   DATETIME2(7)   NOT NULL
);
GO
CREATE TABLE units (
    id          NVARCHAR(63)  NOT NULL CONSTRAINT pk_units PRIMARY KEY,
    title       NVARCHAR(200) NOT NULL,
    parent_id   NVARCHAR(63)  NULL CONSTRAINT fk_units_parent REFERENCES units (id),
    create_time DATETIME2(7)  NOT NULL
);
GO
-- The measure's identity and current head; its fields live in versions (time travel by known_at).
CREATE TABLE measures (
    id          BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT pk_measures PRIMARY KEY,
    code        NVARCHAR(50)  NOT NULL,
    revision    INT           NOT NULL,
    create_time DATETIME2(7)  NOT NULL,
    update_time DATETIME2(7)  NOT NULL,
    retire_time DATETIME2(7)  NULL
);
GO
CREATE UNIQUE INDEX ux_measures_code ON measures (code);
GO
CREATE TABLE measure_versions (
    measure_id          BIGINT         NOT NULL CONSTRAINT fk_measure_versions_measure REFERENCES measures (id),
    revision            INT            NOT NULL,
    record_time         DATETIME2(7)   NOT NULL,
    recorded_by         NVARCHAR(256)  NOT NULL,
    code                NVARCHAR(50)   NOT NULL,
    title               NVARCHAR(200)  NOT NULL,
    description         NVARCHAR(4000) NOT NULL,
    action_concept_id   NVARCHAR(63)   NOT NULL CONSTRAINT fk_measure_versions_concept REFERENCES action_concepts (id),
    field_of_action     INT            NOT NULL CONSTRAINT fk_measure_versions_field REFERENCES fields_of_action (number),
    responsible_unit_id NVARCHAR(63)   NOT NULL CONSTRAINT fk_measure_versions_unit REFERENCES units (id),
    parent_id           BIGINT         NULL CONSTRAINT fk_measure_versions_parent REFERENCES measures (id),
    adopted_on          DATE           NOT NULL,
    CONSTRAINT pk_measure_versions PRIMARY KEY (measure_id, revision)
);
GO
CREATE INDEX ix_measure_versions_record_time ON measure_versions (record_time, measure_id);
GO
-- Append-only status history: corrections are new events, never edits.
CREATE TABLE status_events (
    id               BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT pk_status_events PRIMARY KEY,
    measure_id       BIGINT         NOT NULL CONSTRAINT fk_status_events_measure REFERENCES measures (id),
    status           INT            NOT NULL,
    progress_percent INT            NOT NULL CONSTRAINT ck_status_events_progress CHECK (progress_percent BETWEEN 0 AND 100),
    effective_date   DATE           NOT NULL,
    note             NVARCHAR(2000) NOT NULL,
    record_time      DATETIME2(7)   NOT NULL,
    recorded_by      NVARCHAR(256)  NOT NULL
);
GO
CREATE INDEX ix_status_events_measure ON status_events (measure_id, effective_date, record_time) INCLUDE (status, progress_percent);
GO
