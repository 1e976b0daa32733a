using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Storage;
using IntegrationServices.Suite;
using IntegrationServices.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.Reporting.Tests;

public sealed class HttpJsonTests
{
    [Fact]
    public async Task Read_methods_are_served_as_JSON_with_redaction()
    {
        await using var host = await TestHost.StartAsync(SuiteComponents.Reporting, ReportingHost.Settings());
        await ReportingDemoData.SeedAsync(host.Services, CancellationToken.None);
        // A result of the non-public Verwaltungsausschuss on record (as a later RecordConsultationResult would put it there).
        await host.Services.GetRequiredService<Database>().WriteAsync(db => db.ExecuteAsync(
            "UPDATE consultations SET result = 'nichtöffentlich beraten' WHERE cycle_id = '2018' AND position = 6", null, CancellationToken.None), CancellationToken.None);

        var http = host.Http();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestTokens.For([Roles.Reader]));
        var one = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/v1/reportingCycles/2018")).RootElement;
        Assert.Equal("reportingCycles/2018", one.GetProperty("name").GetString());
        Assert.Equal("PLANNED", one.GetProperty("state").GetString());
        var va = one.GetProperty("consultations")[5];
        Assert.Equal("Verwaltungsausschuss", va.GetProperty("organization").GetString());
        Assert.True(va.GetProperty("resultWithheld").GetBoolean());
        Assert.Equal("", va.TryGetProperty("result", out var r) ? r.GetString() : "");

        var list = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/v1/reportingCycles?page_size=3")).RootElement;
        Assert.Equal(3, list.GetProperty("reportingCycles").GetArrayLength());
        Assert.False(string.IsNullOrEmpty(list.GetProperty("nextPageToken").GetString()));

        var export = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/v1/reportingCycles/2018:exportOParl")).RootElement;
        Assert.Contains("18-08576", export.GetProperty("paperJson").GetString());
        Assert.DoesNotContain("nichtöffentlich beraten", export.GetRawText());
    }
}
