using System.Net;
using System.Text.Json;
using Grpc.Core;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Hosting;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace IntegrationServices.ServiceDefaults.Tests;

public sealed class AuditChangeTests
{
    private static readonly string[] Scope = ["actionConcepts/idk"];

    [Fact]
    public void Every_change_has_one_shape_action_mask_and_fields_with_old_and_new()
    {
        var update = AuditChange.Updated(["title", "adopted_on"]).Set("title", "Vorher", "Nachher").Set("adopted_on", null, new DateOnly(2024, 1, 31));
        using var json = JsonDocument.Parse(update.ToJson());
        Assert.Equal("updated", json.RootElement.GetProperty("action").GetString());
        Assert.Equal(["title", "adopted_on"], json.RootElement.GetProperty("update_mask").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Vorher", json.RootElement.GetProperty("fields").GetProperty("title").GetProperty("old").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("fields").GetProperty("adopted_on").GetProperty("old").ValueKind);
        Assert.Equal("2024-01-31", json.RootElement.GetProperty("fields").GetProperty("adopted_on").GetProperty("new").GetString());
    }

    [Fact]
    public void Creates_and_other_actions_carry_new_values_only()
    {
        using var json = JsonDocument.Parse(AuditChange.Created().Set("council_paper", "18-08576").Set("scope", Scope).ToJson());
        Assert.Equal("created", json.RootElement.GetProperty("action").GetString());
        Assert.False(json.RootElement.TryGetProperty("update_mask", out _));
        var paper = json.RootElement.GetProperty("fields").GetProperty("council_paper");
        Assert.False(paper.TryGetProperty("old", out _));
        Assert.Equal("18-08576", paper.GetProperty("new").GetString());
        Assert.Equal("actionConcepts/idk", json.RootElement.GetProperty("fields").GetProperty("scope").GetProperty("new")[0].GetString());
    }
}

public sealed class ProblemTests
{
    [Theory]
    [InlineData(StatusCode.InvalidArgument, 400)]
    [InlineData(StatusCode.FailedPrecondition, 400)]
    [InlineData(StatusCode.Unauthenticated, 401)]
    [InlineData(StatusCode.PermissionDenied, 403)]
    [InlineData(StatusCode.NotFound, 404)]
    [InlineData(StatusCode.AlreadyExists, 409)]
    [InlineData(StatusCode.Aborted, 409)]
    [InlineData(StatusCode.ResourceExhausted, 429)]
    [InlineData(StatusCode.Internal, 500)]
    [InlineData(StatusCode.Unavailable, 503)]
    [InlineData(StatusCode.DeadlineExceeded, 504)]
    public void Statuses_map_as_JSON_transcoding_maps_them(StatusCode code, int http) => Assert.Equal(http, Problems.HttpStatusOf(code));

