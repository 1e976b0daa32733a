using System.Data.Common;
using Dapper;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Demographics.Storage;

/// <summary>The areas (with successors) and indicators: small reference tables.</summary>
public sealed class CatalogRepository(Database database)
{
    private readonly DemographicsSql _sql = new(database.Dialect);

    public Database Database => database;

    /// <summary>Every area with its successors, by id.</summary>
    public async Task<AreaCatalog> LoadAreasAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var areas = (await connection.QueryAsync<AreaRow>(new CommandDefinition(_sql.AllAreas, cancellationToken: ct))).ToList();
        await AttachSuccessorsAsync(connection, null, areas, ct);
        return new AreaCatalog(areas);
    }

    public async Task<IReadOnlyList<AreaRow>> PageAreasAsync(string after, DateOnly? asOf, int limit, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var areas = (await connection.QueryAsync<AreaRow>(new CommandDefinition(_sql.AreaPage,
            new { After = after, AnyDate = asOf is null ? 1 : 0, AsOf = asOf ?? DateOnly.MinValue, Limit = limit },
            cancellationToken: ct))).ToList();
        await AttachSuccessorsAsync(connection, null, areas, ct);
        return areas;
    }

    public async Task<AreaRow?> FindAreaAsync(DbConnection connection, DbTransaction? transaction, string id, CancellationToken ct)
    {
        var area = await connection.QuerySingleOrDefaultAsync<AreaRow>(new CommandDefinition(_sql.AreaById, new { Id = id }, transaction, cancellationToken: ct));
        if (area is not null) await AttachSuccessorsAsync(connection, transaction, [area], ct);
        return area;
    }

    public async Task InsertAreaAsync(DbConnection connection, DbTransaction transaction, AreaRow area, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(_sql.InsertArea, area, transaction, cancellationToken: ct));
        foreach (var successor in area.Successors)
            await connection.ExecuteAsync(new CommandDefinition(_sql.InsertSuccessor,
                new SuccessorRow { AreaId = area.Id, SuccessorId = successor }, transaction, cancellationToken: ct));
    }

    public async Task<IReadOnlyDictionary<string, IndicatorRow>> LoadIndicatorsAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<IndicatorRow>(new CommandDefinition(_sql.AllIndicators, cancellationToken: ct));
        return rows.ToDictionary(r => r.Id, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<IndicatorRow>> PageIndicatorsAsync(string after, int limit, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QueryAsync<IndicatorRow>(new CommandDefinition(_sql.IndicatorPage,
            new { After = after, Limit = limit }, cancellationToken: ct))).ToList();
    }

    public Task<IndicatorRow?> FindIndicatorAsync(DbConnection connection, DbTransaction? transaction, string id, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<IndicatorRow>(new CommandDefinition(_sql.IndicatorById, new { Id = id }, transaction, cancellationToken: ct));

    public Task InsertIndicatorAsync(DbConnection connection, DbTransaction transaction, IndicatorRow indicator, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(_sql.InsertIndicator, indicator, transaction, cancellationToken: ct));

    private async Task AttachSuccessorsAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyList<AreaRow> areas, CancellationToken ct)
    {
        if (areas.Count == 0) return;
        // The successor table is small (one row per merged district): one read, joined in memory.
        var successors = (await connection.QueryAsync<SuccessorRow>(new CommandDefinition(_sql.AllSuccessors, transaction: transaction, cancellationToken: ct)))
            .ToLookup(s => s.AreaId, s => s.SuccessorId, StringComparer.Ordinal);
        foreach (var area in areas) area.Successors = successors[area.Id].ToList();
    }
}

/// <summary>
/// All areas, looked up by id or by code on a date. Codes repeat across area sets (211 was
/// Stöckheim-Leiferde until 2021-10-31 and is Braunschweig-Süd since), so a bare code resolves to the
/// area with that code valid on the given date.
/// </summary>
public sealed class AreaCatalog
{
    public const string NamePrefix = "areas/";
    public const string CityId = "0";

    private readonly Dictionary<string, AreaRow> _byId;
    private readonly ILookup<string, AreaRow> _byCode;

    public AreaCatalog(IReadOnlyList<AreaRow> areas)
    {
        All = areas;
        _byId = areas.ToDictionary(a => a.Id, StringComparer.Ordinal);
        _byCode = areas.ToLookup(a => a.Code, StringComparer.Ordinal);
    }

    public IReadOnlyList<AreaRow> All { get; }

    public AreaRow? Find(string id) => _byId.GetValueOrDefault(id);

    public IEnumerable<AreaRow> WithCode(string code) => _byCode[code];

    public static string IdOf(string nameOrId) =>
        nameOrId.StartsWith(NamePrefix, StringComparison.Ordinal) ? nameOrId[NamePrefix.Length..] : nameOrId;

    public static string NameOf(string id) => NamePrefix + id;

    /// <summary>
    /// The area a reference names on <paramref name="date"/>: "areas/{id}" must be valid on that date;
    /// a bare value is tried as an id, then as a code. Returns null and why when none fits.
    /// </summary>
    public AreaRow? Resolve(string reference, DateOnly? date, out string? problem)
    {
        problem = null;
        var explicitName = reference.StartsWith(NamePrefix, StringComparison.Ordinal);
        var id = IdOf(reference);
        var byId = Find(id);
        if (byId is not null && (date is null || byId.ValidOn(date.Value))) return byId;
        if (!explicitName && date is not null && WithCode(id).FirstOrDefault(a => a.ValidOn(date.Value)) is { } byCode) return byCode;
        if (byId is not null)
            problem = $"{NameOf(byId.Id)} ({byId.Title}) is not valid on {date:yyyy-MM-dd} ({byId.Validity})";
        else if (WithCode(id).Any())
            problem = $"no area with code '{id}' is valid on {date:yyyy-MM-dd} (areas with that code: {string.Join(", ", WithCode(id).Select(a => $"{NameOf(a.Id)} {a.Validity}"))})";
        else
            problem = $"unknown area '{reference}'";
        return null;
    }
}
