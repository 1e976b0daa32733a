using Grpc.Core;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.ServiceDefaults.Security;

namespace IntegrationServices.Demographics.Tests;

public sealed class AreasAndIndicatorsTests : DemographicsTest
{
    private async Task<List<Area>> AllAreasAsync(Google.Type.Date? asOf, int pageSize = 0)
    {
        var client = Client(Roles.Reader);
        var areas = new List<Area>();
        var request = new ListAreasRequest { AsOf = asOf, PageSize = pageSize };
        while (true)
        {
            var page = await client.ListAreasAsync(request);
            areas.AddRange(page.Areas);
            if (page.NextPageToken.Length == 0) return areas;
            request.PageToken = page.NextPageToken;
        }
    }

    [Fact]
    public async Task The_19_districts_are_valid_until_the_reform_and_the_12_after_it()
    {
        var before = await AllAreasAsync(Date(2021, 10, 31));
        var after = await AllAreasAsync(Date(2021, 11, 1));
        Assert.Equal(19, before.Count(a => a.Kind == AreaKind.District));
        Assert.Equal(12, after.Count(a => a.Kind == AreaKind.District));
        Assert.Single(before, a => a.Kind == AreaKind.City && a.Name == "areas/0");
        Assert.Single(after, a => a.Kind == AreaKind.City);
        Assert.Equal(1 + 14 + 5 + 7, (await AllAreasAsync(null)).Count);
        // Codes repeat across the sets: 211 is a different district before and after.
        Assert.Equal("Stöckheim-Leiferde", before.Single(a => a.Code == "211").Title);
        Assert.Equal("Braunschweig-Süd", after.Single(a => a.Code == "211").Title);
    }

    [Fact]
    public async Task Old_districts_name_their_successor_and_say_whether_the_mapping_is_sourced()
    {
        var areas = await AllAreasAsync(null, pageSize: 4);
        Assert.Equal(areas.Count, areas.Select(a => a.Name).Distinct().Count());
        var innenstadt = areas.Single(a => a.Name == "areas/131-bis-2021");
        Assert.Equal(["areas/130"], innenstadt.Successors);
        Assert.Equal("areas/0", innenstadt.Parent);
        Assert.Equal(Date(2021, 10, 31), innenstadt.ValidTo);
        Assert.Contains("sourced", innenstadt.Description);
        var broitzem = areas.Single(a => a.Name == "areas/223-bis-2021");
        Assert.Equal(["areas/222"], broitzem.Successors);
        Assert.Contains("INFERRED", broitzem.Description);
        var mitte = areas.Single(a => a.Name == "areas/130");
        Assert.Equal(Date(2021, 11, 1), mitte.ValidFrom);
        Assert.Null(mitte.ValidTo);
        Assert.Contains("27350", mitte.Description);
        // Unchanged districts are one area spanning both sets.
        var weststadt = areas.Single(a => a.Name == "areas/221");
        Assert.Null(weststadt.ValidFrom);
        Assert.Empty(weststadt.Successors);
    }

