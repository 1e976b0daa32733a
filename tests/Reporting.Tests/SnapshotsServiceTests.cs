using System.Net;
using System.Net.Http.Headers;
using Dapper;
using Grpc.Core;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.Reporting.Testing;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Suite;
using IntegrationServices.Testing;
using Format = IntegrationServices.Contracts.Reporting.V1.RenderReportRequest.Types.Format;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;
using static IntegrationServices.Reporting.Testing.SnapshotEnvironment;
using static IntegrationServices.Reporting.Tests.ReportingHost;
using static IntegrationServices.Testing.Dates;

namespace IntegrationServices.Reporting.Tests;

/// <summary>Three quarters snapshotted by a worker, one planned cycle without a snapshot.</summary>
public sealed class SnapshotsFixture : IAsyncLifetime
{
    public SnapshotEnvironment Env { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Env = await StartAsync();
        await Env.SeedUntilAsync(Utc(2025, 10, 10));
        await Env.CreateCycleAsync("planned", D(2026, 3, 31), D(2026, 4, 2));
        var worker = await Env.StartWorkerAsync();
        await Worker(worker).RunOnceAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync() => await Env.DisposeAsync();
}

public sealed class SnapshotsServiceTests(SnapshotsFixture fixture) : IClassFixture<SnapshotsFixture>
{
    private SnapshotEnvironment Env => fixture.Env;

    [Fact]
    public async Task GetSnapshot_returns_the_stored_snapshot_with_its_hash_and_time()
    {
        var snapshot = await Env.Snapshots(Roles.Reader).GetSnapshotAsync(new GetSnapshotRequest { Name = "reportingCycles/q2/snapshot" });

        Assert.Equal("reportingCycles/q2", snapshot.Cycle);
        Assert.Equal(D(2025, 6, 30), snapshot.ReferenceDate);
        Assert.Equal(new DateTime(2025, 7, 2, 22, 0, 0, DateTimeKind.Utc), snapshot.KnownAt.ToDateTime());
        Assert.Equal(Utc(2025, 10, 10).UtcDateTime, snapshot.CreateTime.ToDateTime());
        Assert.Matches("^[0-9a-f]{64}$", snapshot.ContentSha256);
        Assert.Equal(snapshot.ContentSha256, SnapshotContent.Sha256Hex(SnapshotContent.CanonicalBytes(snapshot)));
        Assert.Equal(4, snapshot.Measures.Total);
        Assert.Equal(251000, snapshot.Demographics.City.PopulationTotal);
    }

    [Fact]
    public async Task GetSnapshot_rejects_bad_names_and_says_not_found()
    {
        var client = Env.Snapshots(Roles.Reader);
        await Rpc.FailsAsync(StatusCode.InvalidArgument, () => client.GetSnapshotAsync(new GetSnapshotRequest { Name = "reportingCycles/q2" }).ResponseAsync);
        await Rpc.FailsAsync(StatusCode.InvalidArgument, () => client.GetSnapshotAsync(new GetSnapshotRequest()).ResponseAsync);
        await Rpc.FailsAsync(StatusCode.NotFound, () => client.GetSnapshotAsync(new GetSnapshotRequest { Name = "reportingCycles/planned/snapshot" }).ResponseAsync);
        await Rpc.FailsAsync(StatusCode.NotFound, () => client.GetSnapshotAsync(new GetSnapshotRequest { Name = "reportingCycles/nope/snapshot" }).ResponseAsync);
    }

    [Fact]
    public async Task ListSnapshots_pages_in_reference_date_order_and_filters()
    {
        var client = Env.Snapshots(Roles.Reader);
        var first = await client.ListSnapshotsAsync(new ListSnapshotsRequest { PageSize = 2 });
        Assert.Equal(["reportingCycles/q1/snapshot", "reportingCycles/q2/snapshot"], first.Snapshots.Select(s => s.Name));
        Assert.NotEmpty(first.NextPageToken);
        var second = await client.ListSnapshotsAsync(new ListSnapshotsRequest { PageSize = 2, PageToken = first.NextPageToken });
        Assert.Equal(["reportingCycles/q3/snapshot"], second.Snapshots.Select(s => s.Name));
        Assert.Empty(second.NextPageToken);

        var filtered = await client.ListSnapshotsAsync(new ListSnapshotsRequest { Filter = "reference_date >= \"2025-06-30\"" });
        Assert.Equal(["reportingCycles/q2/snapshot", "reportingCycles/q3/snapshot"], filtered.Snapshots.Select(s => s.Name));

        await Rpc.FailsAsync(StatusCode.InvalidArgument, () => client.ListSnapshotsAsync(new ListSnapshotsRequest { Filter = "state = PLANNED" }).ResponseAsync);
        await Rpc.FailsAsync(StatusCode.InvalidArgument, () => client.ListSnapshotsAsync(new ListSnapshotsRequest { PageSize = -1 }).ResponseAsync);
        await Rpc.FailsAsync(StatusCode.InvalidArgument, () => client.ListSnapshotsAsync(new ListSnapshotsRequest
            { PageSize = 2, PageToken = first.NextPageToken, Filter = "reference_date >= \"2025-01-01\"" }).ResponseAsync);
    }

