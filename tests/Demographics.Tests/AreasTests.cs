using System.Text.Json;
using Grpc.Core;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.ServiceDefaults.Security;

namespace IntegrationServices.Demographics.Tests;

/// <summary>ListAreas and CreateArea: the seeded area sets across the 2021 reform, and adding an area.</summary>
public sealed class AreasTests : DemographicsTest
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
        var before = await AllAreasAsync(D(2021, 10, 31));
        var after = await AllAreasAsync(D(2021, 11, 1));
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
        Assert.Equal(D(2021, 10, 31), innenstadt.ValidTo);
        Assert.Contains("sourced", innenstadt.Description);
        var broitzem = areas.Single(a => a.Name == "areas/223-bis-2021");
        Assert.Equal(["areas/222"], broitzem.Successors);
        Assert.Contains("INFERRED", broitzem.Description);
        var mitte = areas.Single(a => a.Name == "areas/130");
        Assert.Equal(D(2021, 11, 1), mitte.ValidFrom);
        Assert.Null(mitte.ValidTo);
        Assert.Contains("27350", mitte.Description);
        // Unchanged districts are one area spanning both sets.
        var weststadt = areas.Single(a => a.Name == "areas/221");
        Assert.Null(weststadt.ValidFrom);
        Assert.Empty(weststadt.Successors);
    }

    [Fact]
    public async Task A_page_token_belongs_to_its_as_of_date()
    {
        var client = Client(Roles.Reader);
        var first = await client.ListAreasAsync(new ListAreasRequest { AsOf = D(2020, 1, 1), PageSize = 5 });
        Assert.Equal(5, first.Areas.Count);
        await Rpc.InvalidAsync(() => client.ListAreasAsync(new ListAreasRequest { AsOf = D(2022, 1, 1), PageSize = 5, PageToken = first.NextPageToken }), "page_token");
        await Rpc.InvalidAsync(() => client.ListAreasAsync(new ListAreasRequest { AsOf = D(2022, 2, 30) }), "as_of");
    }

    private static CreateAreaRequest Testbezirk() => new()
    {
        Area = new Area { Code = "999", Title = "Testbezirk", Kind = AreaKind.District, Parent = "areas/0", ValidFrom = D(2030, 1, 1) },
        RequestId = "4b8e1f7e-9d7c-4c1e-9a55-000000000001",
    };

    [Fact]
    public async Task CreateArea_stores_audits_and_answers_a_retry_with_the_first_result()
    {
        var client = Client(Roles.Statistics);
        var created = await client.CreateAreaAsync(Testbezirk());
        Assert.Equal("areas/999", created.Name);
        Assert.Equal("areas/0", created.Parent);
        Assert.Equal(D(2030, 1, 1), created.ValidFrom);

        Assert.Equal(created, await client.CreateAreaAsync(Testbezirk()));
        // The same request id with another payload is refused, not answered with the first area.
        var other = Testbezirk();
        other.Area.Code = "998";
        other.Area.Title = "Anderer Bezirk";
        await Rpc.InvalidAsync(() => client.CreateAreaAsync(other), "request_id");
        Assert.DoesNotContain((await client.ListAreasAsync(new ListAreasRequest { PageSize = 1000 })).Areas, a => a.Code == "998");

        var audit = await Client(Roles.Admin).ListAuditRecordsAsync(new ListAuditRecordsRequest());
        var record = Assert.Single(audit.AuditRecords);
        Assert.Equal("areas/999", record.Resource);
        Assert.EndsWith("/CreateArea", record.Method);
        using var change = JsonDocument.Parse(record.Change);
        Assert.Equal("created", change.RootElement.GetProperty("action").GetString());
        var fields = change.RootElement.GetProperty("fields");
        Assert.Equal("Testbezirk", fields.GetProperty("title").GetProperty("new").GetString());
        Assert.Equal("DISTRICT", fields.GetProperty("kind").GetProperty("new").GetString());
        Assert.Equal("areas/0", fields.GetProperty("parent").GetProperty("new").GetString());
        Assert.Equal("2030-01-01", fields.GetProperty("valid_from").GetProperty("new").GetString());
    }

    [Fact]
    public async Task CreateArea_refuses_a_taken_id_an_overlapping_code_and_every_bad_field()
    {
        var client = Client(Roles.Statistics);
        await client.CreateAreaAsync(Testbezirk());

        var duplicate = await Rpc.FailsAsync(StatusCode.AlreadyExists, () => client.CreateAreaAsync(new CreateAreaRequest
        {
            Area = new Area { Code = "999", Title = "Noch einer", Kind = AreaKind.District },
        }));
        Rpc.ErrorInfo(duplicate, "RESOURCE_ALREADY_EXISTS");

        var overlap = await Rpc.InvalidAsync(() => client.CreateAreaAsync(new CreateAreaRequest
        {
            AreaId = "130-neu",
            Area = new Area { Code = "130", Title = "Mitte neu", Kind = AreaKind.District, ValidFrom = D(2025, 1, 1) },
        }), "area.code");
        Assert.Contains("areas/130", overlap[0].Description);

        var unknown = await Rpc.InvalidAsync(() => client.CreateAreaAsync(new CreateAreaRequest
        {
            Area = new Area { Code = "997", Title = "Irgendwo", Kind = AreaKind.District, Parent = "areas/nope", ValidTo = D(2030, 1, 1), Successors = { "areas/130", "areas/none" } },
        }), "area.parent", "area.successors[1]");
        Assert.All(unknown, v => Assert.Contains("unknown area", v.Description));

        await Rpc.InvalidAsync(() => client.CreateAreaAsync(new CreateAreaRequest
        {
            Area = new Area { Code = "", Title = "", Kind = AreaKind.Unspecified, ValidFrom = D(2030, 2, 30), Successors = { "areas/nope" } },
            AreaId = "x-1",
        }), "area.code", "area.title", "area.kind", "area.valid_from", "area.valid_to");
        await Rpc.InvalidAsync(() => client.CreateAreaAsync(new CreateAreaRequest
        {
            Area = new Area { Code = "Mitte Nord", Title = "Mitte\nNord", Kind = AreaKind.District, ValidFrom = D(2030, 1, 1), ValidTo = D(2029, 1, 1) },
            RequestId = "not-a-uuid",
        }), "area.code", "area.title", "area.valid_to", "request_id");
        await Rpc.InvalidAsync(() => client.CreateAreaAsync(new CreateAreaRequest()), "area");

        Assert.Single((await Client(Roles.Admin).ListAuditRecordsAsync(new ListAuditRecordsRequest())).AuditRecords);
    }
}
