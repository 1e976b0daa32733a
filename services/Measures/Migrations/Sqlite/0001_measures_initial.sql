-- Handlungsfelder: the eight fields of action since 2018, read-only through the API.
CREATE TABLE fields_of_action (
    number      INTEGER NOT NULL PRIMARY KEY,
    title       TEXT    NOT NULL,
    description TEXT    NOT NULL
);
INSERT INTO fields_of_action (number, title, description) VALUES
    (1, 'Bildung und Sprachförderung', 'Handlungsfeld 1 der kommunalen Integrationsplanung (Gliederung seit 2018).'),
    (2, 'Ausbildung und Arbeitsmarkt', 'Handlungsfeld 2 der kommunalen Integrationsplanung (Gliederung seit 2018).'),
    (3, 'Interkulturelle Öffnung der Verwaltung', 'Handlungsfeld 3 der kommunalen Integrationsplanung (Gliederung seit 2018).'),
    (4, 'Demokratieförderung und Abbau von Diskriminierung', 'Handlungsfeld 4 der kommunalen Integrationsplanung (Gliederung seit 2018).'),
    (5, 'Gesundheit', 'Handlungsfeld 5 der kommunalen Integrationsplanung (Gliederung seit 2018).'),
    (6, 'Kultur, Freizeit und Sport', 'Handlungsfeld 6 der kommunalen Integrationsplanung (Gliederung seit 2018).'),
    (7, 'Wohnen und Zusammenleben im Quartier', 'Handlungsfeld 7 der kommunalen Integrationsplanung (Gliederung seit 2018).'),
    (8, 'Geflüchtete in städtischer Unterbringung', 'Handlungsfeld 8 der kommunalen Integrationsplanung (Gliederung seit 2018).');

CREATE TABLE action_concepts (
    id            TEXT NOT NULL PRIMARY KEY,
    title         TEXT NOT NULL,
    adopted_on    TEXT NULL,
    council_paper TEXT NOT NULL,
    note          TEXT NOT NULL,
    create_time   TEXT NOT NULL
);

CREATE TABLE units (
    id          TEXT NOT NULL PRIMARY KEY,
    title       TEXT NOT NULL,
    parent_id   TEXT NULL REFERENCES units (id),
    create_time TEXT NOT NULL
);

-- The measure's identity and current head; its fields live in versions (time travel by known_at).
CREATE TABLE measures (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code        TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    create_time TEXT    NOT NULL,
    update_time TEXT    NOT NULL,
    retire_time TEXT    NULL
);
CREATE UNIQUE INDEX ux_measures_code ON measures (code);

CREATE TABLE measure_versions (
    measure_id          INTEGER NOT NULL REFERENCES measures (id),
    revision            INTEGER NOT NULL,
    record_time         TEXT    NOT NULL,
    recorded_by         TEXT    NOT NULL,
    code                TEXT    NOT NULL,
    title               TEXT    NOT NULL,
    description         TEXT    NOT NULL,
    action_concept_id   TEXT    NOT NULL REFERENCES action_concepts (id),
    field_of_action     INTEGER NOT NULL REFERENCES fields_of_action (number),
    responsible_unit_id TEXT    NOT NULL REFERENCES units (id),
    parent_id           INTEGER NULL REFERENCES measures (id),
    adopted_on          TEXT    NOT NULL,
    PRIMARY KEY (measure_id, revision)
);
CREATE INDEX ix_measure_versions_record_time ON measure_versions (record_time, measure_id);

-- Append-only status history: corrections are new events, never edits.
CREATE TABLE status_events (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    measure_id       INTEGER NOT NULL REFERENCES measures (id),
    status           INTEGER NOT NULL,
    progress_percent INTEGER NOT NULL CHECK (progress_percent BETWEEN 0 AND 100),
    effective_date   TEXT    NOT NULL,
    note             TEXT    NOT NULL,
    record_time      TEXT    NOT NULL,
    recorded_by      TEXT    NOT NULL
);
CREATE INDEX ix_status_events_measure ON status_events (measure_id, effective_date, record_time);