    [Fact]
    public async Task ListSnapshots_is_basic_unless_full_is_asked_for_and_GetSnapshot_the_other_way_round()
    {
        var client = Env.Snapshots(Roles.Reader);
        const string name = "reportingCycles/q3/snapshot";
        var basic = (await client.ListSnapshotsAsync(new ListSnapshotsRequest())).Snapshots.Single(s => s.Name == name);
        var full = (await client.ListSnapshotsAsync(new ListSnapshotsRequest { View = SnapshotView.Full })).Snapshots.Single(s => s.Name == name);

        Assert.NotEmpty(full.Measures.Entries);
        Assert.True(full.Changes.StatusChanges.Count + full.Changes.NewMeasures.Count + full.Changes.RetiredMeasures.Count > 0);
        Assert.Empty(basic.Measures.Entries);
        Assert.Empty(basic.Changes.StatusChanges);
        Assert.Empty(basic.Changes.NewMeasures);
        Assert.Empty(basic.Changes.RetiredMeasures);
        // Everything else is the same: counts, statistics, indicator deltas, the hash of the full content.
        Assert.Equal(full.Measures.Total, basic.Measures.Total);
        Assert.Equal(full.Measures.ByStatus, basic.Measures.ByStatus);
        Assert.Equal(full.Demographics, basic.Demographics);
        Assert.Equal(full.Changes.IndicatorDeltas, basic.Changes.IndicatorDeltas);
        Assert.Equal(full.ContentSha256, basic.ContentSha256);

        Assert.Equal(full, await client.GetSnapshotAsync(new GetSnapshotRequest { Name = name }));
        Assert.Equal(basic, await client.GetSnapshotAsync(new GetSnapshotRequest { Name = name, View = SnapshotView.Basic }));
        var e = await Rpc.FailsAsync(StatusCode.InvalidArgument, () => client.ListSnapshotsAsync(new ListSnapshotsRequest { View = (SnapshotView)7 }).ResponseAsync);
        Assert.Equal("view", Assert.Single(e.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations).Field);
    }

    [Fact]
    public async Task CompareSnapshots_gives_the_changes_from_base_to_target()
    {
        var client = Env.Snapshots(Roles.Reader);
        var changes = (await client.CompareSnapshotsAsync(new CompareSnapshotsRequest
            { Base = "reportingCycles/q1/snapshot", Target = "reportingCycles/q3/snapshot" })).Changes;

        Assert.Equal("reportingCycles/q1/snapshot", changes.Base);
        Assert.Equal("reportingCycles/q3/snapshot", changes.Target);
        Assert.Equal(["M1", "M2"], changes.StatusChanges.Select(c => c.Code));
        Assert.Equal("M5", Assert.Single(changes.NewMeasures).Code);
        Assert.Equal("M4", Assert.Single(changes.RetiredMeasures).Code);
        Assert.Contains(changes.IndicatorDeltas, d => d.Area == "areas/130" && d.Indicator == "population_total" && d.Delta == 200);

        var violations = await Rpc.InvalidAsync(() => client.CompareSnapshotsAsync(new CompareSnapshotsRequest { Base = "x", Target = "y" }), "base", "target");
        Assert.Equal(["base", "target"], violations.Select(v => v.Field));
        await Rpc.FailsAsync(StatusCode.NotFound, () => client.CompareSnapshotsAsync(new CompareSnapshotsRequest
            { Base = "reportingCycles/q1/snapshot", Target = "reportingCycles/planned/snapshot" }).ResponseAsync);
    }

