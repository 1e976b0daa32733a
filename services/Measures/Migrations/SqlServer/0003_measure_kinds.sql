-- Release 2: a measure is council-adopted (kind 1) or a further activity beyond the adopted concepts
-- (kind 2, "weitere Aktivitäten … wird geprüft"), for which action concept and adoption date may be
-- absent. The foreign key on the concept is dropped and re-created around the change of nullability.
-- Every existing version is council-adopted (the default).
ALTER TABLE measure_versions DROP CONSTRAINT fk_measure_versions_concept;
GO
ALTER TABLE measure_versions ALTER COLUMN action_concept_id NVARCHAR(63) NULL;
GO
ALTER TABLE measure_versions ALTER COLUMN adopted_on DATE NULL;
GO
ALTER TABLE measure_versions ADD CONSTRAINT fk_measure_versions_concept FOREIGN KEY (action_concept_id) REFERENCES action_concepts (id);
GO
ALTER TABLE measure_versions ADD kind INT NOT NULL CONSTRAINT df_measure_versions_kind DEFAULT 1
    CONSTRAINT ck_measure_versions_kind CHECK (kind IN (1, 2));
GO
ALTER TABLE measure_versions ADD CONSTRAINT ck_measure_versions_adopted
    CHECK (kind = 2 OR (action_concept_id IS NOT NULL AND adopted_on IS NOT NULL));
GO
-- The roll-up of a measure (children_count, rollup_progress_percent) finds the measures that ever named
-- it as parent by this index, then checks each one's version in force: a read of one parent costs what
-- its children cost, never the catalogue.
CREATE INDEX ix_measure_versions_parent ON measure_versions (parent_id, measure_id);
GO
