using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Dapper;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Measures;

// Rows read by Dapper are property-based: providers differ in integer widths (SQLite hands back
// Int64 where SQL Server hands back Int32), which property setters convert and constructors don't.

public sealed record FieldOfActionRow
{
    public int Number { get; init; }
    public string Title { get; init; } = "";
    public string Description { get; init; } = "";
}

public sealed record ActionConceptRow
{
    public string Id { get; init; } = "";
    public string Title { get; init; } = "";
    public DateOnly? AdoptedOn { get; init; }
    public string CouncilPaper { get; init; } = "";
    public string Note { get; init; } = "";
    public DateTime CreateTime { get; init; }
}

public sealed record UnitRow
{
    public string Id { get; init; } = "";
    public string Title { get; init; } = "";
    public string? ParentId { get; init; }
    public DateTime CreateTime { get; init; }
}

/// <summary>A measure as of a point in time: one version of its fields and its status then.</summary>
public sealed record MeasureRow
{
    public long Id { get; init; }
    public DateTime CreateTime { get; init; }
    public DateTime? RetireTime { get; init; }
    public int Revision { get; init; }
    public DateTime UpdateTime { get; init; }
    public string Code { get; init; } = "";
    public string Title { get; init; } = "";
    public string Description { get; init; } = "";
    public string ActionConceptId { get; init; } = "";
    public int FieldOfAction { get; init; }
    public string ResponsibleUnitId { get; init; } = "";
    public long? ParentId { get; init; }
    public DateOnly AdoptedOn { get; init; }
    public int Status { get; init; }
    public int ProgressPercent { get; init; }
    public DateOnly? StatusEffectiveDate { get; init; }
}

/// <summary>The versioned fields of a measure (what UpdateMeasure changes).</summary>
public sealed record MeasureFields(
    string Code, string Title, string Description, string ActionConceptId, int FieldOfAction,
    string ResponsibleUnitId, long? ParentId, DateOnly AdoptedOn);

public sealed record StatusEventRow
{
    public long Id { get; init; }
    public long MeasureId { get; init; }
    public int Status { get; init; }
    public int ProgressPercent { get; init; }
    public DateOnly EffectiveDate { get; init; }
    public string Note { get; init; } = "";
    public DateTime RecordTime { get; init; }
    public string RecordedBy { get; init; } = "";
}

/// <summary>Which measures, as of when: the selection shared by Get, List and Stream.</summary>
public sealed record MeasureQuery(
    DateOnly AsOf, DateTime KnownAt, bool TimeTravel, bool ShowRetired,
    IReadOnlyList<FilterTerm> Filter, long After = 0, int? Limit = null)
{
    /// <summary>Start of the day after AsOf in Europe/Berlin: retired "on or before AsOf" means before it.</summary>
    public DateTime AsOfEnd => BusinessCalendar.EndOfDayUtc(AsOf);
}

/// <summary>Dapper data access of the Measures service; writes take the caller's transaction.</summary>
public sealed class MeasureRepository(Database database)
{
    private readonly MeasureSql _sql = new(database.Dialect);

