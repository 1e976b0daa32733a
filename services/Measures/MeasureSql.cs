using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Measures;

/// <summary>Every statement of the Measures service, valid on SQLite and (with its dialect) SQL Server.</summary>
[SqlStatements]
public sealed class MeasureSql(SqlDialect dialect)
{
    // ---- catalogues -------------------------------------------------------------------------------

    public string ListFieldsOfAction => $"""
        SELECT number AS Number, title AS Title, description AS Description
        FROM fields_of_action WHERE number > @After ORDER BY number {dialect.Limit("@Limit")}
        """;

    public string FieldOfActionExists => "SELECT COUNT(*) FROM fields_of_action WHERE number = @Number";

    public string ListActionConcepts => $"""
        SELECT id AS Id, title AS Title, adopted_on AS AdoptedOn, council_paper AS CouncilPaper, note AS Note, create_time AS CreateTime
        FROM action_concepts WHERE id > @After ORDER BY id {dialect.Limit("@Limit")}
        """;

    public string GetActionConcept => """
        SELECT id AS Id, title AS Title, adopted_on AS AdoptedOn, council_paper AS CouncilPaper, note AS Note, create_time AS CreateTime
        FROM action_concepts WHERE id = @Id
        """;

    public string InsertActionConcept => """
        INSERT INTO action_concepts (id, title, adopted_on, council_paper, note, create_time)
        VALUES (@Id, @Title, @AdoptedOn, @CouncilPaper, @Note, @CreateTime)
        """;

    public string ListUnits => $"""
        SELECT id AS Id, title AS Title, parent_id AS ParentId, create_time AS CreateTime
        FROM units WHERE id > @After ORDER BY id {dialect.Limit("@Limit")}
        """;

    public string AllUnits => "SELECT id AS Id, title AS Title, parent_id AS ParentId, create_time AS CreateTime FROM units";

    public string GetUnit => "SELECT id AS Id, title AS Title, parent_id AS ParentId, create_time AS CreateTime FROM units WHERE id = @Id";

    public string InsertUnit => """
        INSERT INTO units (id, title, parent_id, create_time) VALUES (@Id, @Title, @ParentId, @CreateTime)
        """;

    // ---- measures ---------------------------------------------------------------------------------

    /// <summary>
    /// The time-travel view: per measure the latest version recorded at or before @KnownAt, and the
    /// latest status event effective on or before @AsOf among those recorded at or before @KnownAt
    /// (ties on effective_date: later record_time wins). Without time travel the service passes
    /// today and now, so there is one code path for "current" and "as of".
    /// </summary>
    public string Query(string where, bool limited) => $"""
        WITH v AS (
            SELECT mv.measure_id, mv.revision, mv.record_time, mv.code, mv.title, mv.description,
                   mv.action_concept_id, mv.field_of_action, mv.responsible_unit_id, mv.parent_id, mv.adopted_on,
                   ROW_NUMBER() OVER (PARTITION BY mv.measure_id ORDER BY mv.revision DESC) AS rn
            FROM measure_versions mv
            WHERE mv.record_time <= @KnownAt
        ),
        e AS (
            SELECT se.measure_id, se.status, se.progress_percent, se.effective_date,
                   ROW_NUMBER() OVER (PARTITION BY se.measure_id
                                      ORDER BY se.effective_date DESC, se.record_time DESC, se.id DESC) AS rn
            FROM status_events se
            WHERE se.record_time <= @KnownAt AND se.effective_date <= @AsOf
        ),
        cur AS (
            SELECT m.id, m.create_time,
                   CASE WHEN m.retire_time <= @KnownAt THEN m.retire_time END AS retire_time,
                   v.revision, v.record_time AS update_time, v.code, v.title, v.description,
                   v.action_concept_id, v.field_of_action, v.responsible_unit_id, v.parent_id, v.adopted_on,
                   COALESCE(e.status, 1) AS status, COALESCE(e.progress_percent, 0) AS progress_percent,
                   e.effective_date AS status_effective_date
            FROM measures m
            JOIN v ON v.measure_id = m.id AND v.rn = 1
            LEFT JOIN e ON e.measure_id = m.id AND e.rn = 1
            WHERE m.create_time <= @KnownAt
        )
        SELECT id AS Id, create_time AS CreateTime, retire_time AS RetireTime, revision AS Revision,
               update_time AS UpdateTime, code AS Code, title AS Title, description AS Description,
               action_concept_id AS ActionConceptId, field_of_action AS FieldOfAction,
               responsible_unit_id AS ResponsibleUnitId, parent_id AS ParentId, adopted_on AS AdoptedOn,
               status AS Status, progress_percent AS ProgressPercent, status_effective_date AS StatusEffectiveDate
        FROM cur
        WHERE {where}
        ORDER BY id
        {(limited ? dialect.Limit("@Limit") : "")}
        """;

