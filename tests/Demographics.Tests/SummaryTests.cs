using Google.Protobuf.WellKnownTypes;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.ServiceDefaults.Security;

namespace IntegrationServices.Demographics.Tests;

/// <summary>SummarizeAreas: figures per district of an area set, mapped across the 2021 reform, and city-wide.</summary>
public sealed class SummaryTests : DemographicsTest
{
    private static IEnumerable<Observation> District(string area, Google.Type.Date date, double population, double foreign, double withBackground) =>
    [
        Obs("population_total", area, date, population),
        Obs("foreign_nationals", area, date, foreign),
        Obs("population_with_migration_background", area, date, withBackground),
    ];

    [Fact]
    public async Task Innenstadt_and_Viewegsgarten_Bebelhof_2016_are_summed_into_Mitte_with_the_share_from_the_sums()
    {
        var d2016 = D(2016, 12, 31);
        await ImportAsync(Client(Roles.Statistics),
            District("131", d2016, 20000, 4000, 8000)              // 40 %
                .Concat(District("132", d2016, 10000, 1000, 1000)) // 10 %
                .Concat(District("221", d2016, 23000, 3900, 9430)));

        var summary = await Client(Roles.Worker).SummarizeAreasAsync(new SummarizeAreasRequest
        {
            AsOf = D(2017, 6, 30),
            AreaSetDate = D(2022, 1, 1),
        });
        Assert.Equal(12, summary.Areas.Count);
        var mitte = summary.Areas.Single(a => a.Area == "areas/130");
        Assert.Equal("Mitte", mitte.AreaTitle);
        Assert.Equal(30000, mitte.PopulationTotal);
        Assert.Equal(5000, mitte.ForeignNationals);
        Assert.Equal(9000, mitte.PopulationWithMigrationBackground);
        Assert.Equal(30.0, mitte.MigrationBackgroundSharePercent); // 9000 / 30000, not (40 + 10) / 2
        Assert.Equal(d2016, mitte.ReferenceDate);
        Assert.Equal(["areas/131-bis-2021", "areas/132-bis-2021"], mitte.MappedFrom);

        var weststadt = summary.Areas.Single(a => a.Area == "areas/221"); // unchanged district: its own figures
        Assert.Equal(41.0, weststadt.MigrationBackgroundSharePercent);
        Assert.Empty(weststadt.MappedFrom);

        var sued = summary.Areas.Single(a => a.Area == "areas/211"); // no data for its predecessors
        Assert.False(sued.HasPopulationTotal);
        Assert.False(sued.HasMigrationBackgroundSharePercent);
        Assert.Empty(summary.UnmappedAreas);
    }

    [Fact]
    public async Task A_partial_set_of_predecessors_gives_no_sum_and_newer_data_cannot_map_back()
    {
        await ImportAsync(Client(Roles.Statistics),
            District("131", D(2016, 12, 31), 20000, 4000, 8000)
                .Concat(District("130", D(2022, 12, 31), 31000, 5500, 10000)));

        var newSet = await Client().SummarizeAreasAsync(new SummarizeAreasRequest { AsOf = D(2017, 1, 1), AreaSetDate = D(2022, 1, 1) });
        var mitte = newSet.Areas.Single(a => a.Area == "areas/130");
        Assert.False(mitte.HasPopulationTotal); // Viewegsgarten-Bebelhof is missing: no understated sum

        var oldSet = await Client().SummarizeAreasAsync(new SummarizeAreasRequest { AsOf = D(2023, 1, 1), AreaSetDate = D(2020, 1, 1) });
        Assert.Equal(19, oldSet.Areas.Count);
        Assert.Equal(20000, oldSet.Areas.Single(a => a.Area == "areas/131-bis-2021").PopulationTotal);
        Assert.Equal(["areas/130"], oldSet.UnmappedAreas); // 2022 figures of Mitte cannot be split back

        var current = await Client().SummarizeAreasAsync(new SummarizeAreasRequest { AsOf = D(2023, 1, 1) });
        var ownData = current.Areas.Single(a => a.Area == "areas/130");
        Assert.Equal(31000, ownData.PopulationTotal); // its own data wins over the older predecessors'
        Assert.Empty(ownData.MappedFrom);
        Assert.Empty(current.UnmappedAreas);
    }

