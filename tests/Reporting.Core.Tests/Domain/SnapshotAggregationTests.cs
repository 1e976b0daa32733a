using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Domain;
using static IntegrationServices.Testing.Dates;

namespace IntegrationServices.Reporting.Core.Tests.Domain;

/// <summary>The pure aggregation and the canonical content of a snapshot.</summary>
public sealed class SnapshotAggregationTests
{
    private static readonly SnapshotInput Input = new("2025", new DateOnly(2025, 12, 31), new DateTime(2026, 3, 31, 22, 0, 0, DateTimeKind.Utc), []);

    private static readonly CatalogueTitles Titles = new(
        new Dictionary<int, string> { [1] = "Bildung" },
        new Dictionary<string, string> { ["actionConcepts/idk"] = "Integration durch Konsens" },
        new Dictionary<string, string> { ["units/50"] = "50 Fachbereich Soziales und Gesundheit" });

    private static Measure M(string id, int field, MeasureStatus status, int progress) => new()
    {
        Name = "measures/" + id, Code = "C" + id, Title = "Maßnahme " + id, FieldOfAction = field,
        ActionConcept = "actionConcepts/idk", ResponsibleUnit = "units/50", Status = status, ProgressPercent = progress,
    };

    private static SummarizeAreasResponse Demographics(double population)
    {
        var response = new SummarizeAreasResponse { City = new AreaSummary { Area = "areas/0", AreaTitle = "Stadt", PopulationTotal = population } };
        response.Areas.Add(new AreaSummary { Area = "areas/20", AreaTitle = "Nord", PopulationTotal = 100 });
        response.Areas.Add(new AreaSummary { Area = "areas/10", AreaTitle = "Süd", PopulationTotal = 200 });
        return response;
    }

    [Fact]
    public void The_same_inputs_in_any_order_give_the_same_bytes_and_hash()
    {
        Measure[] measures = [M("2", 1, MeasureStatus.InProgress, 40), M("1", 3, MeasureStatus.Unspecified, 0)];
        var one = SnapshotAggregator.Compute(Input, measures, Titles, Demographics(1000), null);
        var other = SnapshotAggregator.Compute(Input, measures.Reverse().ToList(), Titles, Demographics(1000), null);

        Assert.Equal(one.Content, other.Content);
        Assert.Equal(one.Sha256, other.Sha256);
        Assert.Equal(one.Sha256, one.Snapshot.ContentSha256);
        Assert.Equal(SnapshotContent.Sha256Hex(one.Content), one.Sha256);
        Assert.Equal((2, 2), (one.MeasureCount, one.AreaCount));
    }

    [Fact]
    public void Entries_groups_and_areas_follow_the_fixed_order_and_every_group_lists_every_status()
    {
        var snapshot = SnapshotAggregator.Aggregate(Input, [M("2", 1, MeasureStatus.InProgress, 40), M("1", 3, MeasureStatus.Unspecified, 0)],
            Titles, Demographics(1000), null);

        Assert.Equal(("reportingCycles/2025/snapshot", "reportingCycles/2025"), (snapshot.Name, snapshot.Cycle));
        Assert.Equal(["measures/1", "measures/2"], snapshot.Measures.Entries.Select(e => e.Name));
        Assert.Equal(MeasureStatus.NotStarted, snapshot.Measures.Entries[0].Status);
        Assert.Equal(20.0, snapshot.Measures.AverageProgressPercent);
        Assert.Equal(["1", "3"], snapshot.Measures.ByFieldOfAction.Select(g => g.Key));
        Assert.Equal(["Bildung", ""], snapshot.Measures.ByFieldOfAction.Select(g => g.Title));
        Assert.All(snapshot.Measures.ByFieldOfAction, g => Assert.Equal(SnapshotContent.Statuses, g.ByStatus.Select(s => s.Status)));
        Assert.Equal("Integration durch Konsens", Assert.Single(snapshot.Measures.ByActionConcept).Title);
        Assert.Equal(["areas/10", "areas/20"], snapshot.Demographics.Areas.Select(a => a.Area));
        Assert.Equal(D(2025, 12, 31), snapshot.Demographics.AreaSetDate);
        Assert.Equal("", snapshot.Changes.Base);
    }

    [Fact]
    public void The_canonical_bytes_leave_out_create_time_and_hash()
    {
        var snapshot = SnapshotAggregator.Compute(Input, [M("1", 1, MeasureStatus.Implemented, 100)], Titles, Demographics(1000), null).Snapshot;
        var served = snapshot.Clone();
        served.CreateTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow);
        served.ContentSha256 = "something else";
        Assert.Equal(SnapshotContent.CanonicalBytes(snapshot), SnapshotContent.CanonicalBytes(served));
    }

    [Fact]
    public void Changes_against_the_previous_snapshot_name_status_changes_new_and_retired_measures_and_deltas()
    {
        var previous = SnapshotAggregator.Aggregate(Input with { CycleId = "2024" },
            [M("1", 1, MeasureStatus.InProgress, 50), M("2", 1, MeasureStatus.Ongoing, 100)], Titles, Demographics(1000), null);
        var current = SnapshotAggregator.Aggregate(Input,
            [M("1", 1, MeasureStatus.Implemented, 100), M("3", 1, MeasureStatus.NotStarted, 0)], Titles, Demographics(1250), previous);

        var changes = current.Changes;
        Assert.Equal(("reportingCycles/2024/snapshot", "reportingCycles/2025/snapshot"), (changes.Base, changes.Target));
        var change = Assert.Single(changes.StatusChanges);
        Assert.Equal(("measures/1", MeasureStatus.InProgress, MeasureStatus.Implemented), (change.Name, change.OldStatus, change.NewStatus));
        Assert.Equal("measures/3", Assert.Single(changes.NewMeasures).Name);
        Assert.Equal("measures/2", Assert.Single(changes.RetiredMeasures).Name);
        Assert.Equal(SnapshotContent.CityArea, changes.IndicatorDeltas[0].Area);
        Assert.Equal(250.0, changes.IndicatorDeltas.Single(d => d.Area == SnapshotContent.CityArea && d.Indicator == "population_total").Delta);
    }
}
