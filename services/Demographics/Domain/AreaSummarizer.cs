namespace IntegrationServices.Demographics.Domain;

/// <summary>One area's current total of one indicator: the input of a summary.</summary>
public sealed class AreaTotal
{
    public string IndicatorId { get; init; } = "";
    public string AreaId { get; init; } = "";
    public DateOnly ReferenceDate { get; init; }
    public double Value { get; init; }
    /// <summary>The stored status name (FINAL, PROVISIONAL, ESTIMATED).</summary>
    public string Status { get; init; } = "FINAL";
    public bool Example { get; init; }

    public bool Estimated => Status != "FINAL";
}

/// <summary>A city-wide figure summed over breakdowns (e.g. housing sites), with the marks the report shows.</summary>
public sealed record CityFigure(double Value, DateOnly ReferenceDate, bool Example, bool Estimated)
{
    /// <summary>The sum of the current series (one per breakdown); the latest date when theirs differ; null without data.</summary>
    public static CityFigure? Sum(IReadOnlyList<AreaTotal> series) =>
        series.Count == 0 ? null
        : new(series.Sum(s => s.Value), series.Max(s => s.ReferenceDate), series.Any(s => s.Example), series.Any(s => s.Estimated));
}

/// <summary>One area's figures in a summary; a count is null when there is no (complete) data.</summary>
public sealed record AreaFigures(
    AreaEntry Area,
    double? PopulationTotal,
    double? ForeignNationals,
    double? PopulationWithMigrationBackground,
    DateOnly? ReferenceDate,
    IReadOnlyList<string> MappedFrom,
    double? MigrationBackgroundSharePercent,
    IReadOnlyList<string> ExampleFigures,
    IReadOnlyList<string> EstimatedFigures)
{
    /// <summary>How <see cref="ExampleFigures"/>/<see cref="EstimatedFigures"/> name the computed share (not an indicator of its own).</summary>
    public const string ShareFigure = "migration_background_share_percent";

    /// <summary>
    /// The share in percent, computed from counts (never stored), rounded to 2 decimals. Callers pass
    /// counts of one basis only: the same reference date, both an area's own or both summed from the same areas.
    /// </summary>
    public static double? Share(double? withBackground, double? population) =>
        withBackground is { } m && population is { } p && p > 0 ? Math.Round(m / p * 100, 2) : null;

    /// <summary>The count of <see cref="AreaSummarizer.Summarized"/>[<paramref name="index"/>].</summary>
    public double? Count(int index) => index switch { 0 => PopulationTotal, 1 => ForeignNationals, _ => PopulationWithMigrationBackground };
}

public sealed record AreaSummaryResult(IReadOnlyList<AreaFigures> Areas, AreaFigures City, IReadOnlyList<string> UnmappedAreaIds)
{
    /// <summary>Persons in the municipal housing sites for refugees, summed over the sites; null without data.</summary>
    public CityFigure? RefugeesInMunicipalHousing { get; init; }

    /// <summary>The definitions and sources of <see cref="UsedIndicatorIds"/>.</summary>
    public IReadOnlyList<IndicatorEntry> Indicators { get; init; } = [];

    /// <summary>The indicators the answer carries a figure of, in a fixed order.</summary>
    public IEnumerable<string> UsedIndicatorIds =>
        AreaSummarizer.Summarized.Where((id, i) => Areas.Append(City).Any(a => a.Count(i) is not null))
            .Concat(RefugeesInMunicipalHousing is null ? [] : [IndicatorIds.RefugeesInMunicipalHousing]);
}

/// <summary>Which inputs went into a figure: any example, any not FINAL.</summary>
internal sealed class FigureMarks
{
    public SortedSet<string> Example { get; } = new(StringComparer.Ordinal);
    public SortedSet<string> Estimated { get; } = new(StringComparer.Ordinal);

    public void Add(string figure, IEnumerable<AreaTotal> inputs)
    {
        foreach (var input in inputs)
        {
            if (input.Example) Example.Add(figure);
            if (input.Estimated) Estimated.Add(figure);
        }
    }

