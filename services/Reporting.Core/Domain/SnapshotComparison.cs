using Google.Protobuf.Collections;
using IntegrationServices.Contracts.Reporting.V1;

namespace IntegrationServices.Reporting.Core.Domain;

/// <summary>
/// The changes from one snapshot to another (a snapshot's own <c>changes</c>, and CompareSnapshots):
/// measures whose status or progress changed, measures new in the target, measures no longer in it
/// (retired or out of scope), and per area (city first) and indicator the values and their difference.
/// Pure: the two snapshots hold everything it needs.
/// </summary>
public static class SnapshotComparison
{
    /// <summary>
    /// From <paramref name="base"/> to <paramref name="target"/>. A target of content version 2 or later
    /// carries its area successions: base areas that are no longer in the target's area set are mapped
    /// through them onto it (transitively, never divided among several successors) and their counts summed,
    /// shares recomputed from the sums, before the deltas are taken — as SummarizeAreas maps data collected
    /// on an earlier area set. A sum needs every mapped area's figure; without it the figure stays unset.
    /// </summary>
    public static SnapshotChanges Compare(Snapshot? @base, Snapshot target)
    {
        var changes = new SnapshotChanges { Base = @base?.Name ?? "", Target = target.Name };
        if (@base is null) return changes;
        CompareMeasures(@base, target, changes);

        var targetAreas = Areas(target.Demographics);
        var baseAreas = Areas(@base.Demographics);
        if (target.ContentVersion >= SnapshotRulesV2.Version && target.Demographics is { } demographics)
            baseAreas = OntoAreaSet(baseAreas, targetAreas, demographics.AreaSuccessions);
        var names = baseAreas.Keys.Union(targetAreas.Keys)
            .OrderBy(n => n == SnapshotContent.CityArea ? 0 : 1).ThenBy(n => n, StringComparer.Ordinal);
        foreach (var area in names)
        {
            baseAreas.TryGetValue(area, out var b);
            targetAreas.TryGetValue(area, out var t);
            foreach (var indicator in SnapshotContent.Indicators)
            {
                var bv = Value(b, indicator);
                var tv = Value(t, indicator);
                if (bv is null && tv is null) continue;
                var delta = new IndicatorDelta { Area = area, AreaTitle = t?.AreaTitle ?? b?.AreaTitle ?? "", Indicator = indicator };
                if (bv is { } x) delta.BaseValue = x;
                if (tv is { } y) delta.TargetValue = y;
                if (bv is not null && tv is not null) delta.Delta = Math.Round(tv.Value - bv.Value, 2);
                changes.IndicatorDeltas.Add(delta);
            }
        }
        return changes;
    }

    private static void CompareMeasures(Snapshot @base, Snapshot target, SnapshotChanges changes)
    {
        var before = (@base.Measures?.Entries ?? []).ToDictionary(e => e.Name, StringComparer.Ordinal);
        var after = (target.Measures?.Entries ?? []).ToDictionary(e => e.Name, StringComparer.Ordinal);
        foreach (var entry in after.Values.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (!before.TryGetValue(entry.Name, out var old)) { changes.NewMeasures.Add(entry.Clone()); continue; }
            if (old.Status != entry.Status || old.ProgressPercent != entry.ProgressPercent)
                changes.StatusChanges.Add(new MeasureStatusChange
                {
                    Name = entry.Name,
                    Code = entry.Code,
                    Title = entry.Title,
                    OldStatus = old.Status,
                    NewStatus = entry.Status,
                    OldProgressPercent = old.ProgressPercent,
                    NewProgressPercent = entry.ProgressPercent,
                });
        }
        foreach (var entry in before.Values.Where(e => !after.ContainsKey(e.Name)).OrderBy(e => e.Name, StringComparer.Ordinal))
            changes.RetiredMeasures.Add(entry.Clone());
    }

    /// <summary>
    /// The base's areas on the target's area set: an area of the target's set as it is; others mapped
    /// into the target area their single-successor chain leads to, summed per target area; the rest (split,
    /// no successor known, or leading to an area the base has itself) as they are.
    /// </summary>
    private static Dictionary<string, DemographicsAreaSummary> OntoAreaSet(Dictionary<string, DemographicsAreaSummary> baseAreas,
        Dictionary<string, DemographicsAreaSummary> targetAreas, RepeatedField<AreaSuccession> successions)
    {
        var successors = successions.GroupBy(s => s.Area, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Successors, StringComparer.Ordinal);
        var result = new Dictionary<string, DemographicsAreaSummary>(StringComparer.Ordinal);
        var merged = new Dictionary<string, List<DemographicsAreaSummary>>(StringComparer.Ordinal);
        foreach (var (name, area) in baseAreas)
        {
            if (!targetAreas.ContainsKey(name) && MapInto(name, successors, targetAreas) is { } into && !baseAreas.ContainsKey(into))
            {
                if (!merged.TryGetValue(into, out var list)) merged[into] = list = [];
                list.Add(area);
            }
            else result[name] = area;
        }
        foreach (var (into, areas) in merged) result[into] = Sum(into, areas);
        return result;
    }

    private static string? MapInto(string area, Dictionary<string, RepeatedField<string>> successors, Dictionary<string, DemographicsAreaSummary> targetAreas)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal) { area };
        var current = area;
        while (successors.TryGetValue(current, out var next) && next.Count == 1)
        {
            current = next[0];
            if (targetAreas.ContainsKey(current)) return current;
            if (!visited.Add(current)) return null;
        }
        return null;
    }

    private static DemographicsAreaSummary Sum(string area, List<DemographicsAreaSummary> parts)
    {
        static double? Total(List<DemographicsAreaSummary> parts, Func<DemographicsAreaSummary, double?> value) =>
            parts.All(p => value(p) is not null) ? parts.Sum(p => value(p)!.Value) : null;

        var sum = new DemographicsAreaSummary { Area = area };
        var population = Total(parts, p => p.HasPopulationTotal ? p.PopulationTotal : null);
        var withBackground = Total(parts, p => p.HasPopulationWithMigrationBackground ? p.PopulationWithMigrationBackground : null);
        if (population is { } pop) sum.PopulationTotal = pop;
        if (Total(parts, p => p.HasForeignNationals ? p.ForeignNationals : null) is { } foreign) sum.ForeignNationals = foreign;
        if (withBackground is { } mb) sum.PopulationWithMigrationBackground = mb;
        // As SummarizeAreas does: the share of summed areas is computed from the summed counts.
        if (population is > 0 && withBackground is { } m) sum.MigrationBackgroundSharePercent = Math.Round(m / population.Value * 100, 2);
        return sum;
    }

    private static Dictionary<string, DemographicsAreaSummary> Areas(SnapshotDemographics? demographics)
    {
        var areas = new Dictionary<string, DemographicsAreaSummary>(StringComparer.Ordinal);
        if (demographics is null) return areas;
        foreach (var a in demographics.Areas) areas[a.Area] = a;
        if (demographics.City is { } city && !string.IsNullOrEmpty(city.Area)) areas[city.Area] = city;
        return areas;
    }

    private static double? Value(DemographicsAreaSummary? a, string indicator) => a is null ? null : indicator switch
    {
        "population_total" => a.HasPopulationTotal ? a.PopulationTotal : null,
        "foreign_nationals" => a.HasForeignNationals ? a.ForeignNationals : null,
        "population_with_migration_background" => a.HasPopulationWithMigrationBackground ? a.PopulationWithMigrationBackground : null,
        "migration_background_share_percent" => a.HasMigrationBackgroundSharePercent ? a.MigrationBackgroundSharePercent : null,
        _ => null,
    };
}
