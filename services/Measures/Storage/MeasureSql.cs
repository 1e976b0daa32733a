using System.Globalization;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Measures.Domain;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Measures.Storage;

/// <summary>The statements on measures, their versions and status events, valid on SQLite and (with its dialect) SQL Server.</summary>
[SqlStatements]
public sealed class MeasureSql(SqlDialect dialect)
{
    /// <summary>The filter fields of ListMeasures and StreamMeasures (API.md), on the expressions of <see cref="Query"/>.</summary>
    public static readonly FilterSpec Filters = new(new Dictionary<string, FilterField>
    {
        ["field_of_action"] = new("v.field_of_action", v => int.Parse(v, CultureInfo.InvariantCulture)),
        ["action_concept"] = new("v.action_concept_id", v => MeasureNames.ActionConcepts.Parse(v), OrderedOperators: false),
        ["responsible_unit"] = new("v.responsible_unit_id", v => MeasureNames.Units.Parse(v), OrderedOperators: false),
        ["status"] = new("COALESCE(e.status, 1)", v => (int)ProtoEnum<MeasureStatus>.Parse(v), OrderedOperators: false),
        ["code"] = new("v.code", v => v),
        ["parent"] = new("v.parent_id", v => MeasureNames.Measures.ParseNumber(v), OrderedOperators: false),
        ["kind"] = new("v.kind", v => (int)ProtoEnum<MeasureKind>.Parse(v), OrderedOperators: false),
    });

    /// <summary>
    /// The time-travel view: per measure the latest version recorded at or before @KnownAt, and the
    /// latest status event effective on or before @AsOf among those recorded at or before @KnownAt
    /// (ties on effective_date: later record_time wins). Reads of "now" pass today and now, so there is
    /// one code path for "current" and "as of". A measure without events is NOT_STARTED (1) with progress 0.
    /// Each measure's version and event are found by a lookup of their own, a seek that reads backwards
    /// from the point in time on measure_versions (measure_id, revision) and on status_events
    /// (measure_id, effective_date, record_time, id) and stops at the first match: a read costs what the
    /// measures it returns cost, however many others and however long their histories are. The plans
    /// are checked by a test (MeasureQueryPlanTests). The status note is the note of the event in force.
    /// The roll-up (children_count, rollup_progress_percent) reads only the measure's own children, see
    /// <see cref="Children"/>. One flat SELECT, without a CTE around it: the flat form compiles in about two
    /// thirds of the time, which each read connection pays once per statement (see SqliteReadConnections).
    /// </summary>
    private string View() => $"""
        SELECT m.id AS Id, m.create_time AS CreateTime,
               CASE WHEN m.retire_time <= @KnownAt THEN m.retire_time END AS RetireTime,
               v.revision AS Revision, v.record_time AS UpdateTime, v.code AS Code, v.title AS Title, v.description AS Description,
               v.action_concept_id AS ActionConceptId, v.field_of_action AS FieldOfAction,
               v.responsible_unit_id AS ResponsibleUnitId, v.parent_id AS ParentId, v.adopted_on AS AdoptedOn, v.kind AS Kind,
               COALESCE(e.status, 1) AS Status, COALESCE(e.progress_percent, 0) AS ProgressPercent, e.effective_date AS StatusEffectiveDate,
               COALESCE(e.note, '') AS StatusNote,
               {Children(progress: false)} AS ChildrenCount,
               {Children(progress: true)} AS RollupProgressPercent
        FROM measures m
        JOIN measure_versions v ON v.measure_id = m.id AND v.revision = (
            SELECT mv.revision FROM measure_versions mv
            WHERE mv.measure_id = m.id AND mv.record_time <= @KnownAt
            ORDER BY mv.revision DESC
            {dialect.Limit("1")})
        LEFT JOIN status_events e ON e.id = (
            SELECT se.id FROM status_events se
            WHERE se.measure_id = m.id AND se.effective_date <= @AsOf AND se.record_time <= @KnownAt
            ORDER BY se.effective_date DESC, se.record_time DESC, se.id DESC
            {dialect.Limit("1")})
        WHERE m.create_time <= @KnownAt
        """;