    [Fact]
    public async Task RenderReport_renders_each_format()
    {
        var client = Env.Snapshots(Roles.Reader);
        var csv = await client.RenderReportAsync(new RenderReportRequest { Name = "reportingCycles/q1/snapshot", Format = Format.Csv });
        Assert.StartsWith("text/csv", csv.ContentType);
        var text = csv.Content.ToStringUtf8();
        Assert.Contains("M1", text);
        Assert.Contains("Maßnahme M4 (Beispiel)", text);
        var html = await client.RenderReportAsync(new RenderReportRequest { Name = "reportingCycles/q1/snapshot", Format = Format.Html });
        Assert.StartsWith("text/html", html.ContentType);
        var md = await client.RenderReportAsync(new RenderReportRequest { Name = "reportingCycles/q1/snapshot", Format = Format.Markdown });
        Assert.StartsWith("text/markdown", md.ContentType);

        await Rpc.InvalidAsync(() => client.RenderReportAsync(new RenderReportRequest { Name = "reportingCycles/q1/snapshot" }), "format");
        await Rpc.InvalidAsync(() => client.RenderReportAsync(new RenderReportRequest { Name = "reportingCycles/q1/snapshot", Format = (Format)99 }), "format");
        await Rpc.InvalidAsync(() => client.RenderReportAsync(new RenderReportRequest { Name = "reportingCycles/q1" }), "name", "format");
        await Rpc.FailsAsync(StatusCode.NotFound, () => client.RenderReportAsync(new RenderReportRequest { Name = "reportingCycles/planned/snapshot", Format = Format.Csv }).ResponseAsync);
    }

    [Fact]
    public async Task VerifySnapshot_recomputes_through_the_services_and_detects_tampering()
    {
        var client = Env.Snapshots(Roles.Operator);
        foreach (var id in new[] { "q1", "q2", "q3" })
        {
            var verified = await client.VerifySnapshotAsync(new VerifySnapshotRequest { Name = $"reportingCycles/{id}/snapshot" });
            Assert.True(verified.Matches, id);
            Assert.Equal(verified.StoredSha256, verified.RecomputedSha256);
        }

        // Tamper with a copy of q3's content in the database: the recorded hash no longer fits it.
        var stored = await Env.StoredAsync("q3");
        var altered = stored!.ToProto();
        altered.Measures.Total = 99;
        var alteredBytes = SnapshotContent.CanonicalBytes(altered);
        try
        {
            await Env.QueryReportingAsync(c => c.ExecuteAsync("UPDATE snapshots SET content = @Content WHERE cycle_id = 'q3'",
                new { Content = Convert.ToBase64String(alteredBytes) }));
            var tampered = await client.VerifySnapshotAsync(new VerifySnapshotRequest { Name = "reportingCycles/q3/snapshot" });
            Assert.False(tampered.Matches);
            Assert.Equal(stored.ContentSha256, tampered.StoredSha256);
            Assert.Equal(stored.ContentSha256, tampered.RecomputedSha256);

            // Content and hash changed together: the recomputation through the services tells.
            await Env.QueryReportingAsync(c => c.ExecuteAsync("UPDATE snapshots SET content_sha256 = @Sha WHERE cycle_id = 'q3'",
                new { Sha = SnapshotContent.Sha256Hex(alteredBytes) }));
            var rewritten = await client.VerifySnapshotAsync(new VerifySnapshotRequest { Name = "reportingCycles/q3/snapshot" });
            Assert.False(rewritten.Matches);
            Assert.Equal(stored.ContentSha256, rewritten.RecomputedSha256);
        }
        finally
        {
            // Put it back for the other tests (shared fixture), even when an assertion above failed.
            await Env.QueryReportingAsync(c => c.ExecuteAsync("UPDATE snapshots SET content = @Content, content_sha256 = @Sha WHERE cycle_id = 'q3'",
                new { Content = Convert.ToBase64String(stored.Content), Sha = stored.ContentSha256 }));
        }

        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => Env.Snapshots(Roles.Reader).VerifySnapshotAsync(new VerifySnapshotRequest { Name = "reportingCycles/q1/snapshot" }).ResponseAsync);
        await Rpc.FailsAsync(StatusCode.NotFound, () => client.VerifySnapshotAsync(new VerifySnapshotRequest { Name = "reportingCycles/planned/snapshot" }).ResponseAsync);
    }

