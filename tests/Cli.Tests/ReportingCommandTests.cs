using IntegrationServices.Cli;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Domain.Reports;
using Format = IntegrationServices.Contracts.Reporting.V1.RenderReportRequest.Types.Format;

namespace IntegrationServices.Cli.Tests;

/// <summary><c>cycles list|get|plan</c>, <c>snapshots list|get|verify|runs</c> and <c>report save</c>.</summary>
public sealed class ReportingCommandTests(CliFixture cli) : IClassFixture<CliFixture>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cli-report-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Cycles_list_get_and_plan_idempotently()
    {
        var list = ListReportingCyclesResponse.Parser.ParseJson((await cli.RunAsync("cycles", "list", "--json")).Succeeded().Out);
        Assert.Equal(["reportingCycles/q1", "reportingCycles/q2", "reportingCycles/q3"], list.ReportingCycles.Select(c => c.Name).Take(3));
        var text = (await cli.RunAsync("cycles", "list", "--filter", "state = SNAPSHOT_TAKEN")).Succeeded();
        Assert.Contains("reportingCycles/q2", text.Out);
        Assert.Contains("SNAPSHOT_TAKEN", text.Out);

        var q1 = ReportingCycle.Parser.ParseJson((await cli.RunAsync("cycles", "get", "q1", "--json")).Succeeded().Out);
        Assert.Equal(("reportingCycles/q1", ReportingCycle.Types.State.SnapshotTaken), (q1.Name, q1.State));
        Assert.Contains("2025-03-31", (await cli.RunAsync("cycles", "get", "reportingCycles/q1")).Succeeded().Out);

        string[] plan = ["cycles", "plan", "--first-reference-date", "2030-12-31", "--count", "2", "--reporting-offset-months", "1", "--id-prefix", "cli-", "--json"];
        var first = PlanRecurringCyclesResponse.Parser.ParseJson((await cli.RunAsync(plan)).Succeeded().Out);
        Assert.Equal(2, first.CreatedCount);
        Assert.Equal(["reportingCycles/cli-2030", "reportingCycles/cli-2031"], first.ReportingCycles.Select(c => c.Name));
        var second = PlanRecurringCyclesResponse.Parser.ParseJson((await cli.RunAsync(plan)).Succeeded().Out);
        Assert.Equal(0, second.CreatedCount);
        Assert.Equal(D(2031, 1, 31), first.ReportingCycles[0].ReportingDate);

        Assert.StartsWith("NOT_FOUND", (await cli.RunAsync("cycles", "get", "nope")).FailedInOneLine(IntegrationCli.Failure));
    }

    [Fact]
    public async Task Snapshots_list_get_verify_and_runs()
    {
        var list = ListSnapshotsResponse.Parser.ParseJson((await cli.RunAsync("snapshots", "list", "--json")).Succeeded().Out);
        Assert.Equal(3, list.Snapshots.Count);
        var q2 = Snapshot.Parser.ParseJson((await cli.RunAsync("snapshots", "get", "q2", "--json")).Succeeded().Out);
        Assert.Equal("reportingCycles/q2/snapshot", q2.Name);
        Assert.Contains(q2.ContentSha256, (await cli.RunAsync("snapshots", "get", "reportingCycles/q2")).Succeeded().Out);
        Assert.Contains(q2.ContentSha256, (await cli.RunAsync("snapshots", "list")).Succeeded().Out);

        var verified = VerifySnapshotResponse.Parser.ParseJson((await cli.RunAsync("snapshots", "verify", "q2", "--json")).Succeeded().Out);
        Assert.True(verified.Matches);
        Assert.Equal(q2.ContentSha256, verified.StoredSha256);
        Assert.Contains("verified", (await cli.RunAsync("snapshots", "verify", "q2")).Succeeded().Out);

        var runs = ListSnapshotRunsResponse.Parser.ParseJson((await cli.RunAsync("snapshots", "runs", "q1", "--json")).Succeeded().Out);
        Assert.All(runs.SnapshotRuns, r => Assert.Equal("reportingCycles/q1", r.Cycle));
        Assert.Contains(runs.SnapshotRuns, r => r.Outcome == SnapshotRun.Types.Outcome.Succeeded);
        var all = (await cli.RunAsync("snapshots", "runs", "--filter", "outcome = SUCCEEDED")).Succeeded();
        Assert.Contains("reportingCycles/q3/snapshotRuns/", all.Out);

        var reader = IntegrationServices.Testing.TestTokens.For([IntegrationServices.ServiceDefaults.Security.Roles.Reader]);
        Assert.StartsWith("PERMISSION_DENIED", (await cli.RunAsync("snapshots", "verify", "q2", "--token", reader)).FailedInOneLine(IntegrationCli.Failure));
    }

    [Theory]
    [InlineData("html", "<!DOCTYPE html>")]
    [InlineData("md", "# ")]
    [InlineData("csv", "Berichtszyklus;Stichtag;Nr.;Maßnahme")]
    public async Task Report_save_writes_the_rendered_report(string format, string marker)
    {
        var file = Path.Combine(_directory, "report." + format);
        var result = (await cli.RunAsync("report", "save", "q3", "--format", format, "--output", file)).Succeeded();
        Assert.Contains(file, result.Out);
        Assert.Contains(marker, await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task Report_save_xlsx_writes_a_workbook()
    {
        var file = Path.Combine(_directory, "report.xlsx");
        (await cli.RunAsync("report", "save", "q3", "--format", "xlsx", "--output", file)).Succeeded();
        Assert.Equal("PK"u8.ToArray(), (await File.ReadAllBytesAsync(file))[..2]); // a zip container
        Assert.StartsWith("NOT_FOUND", (await cli.RunAsync("report", "save", "cli-none", "--format", "html", "--output", file)).FailedInOneLine(IntegrationCli.Failure));
    }
}