    /// <summary>For the T-SQL fidelity test: the query with every optional condition and filter field.</summary>
    public string QueryWithAllConditions => Query(
        $"id > @After AND {MeasureConditions.NotRetired} AND {MeasureConditions.AdoptedByAsOf} AND field_of_action = @f0 AND action_concept_id = @f1 " +
        "AND responsible_unit_id <> @f2 AND status >= @f3 AND code = @f4 AND parent_id = @f5", limited: true);

    public string QueryById => Query("id = @Id", limited: false);

    public string CodeTaken => "SELECT COUNT(*) FROM measures WHERE code = @Code AND id <> @Id";

    public string MeasureExists => "SELECT COUNT(*) FROM measures WHERE id = @Id";

    public string InsertMeasure => $"""
        INSERT INTO measures (code, revision, create_time, update_time, retire_time)
        {dialect.OutputId}
        VALUES (@Code, 1, @RecordTime, @RecordTime, NULL)
        {dialect.ReturningId}
        """;

    public string InsertVersion => """
        INSERT INTO measure_versions (measure_id, revision, record_time, recorded_by, code, title, description,
                                      action_concept_id, field_of_action, responsible_unit_id, parent_id, adopted_on)
        VALUES (@MeasureId, @Revision, @RecordTime, @RecordedBy, @Code, @Title, @Description,
                @ActionConceptId, @FieldOfAction, @ResponsibleUnitId, @ParentId, @AdoptedOn)
        """;

    /// <summary>Optimistic concurrency: moves the head only if nobody else moved it since it was read.</summary>
    public string AdvanceRevision => """
        UPDATE measures SET revision = @Revision, code = @Code, update_time = @RecordTime
        WHERE id = @MeasureId AND revision = @ExpectedRevision AND retire_time IS NULL
        """;

    public string Retire => """
        UPDATE measures SET retire_time = @RetireTime, update_time = @RetireTime
        WHERE id = @Id AND revision = @ExpectedRevision AND retire_time IS NULL
        """;

    public string Head => "SELECT revision AS Revision, retire_time AS RetireTime FROM measures WHERE id = @Id";

    // ---- status events ----------------------------------------------------------------------------

    public string InsertStatusEvent => $"""
        INSERT INTO status_events (measure_id, status, progress_percent, effective_date, note, record_time, recorded_by)
        {dialect.OutputId}
        VALUES (@MeasureId, @Status, @ProgressPercent, @EffectiveDate, @Note, @RecordTime, @RecordedBy)
        {dialect.ReturningId}
        """;

    public string GetStatusEvent => """
        SELECT id AS Id, measure_id AS MeasureId, status AS Status, progress_percent AS ProgressPercent,
               effective_date AS EffectiveDate, note AS Note, record_time AS RecordTime, recorded_by AS RecordedBy
        FROM status_events WHERE id = @Id
        """;

    public string ListStatusEvents => $"""
        SELECT id AS Id, measure_id AS MeasureId, status AS Status, progress_percent AS ProgressPercent,
               effective_date AS EffectiveDate, note AS Note, record_time AS RecordTime, recorded_by AS RecordedBy
        FROM status_events WHERE measure_id = @MeasureId AND id > @After
        ORDER BY id {dialect.Limit("@Limit")}
        """;

    public string CountMeasures => "SELECT COUNT(*) FROM measures";

    /// <summary>The current parent of a measure (walked to refuse cycles).</summary>
    public string ParentOf => """
        SELECT mv.parent_id FROM measure_versions mv
        JOIN measures m ON m.id = mv.measure_id AND m.revision = mv.revision
        WHERE mv.measure_id = @Id
        """;
}

/// <summary>
/// Conditions the repository appends to the WHERE of <see cref="MeasureSql.Query"/>. They are
/// fragments, not statements, so they live outside the [SqlStatements] class (whose every string is
/// checked as a whole T-SQL statement); <see cref="MeasureSql.QueryWithAllConditions"/> covers them.
/// </summary>
public static class MeasureConditions
{
    /// <summary>Retired on or before @AsOf, as known at @KnownAt, is left out unless show_retired.</summary>
    public const string NotRetired = "(retire_time IS NULL OR retire_time >= @AsOfEnd)";

    public const string AdoptedByAsOf = "adopted_on <= @AsOf";
}