    public static readonly IReadOnlyDictionary<string, FilterField> FilterFields = new Dictionary<string, FilterField>
    {
        ["field_of_action"] = new("field_of_action", v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture)),
        ["action_concept"] = new("action_concept_id", v => Names.Parse(v, Names.ActionConcepts), OrderedOperators: false),
        ["responsible_unit"] = new("responsible_unit_id", v => Names.Parse(v, Names.Units), OrderedOperators: false),
        ["status"] = new("status", v => (int)MeasureMapping.ParseStatus(v), OrderedOperators: false),
        ["code"] = new("code", v => v),
        ["parent"] = new("parent_id", v => Names.ParseMeasureId(v), OrderedOperators: false),
    };

    public Database Database => database;

    public async Task<IReadOnlyList<FieldOfActionRow>> ListFieldsOfActionAsync(int after, int limit, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<FieldOfActionRow>(new CommandDefinition(_sql.ListFieldsOfAction, new { After = after, Limit = limit }, cancellationToken: ct))).ToList();
    }

    public async Task<bool> FieldOfActionExistsAsync(DbConnection c, DbTransaction? tx, int number, CancellationToken ct) =>
        await c.ExecuteScalarAsync<int>(new CommandDefinition(_sql.FieldOfActionExists, new { Number = number }, tx, cancellationToken: ct)) > 0;

    public async Task<IReadOnlyList<ActionConceptRow>> ListActionConceptsAsync(string after, int limit, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<ActionConceptRow>(new CommandDefinition(_sql.ListActionConcepts, new { After = after, Limit = limit }, cancellationToken: ct))).ToList();
    }

    public Task<ActionConceptRow?> GetActionConceptAsync(DbConnection c, DbTransaction? tx, string id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<ActionConceptRow>(new CommandDefinition(_sql.GetActionConcept, new { Id = id }, tx, cancellationToken: ct));

    public Task InsertActionConceptAsync(DbConnection c, DbTransaction tx, ActionConceptRow row, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(_sql.InsertActionConcept, row, tx, cancellationToken: ct));

    public async Task<IReadOnlyList<UnitRow>> ListUnitsAsync(string after, int limit, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<UnitRow>(new CommandDefinition(_sql.ListUnits, new { After = after, Limit = limit }, cancellationToken: ct))).ToList();
    }

    public async Task<IReadOnlyList<UnitRow>> AllUnitsAsync(CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<UnitRow>(new CommandDefinition(_sql.AllUnits, cancellationToken: ct))).ToList();
    }

    public Task<UnitRow?> GetUnitAsync(DbConnection c, DbTransaction? tx, string id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<UnitRow>(new CommandDefinition(_sql.GetUnit, new { Id = id }, tx, cancellationToken: ct));

    public Task InsertUnitAsync(DbConnection c, DbTransaction tx, UnitRow row, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(_sql.InsertUnit, row, tx, cancellationToken: ct));

    // ---- measures ---------------------------------------------------------------------------------

    public async Task<MeasureRow?> GetMeasureAsync(DbConnection c, DbTransaction? tx, long id, DateOnly asOf, DateTime knownAt, CancellationToken ct) =>
        Utc(await c.QuerySingleOrDefaultAsync<MeasureRow>(new CommandDefinition(_sql.QueryById,
            new { Id = id, AsOf = asOf, KnownAt = knownAt }, tx, cancellationToken: ct)));

    public async Task<MeasureRow?> GetMeasureAsync(long id, DateOnly asOf, DateTime knownAt, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return await GetMeasureAsync(c, null, id, asOf, knownAt, ct);
    }

    public async Task<IReadOnlyList<MeasureRow>> ListMeasuresAsync(MeasureQuery query, CancellationToken ct)
    {
        var (sql, parameters) = Build(query);
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<MeasureRow>(new CommandDefinition(sql, parameters, cancellationToken: ct))).Select(r => Utc(r)!).ToList();
    }

    /// <summary>Streams rows straight from the reader: bulk consumers never make the service buffer the catalogue.</summary>
    public async IAsyncEnumerable<MeasureRow> StreamMeasuresAsync(MeasureQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        var (sql, parameters) = Build(query);
        await using var c = await database.OpenAsync(ct);
        await foreach (var row in c.QueryUnbufferedAsync<MeasureRow>(sql, parameters).WithCancellation(ct))
            yield return Utc(row)!;
    }

    private (string Sql, DynamicParameters Parameters) Build(MeasureQuery query)
    {
        var where = new StringBuilder("id > @After");
        var parameters = new DynamicParameters(new
        {
            query.After, query.AsOf, query.KnownAt, query.AsOfEnd, Limit = query.Limit ?? int.MaxValue,
        });
        if (!query.ShowRetired) where.Append(" AND ").Append(MeasureConditions.NotRetired);
        if (query.TimeTravel) where.Append(" AND ").Append(MeasureConditions.AdoptedByAsOf);
        Filter.AppendSql(query.Filter, FilterFields, where, parameters);
        return (_sql.Query(where.ToString(), limited: query.Limit is not null), parameters);
    }

    public async Task<bool> CodeTakenAsync(DbConnection c, DbTransaction tx, string code, long exceptId, CancellationToken ct) =>
        await c.ExecuteScalarAsync<int>(new CommandDefinition(_sql.CodeTaken, new { Code = code, Id = exceptId }, tx, cancellationToken: ct)) > 0;

    public async Task<bool> MeasureExistsAsync(DbConnection c, DbTransaction? tx, long id, CancellationToken ct) =>
        await c.ExecuteScalarAsync<int>(new CommandDefinition(_sql.MeasureExists, new { Id = id }, tx, cancellationToken: ct)) > 0;

    /// <summary>Creates a measure with its first version recorded at <paramref name="recordTime"/>.</summary>
    public async Task<long> InsertMeasureAsync(DbConnection c, DbTransaction tx, MeasureFields fields, DateTime recordTime, string recordedBy, CancellationToken ct)
    {
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(_sql.InsertMeasure, new { fields.Code, RecordTime = recordTime }, tx, cancellationToken: ct));
        await InsertVersionAsync(c, tx, id, 1, fields, recordTime, recordedBy, ct);
        return id;
    }

    /// <summary>Records a new version, or returns false when the head moved since <paramref name="expectedRevision"/>.</summary>
    public async Task<bool> InsertNextVersionAsync(DbConnection c, DbTransaction tx, long id, int expectedRevision, MeasureFields fields,
        DateTime recordTime, string recordedBy, CancellationToken ct)
    {
        var moved = await c.ExecuteAsync(new CommandDefinition(_sql.AdvanceRevision, new
        {
            MeasureId = id, Revision = expectedRevision + 1, ExpectedRevision = expectedRevision, fields.Code, RecordTime = recordTime,
        }, tx, cancellationToken: ct));
        if (moved == 0) return false;
        await InsertVersionAsync(c, tx, id, expectedRevision + 1, fields, recordTime, recordedBy, ct);
        return true;
    }

    private Task InsertVersionAsync(DbConnection c, DbTransaction tx, long id, int revision, MeasureFields f, DateTime recordTime, string recordedBy, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(_sql.InsertVersion, new
        {
            MeasureId = id, Revision = revision, RecordTime = recordTime, RecordedBy = recordedBy,
            f.Code, f.Title, f.Description, f.ActionConceptId, f.FieldOfAction, f.ResponsibleUnitId, f.ParentId, f.AdoptedOn,
        }, tx, cancellationToken: ct));

    public async Task<bool> RetireAsync(DbConnection c, DbTransaction tx, long id, int expectedRevision, DateTime retireTime, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(_sql.Retire, new { Id = id, ExpectedRevision = expectedRevision, RetireTime = retireTime }, tx, cancellationToken: ct)) == 1;

    public async Task<long> InsertStatusEventAsync(DbConnection c, DbTransaction tx, long measureId, int status, int progress,
        DateOnly effectiveDate, string note, DateTime recordTime, string recordedBy, CancellationToken ct) =>
        await c.ExecuteScalarAsync<long>(new CommandDefinition(_sql.InsertStatusEvent, new
        {
            MeasureId = measureId, Status = status, ProgressPercent = progress, EffectiveDate = effectiveDate,
            Note = note, RecordTime = recordTime, RecordedBy = recordedBy,
        }, tx, cancellationToken: ct));

    public async Task<StatusEventRow?> GetStatusEventAsync(DbConnection c, DbTransaction? tx, long id, CancellationToken ct) =>
        Utc(await c.QuerySingleOrDefaultAsync<StatusEventRow>(new CommandDefinition(_sql.GetStatusEvent, new { Id = id }, tx, cancellationToken: ct)));

    public async Task<IReadOnlyList<StatusEventRow>> ListStatusEventsAsync(long measureId, long after, int limit, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<StatusEventRow>(new CommandDefinition(_sql.ListStatusEvents,
            new { MeasureId = measureId, After = after, Limit = limit }, cancellationToken: ct))).Select(r => Utc(r)!).ToList();
    }

    public Task<long?> ParentOfAsync(DbConnection c, DbTransaction? tx, long id, CancellationToken ct) =>
        c.ExecuteScalarAsync<long?>(new CommandDefinition(_sql.ParentOf, new { Id = id }, tx, cancellationToken: ct));

    public async Task<int> CountMeasuresAsync(CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<int>(new CommandDefinition(_sql.CountMeasures, cancellationToken: ct));
    }

    private static MeasureRow? Utc(MeasureRow? r) => r is null ? null : r with
    {
        CreateTime = DbValues.Utc(r.CreateTime), UpdateTime = DbValues.Utc(r.UpdateTime), RetireTime = DbValues.Utc(r.RetireTime),
    };

    private static StatusEventRow? Utc(StatusEventRow? r) => r is null ? null : r with { RecordTime = DbValues.Utc(r.RecordTime) };
}
