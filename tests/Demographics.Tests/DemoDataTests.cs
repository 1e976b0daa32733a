using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Testing;

namespace IntegrationServices.Demographics.Tests;

public sealed class DemoDataTests : DemographicsTest
{
    [Fact]
    public async Task Seeds_real_and_labelled_example_data_once_with_historical_record_times()
    {
        await DemographicsDemoData.SeedAsync(Host.Services, CancellationToken.None);
        var all = await ListAllAsync(new ListObservationsRequest { PageSize = 1000 });
        await DemographicsDemoData.SeedAsync(Host.Services, CancellationToken.None); // idempotent
        Assert.Equal(all.Count, (await ListAllAsync(new ListObservationsRequest { PageSize = 1000 })).Count);

        var city = all.Where(o => o.Area == "areas/0" && o.Indicator == "indicators/population_total").ToList();
        Assert.Equal(7, city.Count);
        var derived = city.Single(o => o.ReferenceDate.Year == 2017);
        Assert.Equal(250361, derived.Value);
        Assert.Equal(ObservationStatus.Estimated, derived.Status);
        Assert.Contains("derived", derived.Comment);
        var official = all.Single(o => o.Indicator == "indicators/population_official_update");
        Assert.Equal(251804, official.Value);
        Assert.Equal(253167, city.Single(o => o.ReferenceDate.Year == 2022).Value); // both 2022 definitions kept

        var housing = all.Where(o => o.Indicator == "indicators/refugees_in_municipal_housing").ToList();
        Assert.Equal(9, housing.Count);
        Assert.Equal(91, housing.Single(o => o.Dimensions["site"] == "Ölper").Value);
        Assert.Contains("max. 88", housing.Single(o => o.Dimensions["site"] == "Hondelage").Comment);

        var examples = all.Where(o => o.Area != "areas/0").ToList();
        Assert.All(examples, o => Assert.Contains("Beispieldaten", o.Comment));
        Assert.All(all, o => Assert.True(o.RecordTime.ToDateTime() < new DateTime(2024, 1, 1), "historical record time"));
        Assert.Equal(250704, examples.Where(o => o.ReferenceDate.Year == 2016 && o.Indicator == "indicators/population_total").Sum(o => o.Value));
    }

    [Fact]
    public async Task A_summary_across_the_reform_has_something_to_show()
    {
        await DemographicsDemoData.SeedAsync(Host.Services, CancellationToken.None);
        var summary = await Client().SummarizeAreasAsync(new SummarizeAreasRequest { AsOf = Date(2018, 12, 31), AreaSetDate = Date(2022, 12, 31) });
        Assert.Equal(12, summary.Areas.Count);
        Assert.All(summary.Areas, a => Assert.True(a.HasMigrationBackgroundSharePercent, a.Area));
        Assert.Equal(["areas/131-bis-2021", "areas/132-bis-2021"], summary.Areas.Single(a => a.Area == "areas/130").MappedFrom);
        Assert.Equal(250386, summary.City.PopulationTotal);
        Assert.Equal(250386, summary.Areas.Sum(a => a.PopulationTotal));
        // The city's share comes from the district sums (the city has no own migration figure).
        Assert.Equal(Math.Round(summary.Areas.Sum(a => a.PopulationWithMigrationBackground) / 250386 * 100, 2), summary.City.MigrationBackgroundSharePercent);
        Assert.Empty(summary.UnmappedAreas);
    }
}

public sealed class TSqlFidelityTests
{
    [Fact]
    public void Every_SQL_Server_migration_and_statement_parses_and_names_created_tables() =>
        TSqlFidelity.AssertValid(typeof(DemographicsService).Assembly);
}
