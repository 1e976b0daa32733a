using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace IntegrationServices.Measures.Tests;

/// <summary>
/// The write methods over JSON (gRPC JSON transcoding, AIP-127): create, patch with update_mask and etag,
/// record a status, delete; errors as problem details; the routes in GET /openapi/v1.json.
/// </summary>
public sealed class JsonWriteTests(SqliteFixture fixture) : MeasuresTestBase(fixture), IClassFixture<SqliteFixture>
{
    private HttpClient Json(string token)
    {
        var http = Host.Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static StringContent Body(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task Create_patch_with_etag_record_status_and_delete_through_JSON()
    {
        var slice = await NewSliceAsync();
        using var http = Json(Who.Coordinator);
        var code = Unique("J");
        var requestId = Guid.NewGuid().ToString();
        var draft = new
        {
            code, title = "Sprachkurse (Beispiel)", actionConcept = slice.Concept, fieldOfAction = 2,
            responsibleUnit = slice.Unit, adoptedOn = new { year = 2017, month = 3, day = 1 },
        };
        var created = await ReadAsync(await http.PostAsync($"/v1/measures?request_id={requestId}", Body(draft)), HttpStatusCode.OK);
        var name = created.GetProperty("name").GetString()!;
        Assert.StartsWith("measures/", name);
        Assert.Equal("NOT_STARTED", created.GetProperty("status").GetString());
        // A retry with the same request id returns the first result.
        var retried = await ReadAsync(await http.PostAsync($"/v1/measures?request_id={requestId}", Body(draft)), HttpStatusCode.OK);
        Assert.Equal(name, retried.GetProperty("name").GetString());

        var etag = created.GetProperty("etag").GetString();
        var patched = await ReadAsync(await http.PatchAsync($"/v1/{name}?update_mask=title",
            Body(new { title = "Sprachkurse für Erwachsene (Beispiel)", etag })), HttpStatusCode.OK);
        Assert.Equal("Sprachkurse für Erwachsene (Beispiel)", patched.GetProperty("title").GetString());
        Assert.Equal(2, patched.GetProperty("fieldOfAction").GetInt32()); // not in the mask: kept
        Assert.NotEqual(etag, patched.GetProperty("etag").GetString());

        // The old etag is stale now: ABORTED as 409, a problem, and nothing written.
        var stale = await http.PatchAsync($"/v1/{name}?update_mask=title", Body(new { title = "Überschrieben", etag }));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
        Assert.Equal("ABORTED", (await stale.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal("Sprachkurse für Erwachsene (Beispiel)", (await Admin.GetMeasureAsync(new GetMeasureRequest { Name = name })).Title);

        var recorded = await ReadAsync(await http.PostAsync($"/v1/{name}/statusEvents", Body(new
        {
            status = "IN_PROGRESS", progressPercent = 40, effectiveDate = new { year = 2026, month = 11, day = 1 },
            note = "Kurse laufen", requestId = Guid.NewGuid().ToString(),
        })), HttpStatusCode.OK);
        Assert.StartsWith(name + "/statusEvents/", recorded.GetProperty("name").GetString());

        var bad = await http.PostAsync($"/v1/{name}/statusEvents", Body(new { status = "IN_PROGRESS", progressPercent = 140 }));
        var problem = await ReadAsync(bad, HttpStatusCode.BadRequest);
        Assert.Contains(problem.GetProperty("field_violations").EnumerateArray(), v => v.GetProperty("field").GetString() == "progress_percent");

        var current = (await Admin.GetMeasureAsync(new GetMeasureRequest { Name = name })).Etag;
        var deleted = await ReadAsync(await http.DeleteAsync($"/v1/{name}?etag={Uri.EscapeDataString(current)}"), HttpStatusCode.OK);
        Assert.True(deleted.TryGetProperty("retireTime", out _));
        Assert.Empty((await Admin.ListMeasuresAsync(new ListMeasuresRequest { Filter = $"code = \"{code}\"" })).Measures);

        // A reader may not write over JSON either.
        using var reader = Json(Who.Reader);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync("/v1/measures", Body(draft))).StatusCode);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_JSON_routes_and_needs_no_token()
    {
        using var anonymous = Host.Http();
        var document = await ReadAsync(await anonymous.GetAsync("/openapi/v1.json"), HttpStatusCode.OK);
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths");
        var routes = paths.EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(o => $"{o.Name.ToUpperInvariant()} {p.Name}")).ToHashSet();
        foreach (var route in new[]
                 {
                     // The literal segments of a name stay in the path: {name=measures/*} → measures/{name}.
                     "GET /v1/measures", "POST /v1/measures", "GET /v1/measures/{name}", "PATCH /v1/measures/{measure.name}",
                     "DELETE /v1/measures/{name}", "POST /v1/measures/{parent}/statusEvents", "GET /v1/measures/{parent}/statusEvents",
                     "GET /v1/fieldsOfAction", "POST /v1/actionConcepts", "POST /v1/units",
                 })
            Assert.True(routes.Contains(route), $"{route} is not in the OpenAPI document: {string.Join(", ", routes)}");
        // The update takes its mask as a query parameter.
        var patch = paths.EnumerateObject().Single(p => p.Value.TryGetProperty("patch", out _)).Value.GetProperty("patch");
        Assert.Contains(patch.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() is "update_mask" or "updateMask");
    }
}
