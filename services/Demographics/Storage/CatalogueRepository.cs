using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Demographics.Storage;

/// <summary>The areas (with their successors) and indicators: small reference tables.</summary>
public sealed class CatalogueRepository(Database database)
{
    private readonly CatalogueSql _sql = new(database.Dialect);

    /// <summary>Every area with its successors as known at <paramref name="knownAt"/> (null: everything recorded).</summary>
    public async Task<AreaCatalogue> LoadAreasAsync(DbScope db, DateTime? knownAt, CancellationToken ct)
    {
        var known = Known(knownAt);
        return new(await WithSuccessorsAsync(db, await db.QueryAsync<AreaRow>(_sql.AllAreas, new { KnownAt = known }, ct), known, ct));
    }

    /// <summary>
    /// Up to <paramref name="limit"/> areas after the id <paramref name="after"/>, as known at <paramref name="knownAt"/>;
    /// with <paramref name="asOf"/> only those valid then.
    /// </summary>
    public async Task<IReadOnlyList<AreaEntry>> PageAreasAsync(DbScope db, string after, DateOnly? asOf, DateTime knownAt, int limit, CancellationToken ct)
    {
        var rows = await db.QueryAsync<AreaRow>(_sql.AreaPage,
            new { After = after, KnownAt = knownAt, AnyDate = asOf is null ? 1 : 0, AsOf = asOf ?? DateOnly.MinValue, Limit = limit }, ct);
        return await WithSuccessorsAsync(db, rows, knownAt, ct);
    }

    public async Task<AreaEntry?> FindAreaAsync(DbScope db, string id, CancellationToken ct) =>
        await db.QuerySingleOrDefaultAsync<AreaRow>(_sql.AreaById, new { Id = id }, ct) is { } row
            ? (await WithSuccessorsAsync(db, [row], Known(null), ct))[0]
            : null;

    /// <summary>Adds the area and its successor links, all recorded at <paramref name="recordTime"/>.</summary>
    public async Task InsertAreaAsync(DbScope db, AreaEntry area, DateTime recordTime, CancellationToken ct)
    {
        await db.ExecuteAsync(_sql.InsertArea, new
        {
            area.Id, area.Code, area.Title, Kind = ProtoEnum<AreaKind>.Name(area.Kind), area.ParentId, area.ValidFrom, area.ValidTo, area.Description,
            RecordTime = recordTime,
        }, ct);
        foreach (var successor in area.Successors)
            await db.ExecuteAsync(_sql.InsertSuccessor, new { AreaId = area.Id, SuccessorId = successor, RecordTime = recordTime }, ct);
    }

    /// <summary>"Known at" for a query: null means everything recorded so far.</summary>
    private static DateTime Known(DateTime? knownAt) => knownAt ?? DateTime.MaxValue;

    /// <summary>Every indicator, by id.</summary>
    public async Task<IReadOnlyDictionary<string, IndicatorEntry>> LoadIndicatorsAsync(DbScope db, CancellationToken ct) =>
        (await db.QueryAsync<IndicatorRow>(_sql.AllIndicators, null, ct)).Select(ToEntry).ToDictionary(i => i.Id, StringComparer.Ordinal);

    public async Task<IReadOnlyList<IndicatorEntry>> PageIndicatorsAsync(DbScope db, string after, int limit, CancellationToken ct) =>
        (await db.QueryAsync<IndicatorRow>(_sql.IndicatorPage, new { After = after, Limit = limit }, ct)).Select(ToEntry).ToList();

    public async Task<IndicatorEntry?> FindIndicatorAsync(DbScope db, string id, CancellationToken ct) =>
        await db.QuerySingleOrDefaultAsync<IndicatorRow>(_sql.IndicatorById, new { Id = id }, ct) is { } row ? ToEntry(row) : null;

    public Task InsertIndicatorAsync(DbScope db, IndicatorEntry indicator, CancellationToken ct) =>
        db.ExecuteAsync(_sql.InsertIndicator, new
        {
            indicator.Id, indicator.Title, Unit = ProtoEnum<IndicatorUnit>.Name(indicator.Unit), indicator.Definition, indicator.Source,
        }, ct);

    private async Task<IReadOnlyList<AreaEntry>> WithSuccessorsAsync(DbScope db, IReadOnlyList<AreaRow> areas, DateTime knownAt, CancellationToken ct)
    {
        if (areas.Count == 0) return [];
        // The successor table is small (one row per merged district): one read, joined in memory.
        var successors = (await db.QueryAsync<SuccessorRow>(_sql.AllSuccessors, new { KnownAt = knownAt }, ct))
            .ToLookup(s => s.AreaId, s => s.SuccessorId, StringComparer.Ordinal);
        return areas.Select(a => new AreaEntry
        {
            Id = a.Id,
            Code = a.Code,
            Title = a.Title,
            Kind = ProtoEnum<AreaKind>.Parse(a.Kind),
            ParentId = a.ParentId,
            ValidFrom = a.ValidFrom,
            ValidTo = a.ValidTo,
            Description = a.Description,
            Successors = successors[a.Id].ToList(),
            RecordTime = a.RecordTime,
        }).ToList();
    }

    private static IndicatorEntry ToEntry(IndicatorRow row) => new()
    {
        Id = row.Id,
        Title = row.Title,
        Unit = ProtoEnum<IndicatorUnit>.Parse(row.Unit),
        Definition = row.Definition,
        Source = row.Source,
    };
}
