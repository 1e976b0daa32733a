using System.Text.Json;
using Grpc.Core;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.ServiceDefaults.Security;

namespace IntegrationServices.Demographics.Tests;

/// <summary>ListIndicators and CreateIndicator.</summary>
public sealed class IndicatorsTests : DemographicsTest
{
    [Fact]
    public async Task Seeded_indicators_say_which_definition_they_follow()
    {
        var indicators = (await Client(Roles.Reader).ListIndicatorsAsync(new ListIndicatorsRequest())).Indicators;
        foreach (var id in new[] { "population_total", "foreign_nationals", "germans_with_migration_background",
                     "population_with_migration_background", "refugees_in_municipal_housing", "population_official_update" })
        {
            var indicator = indicators.Single(i => i.Name == "indicators/" + id);
            Assert.Equal(IndicatorUnit.Persons, indicator.Unit);
            Assert.NotEmpty(indicator.Source);
            Assert.NotEmpty(indicator.Definition);
        }
        Assert.Contains("Mikrozensus", indicators.Single(i => i.Name == "indicators/population_with_migration_background").Definition);
        Assert.Contains("register", indicators.Single(i => i.Name == "indicators/population_total").Definition);
    }

    private static CreateIndicatorRequest ForeignShare() => new()
    {
        IndicatorId = "foreign_share",
        Indicator = new Indicator { Title = "Ausländeranteil", Unit = IndicatorUnit.Percent, Definition = "Melderegister", Source = "Test" },
        RequestId = "4b8e1f7e-9d7c-4c1e-9a55-000000000002",
    };

    [Fact]
    public async Task CreateIndicator_stores_audits_validates_pages_and_needs_the_statistics_role()
    {
        var created = await Client(Roles.Statistics).CreateIndicatorAsync(ForeignShare());
        Assert.Equal("indicators/foreign_share", created.Name);
        Assert.Equal(IndicatorUnit.Percent, created.Unit);
        Assert.Equal(created, await Client(Roles.Statistics).CreateIndicatorAsync(ForeignShare())); // a retry: the first result

        var again = ForeignShare();
        again.RequestId = "";
        var taken = await Rpc.FailsAsync(StatusCode.AlreadyExists, () => Client(Roles.Statistics).CreateIndicatorAsync(again));
        Rpc.ErrorInfo(taken, "RESOURCE_ALREADY_EXISTS");

        await Rpc.InvalidAsync(() => Client(Roles.Statistics).CreateIndicatorAsync(new CreateIndicatorRequest
        {
            IndicatorId = "Bad Id",
            Indicator = new Indicator { Title = "x" },
        }), "indicator.definition", "indicator.source", "indicator.unit", "indicator_id");
        await Rpc.InvalidAsync(() => Client(Roles.Statistics).CreateIndicatorAsync(new CreateIndicatorRequest()), "indicator", "indicator_id");

        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => Client(Roles.Reader).CreateIndicatorAsync(new CreateIndicatorRequest
        {
            IndicatorId = "x",
            Indicator = new Indicator { Title = "x", Unit = IndicatorUnit.Persons, Definition = "d", Source = "s" },
        }));

        var record = Assert.Single((await Client(Roles.Admin).ListAuditRecordsAsync(new ListAuditRecordsRequest())).AuditRecords);
        Assert.Equal("indicators/foreign_share", record.Resource);
        using var change = JsonDocument.Parse(record.Change);
        Assert.Equal("created", change.RootElement.GetProperty("action").GetString());
        Assert.Equal("PERCENT", change.RootElement.GetProperty("fields").GetProperty("unit").GetProperty("new").GetString());
        Assert.Equal("Ausländeranteil", change.RootElement.GetProperty("fields").GetProperty("title").GetProperty("new").GetString());

        var client = Client(Roles.Reader);
        var first = await client.ListIndicatorsAsync(new ListIndicatorsRequest { PageSize = 4 });
        var second = await client.ListIndicatorsAsync(new ListIndicatorsRequest { PageSize = 4, PageToken = first.NextPageToken });
        Assert.Equal(4, first.Indicators.Count);
        Assert.Equal(3, second.Indicators.Count);
        Assert.Empty(second.NextPageToken);
        Assert.Equal(7, first.Indicators.Concat(second.Indicators).Select(i => i.Name).Distinct().Count());
    }
}
