using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Domain;
using static IntegrationServices.Testing.Dates;

namespace IntegrationServices.Reporting.Core.Tests.Domain;

/// <summary>The pure aggregation by content version and the canonical content of a snapshot.</summary>
public sealed class SnapshotAggregationTests
{
    private static readonly SnapshotInput Input = new("2025", new DateOnly(2025, 12, 31), new DateTime(2026, 3, 31, 22, 0, 0, DateTimeKind.Utc), [], SnapshotAggregator.Latest);

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
        response.Areas.Add(new AreaSummary { Area = "areas/20", AreaTitle = "Nord", PopulationTotal = 100, EstimatedFigures = { "population_total" } });
        response.Areas.Add(new AreaSummary { Area = "areas/10", AreaTitle = "Süd", PopulationTotal = 200 });
        return response;
    }

    private static SnapshotSources Sources(IReadOnlyList<Measure> measures, double population = 1000, IReadOnlyList<Area>? areas = null) =>
        new(measures, Titles, Demographics(population), areas ?? []);

    [Fact]
    public void The_same_inputs_in_any_order_give_the_same_bytes_and_hash()
    {
        Measure[] measures = [M("2", 1, MeasureStatus.InProgress, 40), M("1", 3, MeasureStatus.Unspecified, 0)];
        var one = SnapshotAggregator.Compute(Input, Sources(measures), null);
        var other = SnapshotAggregator.Compute(Input, Sources(measures.Reverse().ToList()), null);

        Assert.Equal(one.Content, other.Content);
        Assert.Equal(one.Sha256, other.Sha256);
        Assert.Equal(one.Sha256, one.Snapshot.ContentSha256);
        Assert.Equal(SnapshotContent.Sha256Hex(one.Content), one.Sha256);
    }

    [Fact]
    public void Entries_groups_and_areas_follow_the_fixed_order_and_every_group_lists_every_status()
    {
        var snapshot = SnapshotAggregator.Aggregate(Input, Sources([M("2", 1, MeasureStatus.InProgress, 40), M("1", 3, MeasureStatus.Unspecified, 0)]));

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
        Assert.Null(snapshot.Changes);
        Assert.Equal("", SnapshotAggregator.Compute(Input, Sources([]), null).Snapshot.Changes.Base);
    }

    [Fact]
    public void Version_2_adds_scope_entry_details_figure_marks_and_area_successions_to_version_1()
    {
        var measure = M("1", 1, MeasureStatus.InProgress, 40);
        measure.StatusNote = "Sachstand: läuft";
        measure.Parent = "measures/9";
        measure.RollupProgressPercent = 55.5;
        var areas = new List<Area>
        {
            new() { Name = "areas/131-bis-2021", Title = "Innenstadt", ValidTo = D(2021, 10, 31), Successors = { "areas/130" } },
            new() { Name = "areas/130", Title = "Mitte", ValidFrom = D(2021, 11, 1) },
            new() { Name = "areas/999", Title = "Später beendet", ValidTo = D(2030, 1, 1) },
        };
        var input = Input with { Scope = ["actionConcepts/idk"] };
        var v1 = SnapshotAggregator.Aggregate(input with { ContentVersion = 1 }, Sources([measure], areas: areas));
        var v2 = SnapshotAggregator.Aggregate(input, Sources([measure], areas: areas));

        Assert.Equal((0, 0), (v1.ContentVersion, v1.Scope.Count));
        Assert.Equal((2, "actionConcepts/idk"), (v2.ContentVersion, Assert.Single(v2.Scope)));
        var entry = Assert.Single(v2.Measures.Entries);
        Assert.Equal((MeasureKind.CouncilAdopted, "Sachstand: läuft", "measures/9", 55.5), (entry.Kind, entry.StatusNote, entry.Parent, entry.RollupProgressPercent));
        Assert.Equal(("Integration durch Konsens", "50 Fachbereich Soziales und Gesundheit"), (entry.ActionConceptTitle, entry.ResponsibleUnitTitle));
        var plain = Assert.Single(v1.Measures.Entries);
        Assert.Equal((MeasureKind.Unspecified, "", false), (plain.Kind, plain.StatusNote, plain.HasRollupProgressPercent));
        Assert.Equal(["population_total"], v2.Demographics.Areas.Single(a => a.Area == "areas/20").EstimatedFigures);
        Assert.Empty(v1.Demographics.Areas.Single(a => a.Area == "areas/20").EstimatedFigures);
        var succession = Assert.Single(v2.Demographics.AreaSuccessions);
        Assert.Equal(("areas/131-bis-2021", "Innenstadt", "areas/130"), (succession.Area, succession.AreaTitle, Assert.Single(succession.Successors)));
        Assert.Empty(v1.Demographics.AreaSuccessions);

        // What version 2 adds never reaches version 1's bytes: they are those of the first release.
        v2.Measures = v1.Measures;
        v2.Demographics = v1.Demographics;
        v2.ContentVersion = 1;
        Assert.Equal(SnapshotContent.CanonicalBytes(v1), SnapshotContent.CanonicalBytes(v2));
    }

    [Fact]
    public void The_canonical_bytes_leave_out_create_time_and_hash_and_for_version_1_the_served_version_and_scope()
    {
        var snapshot = SnapshotAggregator.Compute(Input, Sources([M("1", 1, MeasureStatus.Implemented, 100)]), null).Snapshot;
        var served = snapshot.Clone();
        served.CreateTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow);
        served.ContentSha256 = "something else";
        Assert.Equal(SnapshotContent.CanonicalBytes(snapshot), SnapshotContent.CanonicalBytes(served));

        var v1 = SnapshotAggregator.Compute(Input with { ContentVersion = 1 }, Sources([M("1", 1, MeasureStatus.Implemented, 100)]), null);
        var servedV1 = v1.Snapshot.Clone();
        servedV1.ContentVersion = 1;
        servedV1.Scope.Add("actionConcepts/idk");
        Assert.Equal(v1.Content, SnapshotContent.CanonicalBytes(servedV1));
    }

    [Fact]
    public void Unknown_content_versions_are_refused()
    {
        Assert.False(SnapshotAggregator.IsKnown(0));
        Assert.False(SnapshotAggregator.IsKnown(SnapshotAggregator.Latest + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SnapshotAggregator.Aggregate(Input with { ContentVersion = SnapshotAggregator.Latest + 1 }, Sources([])));
    }

    [Fact]
    public void Changes_against_the_base_name_status_changes_new_and_retired_measures_and_deltas()
    {
        var previous = SnapshotAggregator.Compute(Input with { CycleId = "2024" },
            Sources([M("1", 1, MeasureStatus.InProgress, 50), M("2", 1, MeasureStatus.Ongoing, 100)]), null).Snapshot;
        var current = SnapshotAggregator.Compute(Input,
            Sources([M("1", 1, MeasureStatus.Implemented, 100), M("3", 1, MeasureStatus.NotStarted, 0)], population: 1250), previous).Snapshot;

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
