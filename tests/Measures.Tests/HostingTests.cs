using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Grpc.Health.V1;

namespace IntegrationServices.Measures.Tests;

/// <summary>What the Measures composition serves besides its methods: health, and JSON for the read methods.</summary>
public sealed class HostingTests(SqliteFixture fixture) : MeasuresTestBase(fixture), IClassFixture<SqliteFixture>
{
    private HttpClient Json(string? token)
    {
        var http = Host.Http();
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    [Fact]
    public async Task Health_reports_SERVING_overall_and_for_the_MeasuresService()
    {
        var health = new Health.HealthClient(Host.Invoker());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving,
            (await health.CheckAsync(new HealthCheckRequest { Service = "integration.measures.v1.MeasuresService" })).Status);
    }

    [Fact]
    public async Task Read_methods_are_served_as_JSON_over_HTTP()
    {
        var slice = await NewSliceAsync();
        var measure = await CreateAsync(slice, field: 5);
        await RecordAsync(measure.Name, MeasureStatus.InProgress, 35, D(2023, 1, 1));
        using var http = Json(Who.Admin);

        using (var one = JsonDocument.Parse(await http.GetStringAsync($"/v1/{measure.Name}")))
        {
            Assert.Equal(measure.Name, one.RootElement.GetProperty("name").GetString());
            Assert.Equal(5, one.RootElement.GetProperty("fieldOfAction").GetInt32());
            Assert.Equal("IN_PROGRESS", one.RootElement.GetProperty("status").GetString());
        }

        using (var fields = JsonDocument.Parse(await http.GetStringAsync("/v1/fieldsOfAction")))
            Assert.Equal(8, fields.RootElement.GetProperty("fieldsOfAction").GetArrayLength());

        var filter = Uri.EscapeDataString(UnitFilter(slice));
        await CreateAsync(slice);
        using (var page = JsonDocument.Parse(await http.GetStringAsync($"/v1/measures?page_size=1&filter={filter}")))
        {
            Assert.Equal(1, page.RootElement.GetProperty("measures").GetArrayLength());
            Assert.False(string.IsNullOrEmpty(page.RootElement.GetProperty("nextPageToken").GetString()));
        }

        using (var events = JsonDocument.Parse(await http.GetStringAsync($"/v1/{measure.Name}/statusEvents")))
            Assert.Equal(35, events.RootElement.GetProperty("statusEvents")[0].GetProperty("progressPercent").GetInt32());
    }

    [Fact]
    public async Task JSON_reads_need_a_token_and_report_errors_with_their_status()
    {
        using var anonymous = Json(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/fieldsOfAction")).StatusCode);

        using var http = Json(Who.Reader);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/v1/measures/999999")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/v1/measures?filter=colour%20%3D%20red")).StatusCode);
    }
}
