using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.ServiceDefaults.Api;

namespace IntegrationServices.Reporting.Core.Domain;

/// <summary>
/// Content version 1, released with the first snapshots: counts by status, field of action, action
/// concept and responsible unit, the average progress, one entry per measure (name, code, title, field,
/// concept, unit, status, progress, status date) and the demographic summary as SummarizeAreas gave it.
/// Frozen: see <see cref="SnapshotAggregator"/>.
/// </summary>
public static class SnapshotRulesV1
{
    /// <summary>Entries ordered by name, every group with all statuses, areas by name; no changes yet.</summary>
    public static Snapshot Aggregate(SnapshotInput input, SnapshotSources sources)
    {
        var titles = sources.Titles;
        var entries = sources.Measures
            .Select(m => new MeasureEntry
            {
                Name = m.Name,
                Code = m.Code,
                Title = m.Title,
                FieldOfAction = m.FieldOfAction,
                ActionConcept = m.ActionConcept,
                ResponsibleUnit = m.ResponsibleUnit,
                // A measure without status events is NOT_STARTED (API.md).
                Status = m.Status == MeasureStatus.Unspecified ? MeasureStatus.NotStarted : m.Status,
                ProgressPercent = m.ProgressPercent,
                StatusEffectiveDate = m.StatusEffectiveDate,
            })
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToList();

        var summary = new MeasureSummary
        {
            Total = entries.Count,
            AverageProgressPercent = AveragePercent(entries),
        };
        summary.ByStatus.AddRange(Counts(entries));
        summary.ByFieldOfAction.AddRange(Groups(entries, e => SnapshotContent.Key(e.FieldOfAction),
            key => int.TryParse(key, out var n) && titles.FieldsOfAction.TryGetValue(n, out var t) ? t : ""));
        summary.ByActionConcept.AddRange(Groups(entries, e => e.ActionConcept,
            key => titles.ActionConcepts.TryGetValue(key, out var t) ? t : ""));
        summary.ByResponsibleUnit.AddRange(Groups(entries, e => e.ResponsibleUnit,
            key => titles.Units.TryGetValue(key, out var t) ? t : ""));
        summary.Entries.AddRange(entries);

        return new Snapshot
        {
            Name = input.Name,
            Cycle = ReportingNames.Cycles.Format(input.CycleId),
            ReferenceDate = input.ReferenceDate.ToProto(),
            KnownAt = input.KnownAt.ToProto(),
            Measures = summary,
            Demographics = Demographics(sources.Demographics, input.ReferenceDate),
        };
    }

    private static double AveragePercent(List<MeasureEntry> entries) =>
        entries.Count == 0 ? 0 : Math.Round(entries.Average(e => (double)e.ProgressPercent), 2, MidpointRounding.AwayFromZero);

    private static IEnumerable<StatusCount> Counts(List<MeasureEntry> entries) =>
        SnapshotContent.Statuses.Select(s => new StatusCount { Status = s, Count = entries.Count(e => e.Status == s) });

    private static IEnumerable<GroupSummary> Groups(List<MeasureEntry> entries, Func<MeasureEntry, string> key, Func<string, string> title) =>
        entries.GroupBy(key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var group = new GroupSummary { Key = g.Key, Title = title(g.Key), Total = g.Count() };
                group.ByStatus.AddRange(Counts(g.ToList()));
                return group;
            });

    private static SnapshotDemographics Demographics(SummarizeAreasResponse response, DateOnly areaSetDate)
    {
        var result = new SnapshotDemographics { AreaSetDate = areaSetDate.ToProto() };
        result.Areas.AddRange(response.Areas.Select(Area).OrderBy(a => a.Area, StringComparer.Ordinal));
        if (response.City is { } city) result.City = Area(city);
        result.UnmappedAreas.AddRange(response.UnmappedAreas.Order(StringComparer.Ordinal));
        return result;
    }

    private static DemographicsAreaSummary Area(AreaSummary a)
    {
        var s = new DemographicsAreaSummary { Area = a.Area, AreaTitle = a.AreaTitle, ReferenceDate = a.ReferenceDate };
        if (a.HasPopulationTotal) s.PopulationTotal = a.PopulationTotal;
        if (a.HasForeignNationals) s.ForeignNationals = a.ForeignNationals;
        if (a.HasPopulationWithMigrationBackground) s.PopulationWithMigrationBackground = a.PopulationWithMigrationBackground;
        if (a.HasMigrationBackgroundSharePercent) s.MigrationBackgroundSharePercent = a.MigrationBackgroundSharePercent;
        return s;
    }
}