    [Fact]
    public async Task The_city_uses_its_own_figures_else_the_district_sums_and_known_at_cuts_knowledge()
    {
        var d2018 = D(2018, 12, 31);
        var statistics = Client(Roles.Statistics);
        await ImportAsync(statistics, [Obs("population_total", "0", d2018, 250386)]);
        var before = Host.Clock.GetUtcNow().UtcDateTime;
        Host.Clock.Advance(TimeSpan.FromDays(1));
        await ImportAsync(statistics, District("112", d2018, 100, 10, 20));

        var summary = await Client().SummarizeAreasAsync(new SummarizeAreasRequest { AsOf = D(2019, 1, 1) });
        Assert.Equal("areas/0", summary.City.Area);
        Assert.Equal(250386, summary.City.PopulationTotal);
        Assert.False(summary.City.HasForeignNationals); // the other 18 districts have no figures

        var earlier = await Client().SummarizeAreasAsync(new SummarizeAreasRequest { AsOf = D(2019, 1, 1), KnownAt = Timestamp.FromDateTime(before) });
        Assert.False(earlier.Areas.Single(a => a.Area == "areas/112").HasPopulationTotal);

        await ImportAsync(statistics, [Obs("population_with_migration_background", "120", D(2016, 12, 31), 30), Obs("population_total", "120", d2018, 200)]);
        var mixed = (await Client().SummarizeAreasAsync(new SummarizeAreasRequest { AsOf = D(2019, 1, 1) })).Areas.Single(a => a.Area == "areas/120");
        Assert.Equal(200, mixed.PopulationTotal);
        Assert.Equal(30, mixed.PopulationWithMigrationBackground);
        Assert.False(mixed.HasMigrationBackgroundSharePercent); // 2016 and 2018 counts: no share from mixed dates

        var defaultDate = await Client().SummarizeAreasAsync(new SummarizeAreasRequest());
        Assert.Equal(12, defaultDate.Areas.Count); // today's area set
    }

    [Fact]
    public async Task Each_area_shows_the_latest_date_known_at_the_cut_off_in_its_latest_revision_known_then()
    {
        var statistics = Client(Roles.Statistics);
        await ImportAsync(statistics, [Obs("population_total", "120", D(2016, 12, 31), 100)]);
        var only2016 = Host.Clock.GetUtcNow().UtcDateTime;
        Host.Clock.Advance(TimeSpan.FromDays(1));
        await ImportAsync(statistics, [Obs("population_total", "120", D(2017, 12, 31), 200)]);
        var first2017 = Host.Clock.GetUtcNow().UtcDateTime;
        Host.Clock.Advance(TimeSpan.FromDays(1));
        await ImportAsync(statistics, [Obs("population_total", "120", D(2017, 12, 31), 210)]); // a revision of 2017
        Host.Clock.Advance(TimeSpan.FromDays(1));
        await ImportAsync(statistics, [Obs("population_total", "120", D(2016, 12, 31), 110)]); // a later revision of an older date

        async Task<double?> TotalAsync(Google.Type.Date asOf, DateTime? knownAt)
        {
            var request = new SummarizeAreasRequest { AsOf = asOf, AreaSetDate = D(2020, 1, 1) };
            if (knownAt is { } k) request.KnownAt = Timestamp.FromDateTime(k);
            var area = (await Client().SummarizeAreasAsync(request)).Areas.Single(a => a.Area == "areas/120");
            return area.HasPopulationTotal ? area.PopulationTotal : null;
        }

        Assert.Equal(210, await TotalAsync(D(2018, 1, 1), null));           // the latest date in its latest revision, not the latest import
        Assert.Equal(200, await TotalAsync(D(2018, 1, 1), first2017));     // the revision known then
        Assert.Equal(100, await TotalAsync(D(2018, 1, 1), only2016));      // 2017 not yet known: the date before it
        Assert.Equal(110, await TotalAsync(D(2017, 12, 30), null));        // as of a day before 2017's date: 2016, revised
        Assert.Null(await TotalAsync(D(2016, 12, 30), null));              // nothing on or before the date
    }
}
