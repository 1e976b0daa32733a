-- Release 2: a measure is council-adopted (kind 1) or a further activity beyond the adopted concepts
-- (kind 2, "weitere Aktivitäten … wird geprüft"), for which action concept and adoption date may be
-- absent. SQLite cannot relax NOT NULL in place, so the versions table is rebuilt: the old one is
-- renamed first, so that the new one and its primary key index keep their names (the plan test looks
-- for sqlite_autoindex_measure_versions_1). Every existing version is council-adopted.
ALTER TABLE measure_versions RENAME TO measure_versions_r1;

CREATE TABLE measure_versions (
    measure_id          INTEGER NOT NULL REFERENCES measures (id),
    revision            INTEGER NOT NULL,
    record_time         TEXT    NOT NULL,
    recorded_by         TEXT    NOT NULL,
    code                TEXT    NOT NULL,
    title               TEXT    NOT NULL,
    description         TEXT    NOT NULL,
    action_concept_id   TEXT    NULL REFERENCES action_concepts (id),
    field_of_action     INTEGER NOT NULL REFERENCES fields_of_action (number),
    responsible_unit_id TEXT    NOT NULL REFERENCES units (id),
    parent_id           INTEGER NULL REFERENCES measures (id),
    adopted_on          TEXT    NULL,
    kind                INTEGER NOT NULL DEFAULT 1 CHECK (kind IN (1, 2)),
    PRIMARY KEY (measure_id, revision),
    CHECK (kind = 2 OR (action_concept_id IS NOT NULL AND adopted_on IS NOT NULL))
);

INSERT INTO measure_versions (measure_id, revision, record_time, recorded_by, code, title, description,
                              action_concept_id, field_of_action, responsible_unit_id, parent_id, adopted_on, kind)
SELECT measure_id, revision, record_time, recorded_by, code, title, description,
       action_concept_id, field_of_action, responsible_unit_id, parent_id, adopted_on, 1
FROM measure_versions_r1;

DROP TABLE measure_versions_r1;

-- The roll-up of a measure (children_count, rollup_progress_percent) finds the measures that ever named
-- it as parent by this index, then checks each one's version in force: a read of one parent costs what
-- its children cost, never the catalogue.
CREATE INDEX ix_measure_versions_parent ON measure_versions (parent_id, measure_id);
