using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.ServiceDefaults.Api;

namespace IntegrationServices.Reporting.Core.Domain;

/// <summary>
/// Content version 2 (release 2): version 1, plus the content version and the scope; per entry the kind,
/// the Sachstand (status note), the titles of concept and unit, the parent and the roll-up; per area
/// which figures rest on example or estimated inputs; the indicator definitions, the refugee housing
/// figure, and the area successions as known at the cut-off (so that comparing across an area reform
/// needs nothing but the two snapshots). Takes what the services answer; what they leave unset stays
/// unset. The average progress leaves out discontinued measures and further activities (<see cref="ProgressAverage"/>).
/// Its changes map earlier areas onto this snapshot's area set (<see cref="SnapshotComparison"/>).
/// </summary>
public static class SnapshotRulesV2
{
    public const int Version = 2;

    public static Snapshot Aggregate(SnapshotInput input, SnapshotSources sources)
    {
        var snapshot = SnapshotRulesV1.Aggregate(input, sources);
        snapshot.ContentVersion = Version;
        snapshot.Scope.AddRange(input.Scope);
        var measures = sources.Measures.ToDictionary(m => m.Name, StringComparer.Ordinal);
        foreach (var entry in snapshot.Measures.Entries) Describe(entry, measures[entry.Name], sources.Titles);
        snapshot.Measures.AverageProgressPercent = ProgressAverage.Of(snapshot.Measures.Entries);
        Describe(snapshot.Demographics, sources.Demographics, sources.Areas, input.ReferenceDate);
        return snapshot;
    }

    private static void Describe(MeasureEntry entry, Measure measure, CatalogueTitles titles)
    {
        // A measure created before kinds existed is council-adopted (API.md), however the service spells it.
        entry.Kind = measure.Kind == MeasureKind.Unspecified ? MeasureKind.CouncilAdopted : measure.Kind;
        entry.StatusNote = measure.StatusNote;
        entry.ActionConceptTitle = titles.ActionConcepts.TryGetValue(measure.ActionConcept, out var concept) ? concept : "";
        entry.ResponsibleUnitTitle = titles.Units.TryGetValue(measure.ResponsibleUnit, out var unit) ? unit : "";
        entry.Parent = measure.Parent;
        if (measure.HasRollupProgressPercent) entry.RollupProgressPercent = measure.RollupProgressPercent;
    }

    private static void Describe(SnapshotDemographics demographics, SummarizeAreasResponse response, IReadOnlyList<Area> areas, DateOnly areaSetDate)
    {
        var summaries = response.Areas.GroupBy(a => a.Area, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var area in demographics.Areas)
            if (summaries.TryGetValue(area.Area, out var summary)) Marks(area, summary);
        if (demographics.City is { } city && response.City is { } cityAnswer) Marks(city, cityAnswer);

        demographics.Indicators.AddRange(response.Indicators
            .Select(i => new IndicatorDefinition
            {
                Name = i.Name,
                Title = i.Title,
                Unit = ProtoEnum<IndicatorUnit>.Name(i.Unit),
                Definition = i.Definition,
                Source = i.Source,
            })
            .OrderBy(i => i.Name, StringComparer.Ordinal));
        if (response.RefugeesInMunicipalHousing is { } refugees)
            demographics.RefugeesInMunicipalHousing = new SnapshotCityFigure
            {
                Value = refugees.Value,
                ReferenceDate = refugees.ReferenceDate,
                Example = refugees.Example,
                Estimated = refugees.Estimated,
            };
        demographics.AreaSuccessions.AddRange(areas
            .Where(a => a.ValidTo is { Year: > 0 } end && new DateOnly(end.Year, end.Month, end.Day) <= areaSetDate)
            .OrderBy(a => a.Name, StringComparer.Ordinal)
            .Select(a =>
            {
                var succession = new AreaSuccession { Area = a.Name, AreaTitle = a.Title };
                succession.Successors.AddRange(a.Successors.Order(StringComparer.Ordinal));
                return succession;
            }));
    }

    private static void Marks(DemographicsAreaSummary area, AreaSummary summary)
    {
        area.ExampleFigures.AddRange(summary.ExampleFigures.Order(StringComparer.Ordinal));
        area.EstimatedFigures.AddRange(summary.EstimatedFigures.Order(StringComparer.Ordinal));
    }
}