    public void Add(string figure, bool example, bool estimated)
    {
        if (example) Example.Add(figure);
        if (estimated) Estimated.Add(figure);
    }

    /// <summary>The share is marked when one of its counts is.</summary>
    public void AddShare(bool computed)
    {
        if (!computed) return;
        foreach (var set in new[] { Example, Estimated })
            if (set.Contains(IndicatorIds.PopulationTotal) || set.Contains(IndicatorIds.PopulationWithMigrationBackground)) set.Add(AreaFigures.ShareFigure);
    }
}

/// <summary>
/// Population, foreign nationals and population with migration background per district of the area set
/// valid on <c>areaSetDate</c>, and city-wide, from the current totals (per area and indicator: latest
/// reference date &lt;= as_of, latest revision known at known_at). A district of the requested
/// set uses its own figure; when it has none, the figures of the areas that were merged into it (through
/// <c>successors</c>, transitively) are summed, but only when every such area valid on that reference
/// date has one (a partial sum would understate). Shares are recomputed from the summed counts. Areas
/// with data that lead to no district of the set (a split, or a set before the data's) are reported as
/// unmapped, never dropped silently. The city uses its own figures, else the sum over the districts.
/// </summary>
public static class AreaSummarizer
{
    /// <summary>The indicators a summary needs, in the order of <see cref="AreaFigures"/>' counts.</summary>
    public static readonly IReadOnlyList<string> Summarized =
        [IndicatorIds.PopulationTotal, IndicatorIds.ForeignNationals, IndicatorIds.PopulationWithMigrationBackground];

    public static AreaSummaryResult Summarize(AreaCatalogue areas, IReadOnlyList<AreaTotal> totals, DateOnly areaSetDate)
    {
        var data = totals.ToLookup(r => r.AreaId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToDictionary(r => r.IndicatorId, StringComparer.Ordinal), StringComparer.Ordinal);

        var targets = areas.All.Where(a => !a.IsCity && a.ValidOn(areaSetDate))
            .OrderBy(a => a.Code, StringComparer.Ordinal).ThenBy(a => a.Id, StringComparer.Ordinal).ToList();
        var targetIds = targets.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);

        // Which target each other district maps into (null: none, e.g. split or later than the set).
        var predecessors = targets.ToDictionary(t => t.Id, _ => new List<AreaEntry>(), StringComparer.Ordinal);
        var unmapped = new List<string>();
        foreach (var area in areas.All.Where(a => !a.IsCity && !targetIds.Contains(a.Id)))
        {
            var target = MapInto(area, areas, targetIds);
            if (target is not null) predecessors[target].Add(area);
            else if (data.ContainsKey(area.Id)) unmapped.Add(area.Id);
        }

