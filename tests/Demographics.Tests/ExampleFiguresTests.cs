using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Demographics.Application;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.Demographics.Tests;

/// <summary>
/// Release 2 (API.md): Observation.example, stored and read back through gRPC and CSV; the summary marks
/// each figure an example or a non-FINAL input went into, sums the refugee housing sites and names the
/// definitions and sources of the indicators it uses.
/// </summary>
public sealed class ExampleFiguresTests : DemographicsTest
{
    private static Observation Example(Observation o, bool example = true)
    {
        o.Example = example;
        return o;
    }

    [Fact]
    public async Task The_example_flag_is_stored_through_gRPC_and_CSV_and_read_back()
    {
        var d = D(2018, 12, 31);
        await ImportAsync(Client(Roles.Statistics), [Example(Obs("population_total", "112", d, 100)), Obs("population_total", "120", d, 200)]);
        var csv = "indicator,area,reference_date,value,example\nforeign_nationals,112,2018-12-31,10,TRUE\nforeign_nationals,120,2018-12-31,20,\nforeign_nationals,221,2018-12-31,30,0\n";
        await Host.Services.GetRequiredService<ObservationImport>().ImportCsvAsync(new StringReader(csv), WriteContext.System("test", "Test", "test"), CancellationToken.None);

        var all = await ListAllAsync(new ListObservationsRequest());
        Assert.Equal(["areas/112 foreign_nationals", "areas/112 population_total"],
            all.Where(o => o.Example).Select(o => $"{o.Area} {o.Indicator["indicators/".Length..]}").Order(StringComparer.Ordinal));
        Assert.Equal(3, all.Count(o => !o.Example));

        var bad = "indicator,area,reference_date,value,example\nforeign_nationals,130,2022-12-31,10,ja\n";
        var e = await Assert.ThrowsAsync<IntegrationServices.ServiceDefaults.Errors.ServiceException>(() =>
            Host.Services.GetRequiredService<ObservationImport>().ImportCsvAsync(new StringReader(bad), WriteContext.System("test", "Test", "test"), CancellationToken.None));
        Assert.Equal("observations[0].example", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public async Task The_summary_marks_example_and_estimated_figures_where_they_went_in()
    {
        var d = D(2016, 12, 31);
        var estimated = Obs("population_total", "221", d, 23000);
        estimated.Status = ObservationStatus.Estimated;
        await ImportAsync(Client(Roles.Statistics),
        [
            // Mitte (130) is summed from 131 and 132; one example input marks the sum and the share computed from it.
            Example(Obs("population_total", "131", d, 20000)), Obs("population_with_migration_background", "131", d, 8000),
            Obs("population_total", "132", d, 10000), Obs("population_with_migration_background", "132", d, 1000),
            estimated, Obs("population_with_migration_background", "221", d, 9430),
        ]);

        var summary = await Client().SummarizeAreasAsync(new SummarizeAreasRequest { AsOf = D(2017, 6, 30), AreaSetDate = D(2022, 1, 1) });
        var mitte = summary.Areas.Single(a => a.Area == "areas/130");
        Assert.Equal(["migration_background_share_percent", "population_total"], mitte.ExampleFigures);
        Assert.Empty(mitte.EstimatedFigures);
        var weststadt = summary.Areas.Single(a => a.Area == "areas/221");
        Assert.Empty(weststadt.ExampleFigures);
        Assert.Equal(["migration_background_share_percent", "population_total"], weststadt.EstimatedFigures);
        Assert.All(summary.Areas.Where(a => a.Area is not "areas/130" and not "areas/221"), a => Assert.Empty(a.ExampleFigures.Concat(a.EstimatedFigures)));
        Assert.Equal(["indicators/population_total", "indicators/population_with_migration_background"], summary.Indicators.Select(i => i.Name));
        Assert.Null(summary.RefugeesInMunicipalHousing); // no housing data, no figure
    }

    [Fact]
    public async Task The_demo_summary_sums_the_real_housing_sites_and_flags_only_the_made_up_district_figures()
    {
        await DemographicsDemoData.SeedAsync(Host.Services, CancellationToken.None);

        var all = await ListAllAsync(new ListObservationsRequest { PageSize = 1000 });
        Assert.All(all, o => Assert.Equal(o.Area != "areas/0", o.Example));

        var before = await Client().SummarizeAreasAsync(new SummarizeAreasRequest { AsOf = D(2018, 12, 31) });
        Assert.Null(before.RefugeesInMunicipalHousing); // the occupancy is of 2022-03-02
        Assert.All(before.Areas, a => Assert.Contains("population_total", a.ExampleFigures));
        Assert.Empty(before.City.ExampleFigures.Intersect(["population_total"])); // the city's own, real total
        Assert.Contains("foreign_nationals", before.City.ExampleFigures);        // summed from example districts

        var summary = await Client().SummarizeAreasAsync(new SummarizeAreasRequest { AsOf = D(2022, 12, 31) });
        var housing = summary.RefugeesInMunicipalHousing;
        Assert.Equal((751.0, D(2022, 3, 2), false, false), (housing.Value, housing.ReferenceDate, housing.Example, housing.Estimated));
        var refugees = Assert.Single(summary.Indicators, i => i.Name == "indicators/refugees_in_municipal_housing");
        Assert.NotEmpty(refugees.Source);
        var foreign = Assert.Single(summary.Indicators, i => i.Name == "indicators/foreign_nationals");
        Assert.Equal("Ausländerinnen und Ausländer", foreign.Title);
        Assert.All(summary.Indicators, i => Assert.NotEmpty(i.Definition));
    }
}
