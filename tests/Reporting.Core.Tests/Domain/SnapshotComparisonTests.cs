using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Domain;

namespace IntegrationServices.Reporting.Core.Tests.Domain;

/// <summary>Changes across an area reform: earlier districts mapped onto the target's area set through its successions.</summary>
public sealed class SnapshotComparisonTests
{
    private static DemographicsAreaSummary Area(string id, double? population, double? withBackground, double? foreign = null)
    {
        var area = new DemographicsAreaSummary { Area = "areas/" + id, AreaTitle = "Bezirk " + id };
        if (population is { } p) area.PopulationTotal = p;
        if (withBackground is { } m) area.PopulationWithMigrationBackground = m;
        if (foreign is { } f) area.ForeignNationals = f;
        if (population is > 0 && withBackground is { } mb) area.MigrationBackgroundSharePercent = Math.Round(mb / population.Value * 100, 2);
        return area;
    }

    private static Snapshot Snapshot(string cycle, int version, IEnumerable<DemographicsAreaSummary> areas, params (string Area, string[] Successors)[] successions)
    {
        var snapshot = new Snapshot { Name = $"reportingCycles/{cycle}/snapshot", ContentVersion = version, Demographics = new SnapshotDemographics() };
        snapshot.Demographics.Areas.AddRange(areas);
        foreach (var (area, successors) in successions)
            snapshot.Demographics.AreaSuccessions.Add(new AreaSuccession { Area = "areas/" + area, Successors = { successors.Select(s => "areas/" + s) } });
        return snapshot;
    }

    private static IndicatorDelta Delta(SnapshotChanges changes, string area, string indicator) =>
        changes.IndicatorDeltas.Single(d => d.Area == "areas/" + area && d.Indicator == indicator);

    [Fact]
    public void Merged_districts_are_summed_onto_their_successor_and_the_share_recomputed_from_the_sums()
    {
        var before = Snapshot("2020", 2, [Area("131-bis-2021", 10000, 4000, 2000), Area("132-bis-2021", 15000, 3500, 1500), Area("112", 20000, 5000)]);
        var after = Snapshot("2022", 2, [Area("130", 26000, 8000, 4000), Area("112", 20500, 5100)],
            ("131-bis-2021", ["130"]), ("132-bis-2021", ["130"]));

        var changes = SnapshotComparison.Compare(before, after);

        var population = Delta(changes, "130", "population_total");
        Assert.Equal((25000.0, 26000.0, 1000.0), (population.BaseValue, population.TargetValue, population.Delta));
        Assert.Equal("Bezirk 130", population.AreaTitle);
        Assert.Equal(500, Delta(changes, "130", "foreign_nationals").Delta);
        var share = Delta(changes, "130", "migration_background_share_percent");
        Assert.Equal((30.0, 30.77, 0.77), (share.BaseValue, share.TargetValue, share.Delta));
        Assert.Equal(500, Delta(changes, "112", "population_total").Delta);
        Assert.DoesNotContain(changes.IndicatorDeltas, d => d.Area.EndsWith("-bis-2021", StringComparison.Ordinal));
    }

    [Fact]
    public void A_merge_with_a_missing_figure_gives_no_partial_sum_and_a_split_stays_unmapped()
    {
        var before = Snapshot("2020", 2, [Area("131-bis-2021", 10000, null), Area("132-bis-2021", 15000, 3500), Area("500-bis-2021", 8000, 1000)]);
        var after = Snapshot("2022", 2, [Area("130", 26000, 8000), Area("501", 4000, 500), Area("502", 4100, 600)],
            ("131-bis-2021", ["130"]), ("132-bis-2021", ["130"]), ("500-bis-2021", ["501", "502"]));

        var changes = SnapshotComparison.Compare(before, after);

        Assert.Equal(25000, Delta(changes, "130", "population_total").BaseValue);
        var withBackground = Delta(changes, "130", "population_with_migration_background");
        Assert.False(withBackground.HasBaseValue);
        Assert.False(withBackground.HasDelta);
        var split = Delta(changes, "500-bis-2021", "population_total");
        Assert.Equal((8000.0, false), (split.BaseValue, split.HasTargetValue));
    }

    [Fact]
    public void A_chain_of_single_successors_is_followed_to_the_target_set()
    {
        var before = Snapshot("2010", 2, [Area("1-alt", 100, 10)]);
        var after = Snapshot("2030", 2, [Area("3", 130, 13)], ("1-alt", ["2-alt"]), ("2-alt", ["3"]));

        Assert.Equal(30, Delta(SnapshotComparison.Compare(before, after), "3", "population_total").Delta);
    }

    [Fact]
    public void A_version_1_target_compares_districts_by_name_as_released()
    {
        var before = Snapshot("2020", 1, [Area("131-bis-2021", 10000, 4000), Area("132-bis-2021", 15000, 3500)]);
        var after = Snapshot("2022", 1, [Area("130", 26000, 8000)], ("131-bis-2021", ["130"]), ("132-bis-2021", ["130"]));

        var changes = SnapshotComparison.Compare(before, after);

        Assert.False(Delta(changes, "130", "population_total").HasBaseValue);
        Assert.Equal(10000, Delta(changes, "131-bis-2021", "population_total").BaseValue);
    }
}