    [Fact]
    public async Task CreateArea_stores_validates_and_audits()
    {
        var client = Client(Roles.Statistics);
        var created = await client.CreateAreaAsync(new CreateAreaRequest
        {
            Area = new Area { Code = "999", Title = "Testbezirk", Kind = AreaKind.District, Parent = "areas/0", ValidFrom = Date(2030, 1, 1) },
            RequestId = "4b8e1f7e-9d7c-4c1e-9a55-000000000001",
        });
        Assert.Equal("areas/999", created.Name);
        Assert.Equal("areas/0", created.Parent);

        var retry = await client.CreateAreaAsync(new CreateAreaRequest
        {
            Area = new Area { Code = "999", Title = "Testbezirk", Kind = AreaKind.District, Parent = "areas/0", ValidFrom = Date(2030, 1, 1) },
            RequestId = "4b8e1f7e-9d7c-4c1e-9a55-000000000001",
        });
        Assert.Equal(created, retry);
        var reused = await Assert.ThrowsAsync<RpcException>(() => client.CreateAreaAsync(new CreateAreaRequest
        {
            Area = new Area { Code = "998", Title = "Anderer Bezirk", Kind = AreaKind.District, ValidFrom = Date(2030, 1, 1) },
            RequestId = "4b8e1f7e-9d7c-4c1e-9a55-000000000001",
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, reused.StatusCode);

        var duplicate = await Assert.ThrowsAsync<RpcException>(() => client.CreateAreaAsync(new CreateAreaRequest
        {
            Area = new Area { Code = "999", Title = "Noch einer", Kind = AreaKind.District },
        }).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, duplicate.StatusCode);

        var overlap = await Assert.ThrowsAsync<RpcException>(() => client.CreateAreaAsync(new CreateAreaRequest
        {
            AreaId = "130-neu",
            Area = new Area { Code = "130", Title = "Mitte neu", Kind = AreaKind.District, ValidFrom = Date(2025, 1, 1) },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, overlap.StatusCode);
        Assert.Contains(Violations(overlap), v => v.Field == "area.code" && v.Description.Contains("areas/130"));

        var invalid = await Assert.ThrowsAsync<RpcException>(() => client.CreateAreaAsync(new CreateAreaRequest
        {
            Area = new Area { Code = "", Title = "", Kind = AreaKind.Unspecified, ValidFrom = Date(2030, 2, 30), Successors = { "areas/nope" } },
            AreaId = "x-1",
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        var fields = Violations(invalid).Select(v => v.Field).ToHashSet();
        Assert.Superset(new HashSet<string> { "area.code", "area.title", "area.kind", "area.valid_from", "area.valid_to" }, fields);

        var audit = await Client(Roles.Admin).ListAuditRecordsAsync(new ListAuditRecordsRequest());
        Assert.Single(audit.AuditRecords, r => r.Resource == "areas/999" && r.Method.EndsWith("/CreateArea"));
    }

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

    [Fact]
    public async Task CreateIndicator_stores_validates_pages_and_needs_the_statistics_role()
    {
        var created = await Client(Roles.Statistics).CreateIndicatorAsync(new CreateIndicatorRequest
        {
            IndicatorId = "foreign_share",
            Indicator = new Indicator { Title = "Ausländeranteil", Unit = IndicatorUnit.Percent, Definition = "Melderegister", Source = "Test" },
        });
        Assert.Equal("indicators/foreign_share", created.Name);
        Assert.Equal(IndicatorUnit.Percent, created.Unit);

        var invalid = await Assert.ThrowsAsync<RpcException>(() => Client(Roles.Statistics).CreateIndicatorAsync(new CreateIndicatorRequest
        {
            IndicatorId = "Bad Id",
            Indicator = new Indicator { Title = "x" },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Equal(new[] { "indicator.definition", "indicator.source", "indicator.unit", "indicator_id" }.Order(StringComparer.Ordinal).ToArray(),
            Violations(invalid).Select(v => v.Field).Order(StringComparer.Ordinal).ToArray());

        var denied = await Assert.ThrowsAsync<RpcException>(() => Client(Roles.Reader).CreateIndicatorAsync(new CreateIndicatorRequest
        {
            IndicatorId = "x",
            Indicator = new Indicator { Title = "x", Unit = IndicatorUnit.Persons, Definition = "d", Source = "s" },
        }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);

        var client = Client(Roles.Reader);
        var first = await client.ListIndicatorsAsync(new ListIndicatorsRequest { PageSize = 4 });
        var second = await client.ListIndicatorsAsync(new ListIndicatorsRequest { PageSize = 4, PageToken = first.NextPageToken });
        Assert.Equal(4, first.Indicators.Count);
        Assert.Equal(3, second.Indicators.Count);
        Assert.Empty(second.NextPageToken);
    }

    [Fact]
    public async Task Calls_without_a_token_are_unauthenticated_and_the_audit_trail_is_admin_only()
    {
        var anonymous = new DemographicsClient(Host.Invoker());
        var e = await Assert.ThrowsAsync<RpcException>(() => anonymous.ListAreasAsync(new ListAreasRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        var denied = await Assert.ThrowsAsync<RpcException>(() => Client(Roles.Statistics).ListAuditRecordsAsync(new ListAuditRecordsRequest()).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        // The worker may summarize and list observations, not read the catalogue.
        await Client(Roles.Worker).SummarizeAreasAsync(new SummarizeAreasRequest());
        await Client(Roles.Worker).ListObservationsAsync(new ListObservationsRequest());
        var worker = await Assert.ThrowsAsync<RpcException>(() => Client(Roles.Worker).ListAreasAsync(new ListAreasRequest()).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, worker.StatusCode);
    }

    [Fact]
    public void Every_rpc_method_declares_its_policy()
    {
        var policies = typeof(IntegrationServices.Demographics.DemographicsService).GetMethods()
            .Where(m => m.DeclaringType == typeof(IntegrationServices.Demographics.DemographicsService) && m.IsVirtual)
            .ToDictionary(m => m.Name, m => m.GetCustomAttributes(typeof(Microsoft.AspNetCore.Authorization.AuthorizeAttribute), false)
                .Cast<Microsoft.AspNetCore.Authorization.AuthorizeAttribute>().Single().Policy);
        Assert.Equal(new Dictionary<string, string?>
        {
            ["ListAreas"] = Policies.Read,
            ["CreateArea"] = Policies.Statistics,
            ["ListIndicators"] = Policies.Read,
            ["CreateIndicator"] = Policies.Statistics,
            ["ImportObservations"] = Policies.Statistics,
            ["ListObservations"] = Policies.ReadOrWorker,
            ["SummarizeAreas"] = Policies.ReadOrWorker,
            ["ListAuditRecords"] = Policies.Admin,
        }, policies);
    }
}
