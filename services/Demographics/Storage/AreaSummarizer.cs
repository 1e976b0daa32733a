namespace IntegrationServices.Demographics.Storage;

/// <summary>One area's figures in a summary; a count is null when there is no (complete) data.</summary>
public sealed record AreaFigures(
    AreaRow Area,
    double? PopulationTotal,
    double? ForeignNationals,
    double? PopulationWithMigrationBackground,
    DateOnly? ReferenceDate,
    IReadOnlyList<string> MappedFrom)
{
    /// <summary>Computed from the counts (never stored), rounded to 2 decimals.</summary>
    public double? MigrationBackgroundSharePercent =>
        PopulationWithMigrationBackground is { } m && PopulationTotal is { } p && p > 0 ? Math.Round(m / p * 100, 2) : null;
}

public sealed record AreaSummaryResult(IReadOnlyList<AreaFigures> Areas, AreaFigures City, IReadOnlyList<string> UnmappedAreaIds);

/// <summary>
/// Population, foreign nationals and population with migration background per district of the area set
/// valid on <c>areaSetDate</c>, and city-wide. Per area and indicator the current total (latest
/// reference date &lt;= as_of, latest revision known at known_at) is used. A district of the requested
/// set uses its own figure; when it has none, the figures of the areas that were merged into it (through
/// <c>successors</c>, transitively) are summed, but only when every such area valid on that reference
/// date has one (a partial sum would understate). Shares are recomputed from the summed counts. Areas
/// with data that lead to no district of the set (a split, or a set before the data's) are reported as
/// unmapped, never dropped silently. The city uses its own figures, else the sum over the districts.
/// </summary>
public sealed class AreaSummarizer(CatalogRepository catalog, ObservationRepository observations)
{
    private static readonly string[] Summarized =
        [Indicators.PopulationTotal, Indicators.ForeignNationals, Indicators.PopulationWithMigrationBackground];

    public async Task<AreaSummaryResult> SummarizeAsync(DateOnly asOf, DateTime knownAt, DateOnly areaSetDate, CancellationToken ct)
    {
        var areas = await catalog.LoadAreasAsync(ct);
        var rows = await observations.LatestTotalsAsync(asOf, knownAt, ct);
        var data = rows.ToLookup(r => r.AreaId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToDictionary(r => r.IndicatorId, StringComparer.Ordinal), StringComparer.Ordinal);

        var targets = areas.All.Where(a => !a.IsCity && a.ValidOn(areaSetDate))
            .OrderBy(a => a.Code, StringComparer.Ordinal).ThenBy(a => a.Id, StringComparer.Ordinal).ToList();
        var targetIds = targets.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);

        // Which target each other district maps into (null: none, e.g. split or later than the set).
        var predecessors = targets.ToDictionary(t => t.Id, _ => new List<AreaRow>(), StringComparer.Ordinal);
        var unmapped = new List<string>();
        foreach (var area in areas.All.Where(a => !a.IsCity && !targetIds.Contains(a.Id)))
        {
            var target = MapInto(area, areas, targetIds);
            if (target is not null) predecessors[target].Add(area);
            else if (data.ContainsKey(area.Id)) unmapped.Add(area.Id);
        }

        var figures = targets.Select(t => Figures(t, data, predecessors[t.Id])).ToList();
        var city = areas.Find(AreaCatalog.CityId) ?? throw new InvalidOperationException("The city area '0' is missing (migration 0002).");
        return new AreaSummaryResult(figures, CityFigures(city, data, figures), unmapped);
    }

    private static string? MapInto(AreaRow area, AreaCatalog areas, HashSet<string> targetIds)
    {
        var current = area;
        var visited = new HashSet<string>(StringComparer.Ordinal) { area.Id };
        while (current.Successors.Count == 1)
        {
            var next = current.Successors[0];
            if (targetIds.Contains(next)) return next;
            if (!visited.Add(next) || areas.Find(next) is not { } successor) return null;
            current = successor;
        }
        return null; // no successor, or split into several: counts cannot be divided
    }

    private static AreaFigures Figures(AreaRow target, Dictionary<string, Dictionary<string, Storage.ObservationRow>> data, List<AreaRow> predecessors)
    {
        var values = new double?[Summarized.Length];
        DateOnly? referenceDate = null;
        var mappedFrom = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Summarized.Length; i++)
        {
            var indicator = Summarized[i];
            if (data.TryGetValue(target.Id, out var own) && own.TryGetValue(indicator, out var row))
            {
                values[i] = row.Value;
                referenceDate = Max(referenceDate, row.ReferenceDate);
                continue;
            }
            var sources = predecessors
                .Select(p => data.TryGetValue(p.Id, out var d) && d.TryGetValue(indicator, out var r) ? r : null)
                .OfType<Storage.ObservationRow>().ToList();
            if (sources.Count == 0) continue;
            var date = sources.Max(s => s.ReferenceDate);
            var used = sources.Where(s => s.ReferenceDate == date).ToList();
            var expected = predecessors.Where(p => p.ValidOn(date)).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
            if (!expected.SetEquals(used.Select(u => u.AreaId))) continue; // incomplete: no partial sums
            values[i] = used.Sum(u => u.Value);
            referenceDate = Max(referenceDate, date);
            mappedFrom.UnionWith(used.Select(u => u.AreaId));
        }
        return new AreaFigures(target, values[0], values[1], values[2], referenceDate, mappedFrom.ToList());
    }

    private static AreaFigures CityFigures(AreaRow city, Dictionary<string, Dictionary<string, Storage.ObservationRow>> data, List<AreaFigures> districts)
    {
        var values = new double?[Summarized.Length];
        DateOnly? referenceDate = null;
        var mappedFrom = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Summarized.Length; i++)
        {
            if (data.TryGetValue(city.Id, out var own) && own.TryGetValue(Summarized[i], out var row))
            {
                values[i] = row.Value;
                referenceDate = Max(referenceDate, row.ReferenceDate);
                continue;
            }
            var counts = districts.Select(d => i switch { 0 => d.PopulationTotal, 1 => d.ForeignNationals, _ => d.PopulationWithMigrationBackground }).ToList();
            if (counts.Count == 0 || counts.Any(c => c is null)) continue;
            values[i] = counts.Sum();
            foreach (var d in districts)
            {
                referenceDate = Max(referenceDate, d.ReferenceDate);
                mappedFrom.Add(d.Area.Id);
            }
        }
        return new AreaFigures(city, values[0], values[1], values[2], referenceDate, mappedFrom.ToList());
    }

    private static DateOnly? Max(DateOnly? a, DateOnly? b) => a is null ? b : b is null ? a : (a > b ? a : b);
}
