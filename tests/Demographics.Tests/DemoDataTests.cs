using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Demographics.Application;
using IntegrationServices.ServiceDefaults.Security;

namespace IntegrationServices.Demographics.Tests;

/// <summary>The Suite's demo data: real figures and labelled examples, seeded once, in one transaction.</summary>
public sealed class DemoDataTests : DemographicsTest
{
    [Fact]
    public async Task Seeds_real_and_labelled_example_data_once_with_historical_record_times()
    {
        await DemographicsDemoData.SeedAsync(Host.Services, CancellationToken.None);
        var all = await ListAllAsync(new ListObservationsRequest { PageSize = 1000 });
        var audit = (await Client(Roles.Admin).ListAuditRecordsAsync(new ListAuditRecordsRequest { PageSize = 1000 })).AuditRecords;
        await DemographicsDemoData.SeedAsync(Host.Services, CancellationToken.None); // idempotent
        Assert.Equal(all.Count, (await ListAllAsync(new ListObservationsRequest { PageSize = 1000 })).Count);
        Assert.Equal(audit.Count, (await Client(Roles.Admin).ListAuditRecordsAsync(new ListAuditRecordsRequest { PageSize = 1000 })).AuditRecords.Count);
        Assert.All(audit, r => Assert.Equal((DemographicsDemoData.Subject, "DemographicsDemoData.SeedAsync"), (r.Subject, r.Method)));

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
        var summary = await Client().SummarizeAreasAsync(new SummarizeAreasRequest { AsOf = D(2018, 12, 31), AreaSetDate = D(2022, 12, 31) });
        Assert.Equal(12, summary.Areas.Count);
        Assert.All(summary.Areas, a => Assert.True(a.HasMigrationBackgroundSharePercent, a.Area));
        Assert.Equal(["areas/131-bis-2021", "areas/132-bis-2021"], summary.Areas.Single(a => a.Area == "areas/130").MappedFrom);
        Assert.Equal(250386, summary.City.PopulationTotal);
        Assert.Equal(250386, summary.Areas.Sum(a => a.PopulationTotal));
        // The city's share comes from the district sums (the city has no own migration figure).
        Assert.Equal(Math.Round(summary.Areas.Sum(a => a.PopulationWithMigrationBackground) / 250386 * 100, 2), summary.City.MigrationBackgroundSharePercent);
        Assert.Empty(summary.UnmappedAreas);
    }

    [Fact]
    public async Task A_seeding_that_fails_part_way_leaves_nothing_and_the_next_start_seeds_everything()
    {
        // The 2022 figures come in the last imports of the seeding: earlier ones have been written by then.
        await ExecuteSqliteAsync("CREATE TRIGGER refuse_2022 BEFORE INSERT ON observations WHEN NEW.reference_date = '2022-12-31' BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
        await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => DemographicsDemoData.SeedAsync(Host.Services, CancellationToken.None));
        Assert.Empty(await ListAllAsync(new ListObservationsRequest()));
        Assert.Empty((await Client(Roles.Admin).ListAuditRecordsAsync(new ListAuditRecordsRequest())).AuditRecords);

        await ExecuteSqliteAsync("DROP TRIGGER refuse_2022");
        await DemographicsDemoData.SeedAsync(Host.Services, CancellationToken.None);
        Assert.Contains(await ListAllAsync(new ListObservationsRequest { PageSize = 1000 }), o => o.ReferenceDate.Year == 2022);
    }
}