        var figures = targets.Select(t => Figures(t, data, predecessors[t.Id])).ToList();
        var city = areas.Find(AreaCatalogue.CityId) ?? throw new InvalidOperationException("The city area '0' is missing (migration 0002).");
        return new AreaSummaryResult(figures, CityFigures(city, data, figures), unmapped);
    }

    private static string? MapInto(AreaEntry area, AreaCatalogue areas, HashSet<string> targetIds)
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

    private static AreaFigures Figures(AreaEntry target, Dictionary<string, Dictionary<string, AreaTotal>> data, List<AreaEntry> predecessors)
    {
        var values = new double?[Summarized.Count];
        var bases = new string?[Summarized.Count];
        DateOnly? referenceDate = null;
        var mappedFrom = new SortedSet<string>(StringComparer.Ordinal);
        var marks = new FigureMarks();
        for (var i = 0; i < Summarized.Count; i++)
        {
            var indicator = Summarized[i];
            if (data.TryGetValue(target.Id, out var own) && own.TryGetValue(indicator, out var row))
            {
                values[i] = row.Value;
                marks.Add(indicator, [row]);
                bases[i] = $"own {row.ReferenceDate}";
                referenceDate = Max(referenceDate, row.ReferenceDate);
                continue;
            }
            var sources = predecessors
                .Select(p => data.TryGetValue(p.Id, out var d) && d.TryGetValue(indicator, out var r) ? r : null)
                .OfType<AreaTotal>().ToList();
            if (sources.Count == 0) continue;
            var date = sources.Max(s => s.ReferenceDate);
            var used = sources.Where(s => s.ReferenceDate == date).ToList();
            var expected = predecessors.Where(p => p.ValidOn(date)).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
            if (!expected.SetEquals(used.Select(u => u.AreaId))) continue; // incomplete: no partial sums
            values[i] = used.Sum(u => u.Value);
            marks.Add(indicator, used);
            bases[i] = $"sum {date} {string.Join(' ', used.Select(u => u.AreaId).Order(StringComparer.Ordinal))}";
            referenceDate = Max(referenceDate, date);
            mappedFrom.UnionWith(used.Select(u => u.AreaId));
        }
        var share = bases[0] == bases[2] ? AreaFigures.Share(values[2], values[0]) : null;
        marks.AddShare(share is not null);
        return new AreaFigures(target, values[0], values[1], values[2], referenceDate, mappedFrom.ToList(), share,
            marks.Example.ToList(), marks.Estimated.ToList());
    }

    private static AreaFigures CityFigures(AreaEntry city, Dictionary<string, Dictionary<string, AreaTotal>> data, List<AreaFigures> districts)
    {
        var values = new double?[Summarized.Count];
        var bases = new string?[Summarized.Count];
        DateOnly? referenceDate = null;
        var mappedFrom = new SortedSet<string>(StringComparer.Ordinal);
        var marks = new FigureMarks();
        for (var i = 0; i < Summarized.Count; i++)
        {
            if (data.TryGetValue(city.Id, out var own) && own.TryGetValue(Summarized[i], out var row))
            {
                values[i] = row.Value;
                marks.Add(Summarized[i], [row]);
                bases[i] = $"own {row.ReferenceDate}";
                referenceDate = Max(referenceDate, row.ReferenceDate);
                continue;
            }
            var counts = districts.Select(d => d.Count(i)).ToList();
            if (counts.Count == 0 || counts.Any(c => c is null)) continue;
            values[i] = counts.Sum();
            marks.Add(Summarized[i], districts.Any(d => d.ExampleFigures.Contains(Summarized[i])), districts.Any(d => d.EstimatedFigures.Contains(Summarized[i])));
            foreach (var d in districts)
            {
                referenceDate = Max(referenceDate, d.ReferenceDate);
                mappedFrom.Add(d.Area.Id);
            }
        }

        // The share needs both counts on one basis: the city's own of one date, else the district sums
        // (when every district has both, of one date), even if the city's own population is shown.
        double? share = null;
        if (bases[0] is not null && bases[0] == bases[2])
        {
            share = AreaFigures.Share(values[2], values[0]);
            marks.AddShare(share is not null);
        }
        else if (districts.Count > 0 && districts.All(d => d.PopulationTotal is not null && d.PopulationWithMigrationBackground is not null)
                 && districts.Select(d => d.ReferenceDate).Distinct().Count() == 1)
        {
            share = AreaFigures.Share(districts.Sum(d => d.PopulationWithMigrationBackground), districts.Sum(d => d.PopulationTotal));
            // Computed from the district sums: marked as their counts are.
            static bool Either(IReadOnlyList<string> figures) =>
                figures.Contains(IndicatorIds.PopulationTotal) || figures.Contains(IndicatorIds.PopulationWithMigrationBackground);
            marks.Add(AreaFigures.ShareFigure, districts.Any(d => Either(d.ExampleFigures)), districts.Any(d => Either(d.EstimatedFigures)));
        }
        return new AreaFigures(city, values[0], values[1], values[2], referenceDate, mappedFrom.ToList(), share,
            marks.Example.ToList(), marks.Estimated.ToList());
    }

    private static DateOnly? Max(DateOnly? a, DateOnly? b) => a is null ? b : b is null ? a : (a > b ? a : b);
}