    /// <summary>
    /// The number of the direct children of measure m, or with <paramref name="progress"/> the mean of their
    /// progress (0 for a child without events), as of the point in time. The children: the measures that name
    /// m as parent in their version in force, exist at @KnownAt and are not retired on or before @AsOf (as
    /// known at @KnownAt). Candidates come from ix_measure_versions_parent (every measure that ever named m),
    /// then each one's version in force, and with <paramref name="progress"/> its status event in force
    /// (ce), are looked up as in <see cref="View"/>: the cost is m's children, never the catalogue. The
    /// event is joined rather than read by a subquery inside the aggregate, which T-SQL does not allow.
    /// </summary>
    private string Children(bool progress) => $"""
        (SELECT {(progress ? "AVG(CAST(COALESCE(ce.progress_percent, 0) AS FLOAT))" : "COUNT(*)")} FROM measures c{(progress ? $"""

            LEFT JOIN status_events ce ON ce.id = (
                SELECT cse.id FROM status_events cse
                WHERE cse.measure_id = c.id AND cse.effective_date <= @AsOf AND cse.record_time <= @KnownAt
                ORDER BY cse.effective_date DESC, cse.record_time DESC, cse.id DESC
                {dialect.Limit("1")})
        """ : "")}
         WHERE c.id IN (SELECT pv.measure_id FROM measure_versions pv WHERE pv.parent_id = m.id)
           AND c.create_time <= @KnownAt
           AND (c.retire_time IS NULL OR c.retire_time > @KnownAt OR c.retire_time >= @AsOfEnd)
           AND (SELECT cv.parent_id FROM measure_versions cv
                WHERE cv.measure_id = c.id AND cv.record_time <= @KnownAt
                ORDER BY cv.revision DESC
                {dialect.Limit("1")}) = m.id)
        """;

    /// <summary>
    /// At most @Limit measures after @After in id order (keyset: a page reads from its start, not the
    /// catalogue's): without <paramref name="showRetired"/> those retired on or before @AsOf (as known at
    /// @KnownAt) are left out; with <paramref name="timeTravel"/> those adopted after @AsOf (a further
    /// activity without adoption date counts from its creation, which @KnownAt already bounds).
    /// </summary>
    public string Query(SqlFilter filter, bool showRetired, bool timeTravel) => $"""
        {View()}
        AND m.id > @After{(showRetired ? "" : " AND (m.retire_time IS NULL OR m.retire_time > @KnownAt OR m.retire_time >= @AsOfEnd)")}{(timeTravel ? " AND (v.adopted_on IS NULL OR v.adopted_on <= @AsOf)" : "")}{filter.Sql}
        ORDER BY m.id
        {dialect.Limit("@Limit")}
        """;

    /// <summary>One measure as of the point in time, retired or not, whenever adopted.</summary>
    public string QueryById => $"""
        {View()}
        AND m.id = @Id
        """;

    public string CodeTaken => "SELECT COUNT(*) FROM measures WHERE code = @Code AND id <> @Id";

    public string MeasureExists => "SELECT COUNT(*) FROM measures WHERE id = @Id";

    /// <summary>
    /// For the demo seeding: holds a range lock to the end of the transaction (SQL Server), so that two
    /// seeders starting at once cannot both find the catalogue empty.
    /// </summary>
    public string CountMeasures => $"SELECT COUNT(*) FROM measures {dialect.UpdateLock}";

    public string InsertMeasure => $"""
        INSERT INTO measures (code, revision, create_time, update_time, retire_time)
        {dialect.OutputId}
        VALUES (@Code, 1, @RecordTime, @RecordTime, NULL)
        {dialect.ReturningId}
        """;

    public string InsertVersion => """
        INSERT INTO measure_versions (measure_id, revision, record_time, recorded_by, code, title, description,
                                      action_concept_id, field_of_action, responsible_unit_id, parent_id, adopted_on, kind)
        VALUES (@MeasureId, @Revision, @RecordTime, @RecordedBy, @Code, @Title, @Description,
                @ActionConceptId, @FieldOfAction, @ResponsibleUnitId, @ParentId, @AdoptedOn, @Kind)
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

    /// <summary>The current parent of a measure (walked to refuse cycles).</summary>
    public string ParentOf => """
        SELECT mv.parent_id FROM measure_versions mv
        JOIN measures m ON m.id = mv.measure_id AND m.revision = mv.revision
        WHERE mv.measure_id = @Id
        """;

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
}