    [Fact]
    public void A_service_exception_keeps_reason_domain_and_every_violation()
    {
        var problem = Problems.Of(ServiceException.Invalid([new("a", "bad"), new("b", "worse")]), "integration.test.v1");
        Assert.Equal(400, problem.Status);
        Assert.Equal("INVALID_ARGUMENT", problem.Code);
        Assert.Equal("integration.test.v1", problem.Domain);
        Assert.Equal(["a", "b"], problem.FieldViolations!.Select(v => v.Field));
    }
}

/// <summary>The HTTP error model on a real composition (AddServiceDefaults/MapServiceDefaults) over TestServer.</summary>
public sealed class HttpErrorTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await TestHost.StartAsync(
            b => b.AddServiceDefaults(new ServiceIdentity("integration.test.v1.TestService", "test"), new DefaultPorts(5999, 5998)),
            app =>
            {
                app.MapServiceDefaults();
                app.MapGet("/ok", () => Results.Text("fine")).AllowAnonymous();
                app.MapGet("/refused", () => { throw ServiceException.FailedPrecondition("NOT_NOW", "Not <now>."); }).AllowAnonymous();
                app.MapGet("/broken", () => { throw new InvalidOperationException("secret detail"); }).AllowAnonymous();
                app.MapGet("/guarded", () => "x").RequireAuthorization(Policies.Read);
                app.MapGet("/busy", () => { throw new Microsoft.Data.Sqlite.SqliteException("database is locked", 5); }).AllowAnonymous();
            });

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(Problems.ContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task A_success_carries_nosniff()
    {
        var response = await _host.Http().GetAsync("/ok");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task A_refusal_is_a_problem_with_reason_and_domain_and_no_raw_markup()
    {
        var response = await _host.Http().GetAsync("/refused");
        var body = await response.Content.ReadAsStringAsync();
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("NOT_NOW", problem.GetProperty("reason").GetString());
        Assert.Equal("integration.test.v1", problem.GetProperty("domain").GetString());
        Assert.Equal("Not <now>.", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("<now>", body);
    }

    [Fact]
    public async Task An_unexpected_failure_is_a_500_problem_with_a_correlation_id_and_no_detail()
    {
        var response = await _host.Http().GetAsync("/broken");
        var problem = await ProblemAsync(response, HttpStatusCode.InternalServerError);
        Assert.Contains("correlation id", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("secret", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/guarded", HttpStatusCode.Unauthorized, "UNAUTHENTICATED")]
    [InlineData("/nowhere/<script>", HttpStatusCode.NotFound, "NOT_FOUND")]
    public async Task Errors_raised_outside_any_handler_are_problems_too(string path, HttpStatusCode status, string code)
    {
        var response = await _host.Http().GetAsync(path);
        var problem = await ProblemAsync(response, status);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.DoesNotContain("<script>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_caller_without_the_role_gets_a_403_problem()
    {
        using var client = _host.Http();
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.For([Roles.Worker]));
        await ProblemAsync(await client.GetAsync("/guarded"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_busy_database_is_a_retryable_503_problem_never_a_500()
    {
        var response = await _host.Http().GetAsync("/busy");
        var problem = await ProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("UNAVAILABLE", problem.GetProperty("code").GetString());
        Assert.Equal("DATABASE_BUSY", problem.GetProperty("reason").GetString());
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
    }
}

/// <summary>CORS stays closed unless Cors:AllowedOrigins names the origins a browser may read answers from (real sockets, Jwt mode).</summary>
public sealed class CorsTests
{
    private static Task<SocketHost> HostAsync(IDictionary<string, string?>? settings = null) => SocketHost.StartAsync(
        b => b.AddServiceDefaults(new ServiceIdentity("integration.test.v1.TestService", "test"), new DefaultPorts(5999, 5998)),
        app =>
        {
            app.MapServiceDefaults();
            app.MapGet("/ok", () => Results.Text("fine")).AllowAnonymous();
        }, settings);

    private static async Task<HttpResponseMessage> FromOriginAsync(SocketHost host, HttpMethod method, string origin)
    {
        using var request = new HttpRequestMessage(method, "/ok");
        request.Headers.Add("Origin", origin);
        if (method == HttpMethod.Options) request.Headers.Add("Access-Control-Request-Method", "GET");
        return await host.Http().SendAsync(request);
    }

    [Fact]
    public async Task Without_configuration_no_origin_is_allowed()
    {
        await using var host = await HostAsync();
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Options })
            Assert.False((await FromOriginAsync(host, method, "https://app.example.org")).Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Configured_origins_and_only_those_are_allowed()
    {
        await using var host = await HostAsync(new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = "https://app.example.org" });
        var preflight = await FromOriginAsync(host, HttpMethod.Options, "https://app.example.org");
        Assert.Equal("https://app.example.org", Assert.Single(preflight.Headers.GetValues("Access-Control-Allow-Origin")));
        var read = await FromOriginAsync(host, HttpMethod.Get, "https://app.example.org");
        Assert.Equal("https://app.example.org", Assert.Single(read.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.False((await FromOriginAsync(host, HttpMethod.Get, "https://evil.example")).Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_wildcard_origin_is_refused_on_start()
    {
        var e = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            HostAsync(new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = "*" }));
        Assert.Contains("Cors:AllowedOrigins", e.Message);
    }
}
