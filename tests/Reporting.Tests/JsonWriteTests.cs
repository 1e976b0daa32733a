using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;

namespace IntegrationServices.Reporting.Tests;

/// <summary>Cycle writes and custom methods over JSON, and the Reporting port's OpenAPI document.</summary>
public sealed class JsonWriteTests(ReportingHost reporting) : IClassFixture<ReportingHost>
{
    private HttpClient Json(string role)
    {
        var http = reporting.Host.Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For([role]));
        return http;
    }

    private static StringContent Body(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static object Date(DateOnly d) => new { year = d.Year, month = d.Month, day = d.Day };

    [Fact]
    public async Task A_cycle_is_created_patched_with_its_etag_and_cancelled_through_JSON()
    {
        using var http = Json(Roles.Coordinator);
        var reference = reporting.NextReferenceDate();
        var id = "json-" + reference.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        var created = await ReadAsync(await http.PostAsync($"/v1/reportingCycles?reporting_cycle_id={id}", Body(new
        {
            title = "Bericht (Beispiel)", referenceDate = Date(reference), reportingDate = Date(reference.AddMonths(1)),
        })), HttpStatusCode.OK);
        Assert.Equal(("reportingCycles/" + id, "PLANNED"), (created.GetProperty("name").GetString(), created.GetProperty("state").GetString()));

        var etag = created.GetProperty("etag").GetString();
        var patched = await ReadAsync(await http.PatchAsync($"/v1/reportingCycles/{id}?update_mask=title",
            Body(new { title = "Bericht, neu benannt (Beispiel)", etag })), HttpStatusCode.OK);
        Assert.Equal("Bericht, neu benannt (Beispiel)", patched.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await http.PatchAsync($"/v1/reportingCycles/{id}?update_mask=title", Body(new { title = "x", etag }))).StatusCode);

        var cancelled = await ReadAsync(await http.PostAsync($"/v1/reportingCycles/{id}:cancel",
            Body(new { etag = patched.GetProperty("etag").GetString() })), HttpStatusCode.OK);
        Assert.Equal("CANCELLED", cancelled.GetProperty("state").GetString());
        // Cancelling again is a precondition failure: 400 (FAILED_PRECONDITION), as a problem.
        var again = await http.PostAsync($"/v1/reportingCycles/{id}:cancel", Body(new { }));
        Assert.Equal("FAILED_PRECONDITION", (await ReadAsync(again, HttpStatusCode.BadRequest)).GetProperty("code").GetString());

        using var reader = Json(Roles.Reader);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync($"/v1/reportingCycles/{id}:cancel", Body(new { }))).StatusCode);
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_the_cycle_and_snapshot_routes()
    {
        using var anonymous = reporting.Host.Http();
        var document = await ReadAsync(await anonymous.GetAsync("/openapi/v1.json"), HttpStatusCode.OK);
        var routes = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => $"{o.Name.ToUpperInvariant()} {p.Name}")).ToHashSet();
        foreach (var route in new[]
                 {
                     "POST /v1/reportingCycles", "GET /v1/reportingCycles", "GET /v1/reportingCycles/{name}",
                     "PATCH /v1/reportingCycles/{reporting_cycle.name}", "POST /v1/reportingCycles/{name}:cancel",
                     "POST /v1/reportingCycles/{name}:recordConsultationResult", "POST /v1/reportingCycles:planRecurring",
                     "POST /v1/reportingCycles:importOParlPaper", "GET /v1/reportingCycles/{name}:exportOParl",
                     "GET /v1/reportingCycles/{name}/snapshot", "GET /v1/snapshots", "GET /v1/snapshots:compare",
                     "POST /v1/reportingCycles/{name}/snapshot:verify", "GET /v1/reportingCycles/{parent}/snapshotRuns", "GET /v1/snapshotRuns",
                 })
            Assert.True(routes.Contains(route), $"{route} is not in the OpenAPI document: {string.Join(", ", routes)}");
    }
}