    [Fact]
    public async Task ListSnapshotRuns_lists_the_attempts_by_cycle_and_outcome()
    {
        var client = Env.Snapshots(Roles.Operator);
        var all = await client.ListSnapshotRunsAsync(new ListSnapshotRunsRequest());
        Assert.True(all.SnapshotRuns.Count >= 3);
        var q2 = await client.ListSnapshotRunsAsync(new ListSnapshotRunsRequest { Parent = "reportingCycles/q2" });
        var run = Assert.Single(q2.SnapshotRuns);
        Assert.Equal("reportingCycles/q2", run.Cycle);
        Assert.StartsWith("reportingCycles/q2/snapshotRuns/", run.Name);
        Assert.Equal(Outcome.Succeeded, run.Outcome);
        Assert.Equal("test-worker-1", run.Worker);
        Assert.NotNull(run.EndTime);

        var page = await client.ListSnapshotRunsAsync(new ListSnapshotRunsRequest { PageSize = 1, Filter = "outcome = SUCCEEDED" });
        Assert.Single(page.SnapshotRuns);
        var next = await client.ListSnapshotRunsAsync(new ListSnapshotRunsRequest { PageSize = 1, Filter = "outcome = SUCCEEDED", PageToken = page.NextPageToken });
        Assert.NotEqual(page.SnapshotRuns[0].Name, next.SnapshotRuns[0].Name);
        Assert.Empty((await client.ListSnapshotRunsAsync(new ListSnapshotRunsRequest { Filter = "outcome = FAILED" })).SnapshotRuns);

        await Rpc.FailsAsync(StatusCode.InvalidArgument, () => client.ListSnapshotRunsAsync(new ListSnapshotRunsRequest { Filter = "outcome = BROKEN" }).ResponseAsync);
        await Rpc.FailsAsync(StatusCode.InvalidArgument, () => client.ListSnapshotRunsAsync(new ListSnapshotRunsRequest { Parent = "cycles/q2" }).ResponseAsync);
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => Env.Snapshots(Roles.Reader).ListSnapshotRunsAsync(new ListSnapshotRunsRequest()).ResponseAsync);
    }

    [Fact]
    public async Task ListAuditRecords_shows_the_workers_writes_to_admins_only()
    {
        var records = await Env.Snapshots(Roles.Admin).ListAuditRecordsAsync(new ListAuditRecordsRequest { Filter = "resource = \"reportingCycles/q1\"" });
        var taken = Assert.Single(records.AuditRecords, r => r.Method == "worker/SnapshotWorker");
        Assert.Equal("snapshot-worker", taken.Subject);
        Assert.Contains("reportingCycles/q1/snapshot", taken.Change);
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => Env.Snapshots(Roles.Operator).ListAuditRecordsAsync(new ListAuditRecordsRequest()).ResponseAsync);
    }

    [Theory]
    [InlineData("html", "text/html")]
    [InlineData("md", "text/markdown")]
    [InlineData("csv", "text/csv")]
    public async Task The_report_route_serves_the_rendered_report(string extension, string contentType)
    {
        using var http = Env.Reporting.Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For([Roles.Reader]));
        var response = await http.GetAsync($"/reports/q1.{extension}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("M1", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_report_route_says_why_there_is_no_report()
    {
        using var http = Env.Reporting.Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For([Roles.Reader]));
        Assert.Contains("no reporting cycle", (await ProblemAsync(await http.GetAsync("/reports/nope.html"), HttpStatusCode.NotFound)).Detail);
        Assert.Contains("no snapshot", (await ProblemAsync(await http.GetAsync("/reports/planned.html"), HttpStatusCode.NotFound)).Detail);
        Assert.Contains(".html, .md, .csv", (await ProblemAsync(await http.GetAsync("/reports/q1.pdf"), HttpStatusCode.NotFound)).Detail);

        using var anonymous = Env.Reporting.Http();
        await ProblemAsync(await anonymous.GetAsync("/reports/q1.html"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_report_route_never_repeats_the_callers_path_text()
    {
        using var http = Env.Reporting.Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For([Roles.Reader]));
        foreach (var path in new[] { "/reports/%3Cscript%3Ealert(1)%3C%2Fscript%3E.html", "/reports/q1.%3Cb%3Ex%3C%2Fb%3E" })
        {
            var problem = await ProblemAsync(await http.GetAsync(path), HttpStatusCode.NotFound);
            Assert.DoesNotContain("script", problem.Detail);
            Assert.DoesNotContain("<b>", problem.Detail);
        }
    }

    [Fact]
    public async Task GetSnapshot_is_served_as_JSON_on_the_http_port()
    {
        using var http = Env.Reporting.Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For([Roles.Reader]));
        var response = await http.GetAsync("/v1/reportingCycles/q1/snapshot");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"contentSha256\"", json);
        Assert.Contains("reportingCycles/q1/snapshot", json);
    }

    /// <summary>The body of an HTTP error: an RFC 9457 problem with the expected status.</summary>
    public static async Task<Problem> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(Problems.ContentType, response.Content.Headers.ContentType!.MediaType);
        var problem = System.Text.Json.JsonSerializer.Deserialize<Problem>(await response.Content.ReadAsStringAsync())!;
        Assert.Equal((int)status, problem.Status);
        return problem;
    }
}

public sealed class DevelopmentModeTests
{
    [Fact]
    public async Task In_development_mode_the_report_route_needs_no_token()
    {
        await using var host = await TestHost.StartAsync(SuiteComponents.Reporting,
            new Dictionary<string, string?> { ["Auth:Mode"] = "Development", ["OParl:BaseUrl"] = "https://ris.example.de/oparl" });
        using var http = host.Http();
        var problem = await SnapshotsServiceTests.ProblemAsync(await http.GetAsync("/reports/unknown.html"), HttpStatusCode.NotFound);
        Assert.Contains("no reporting cycle", problem.Detail);
    }
}
