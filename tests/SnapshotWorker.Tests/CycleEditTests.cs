using Google.Protobuf.WellKnownTypes;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.ServiceDefaults.Security;

namespace IntegrationServices.SnapshotWorker.Tests;

/// <summary>
/// A coordinator edits a cycle while the worker is taking its snapshot: the attempt that began with the
/// old definition stores nothing, and the next pass takes the snapshot of the cycle as it is now.
/// </summary>
public sealed class CycleEditTests
{
    /// <summary>Edits reportingCycles/q1 while the worker's first attempt reads the statistics.</summary>
    private static CallHook EditQ1During(SnapshotEnvironment env, ReportingCycle edit, params string[] mask) =>
        new("SummarizeAreas", async (call, ct) =>
        {
            if (call != 1) return;
            edit.Name = "reportingCycles/q1";
            await env.Cycles.UpdateReportingCycleAsync(new UpdateReportingCycleRequest { ReportingCycle = edit, UpdateMask = new FieldMask { Paths = { mask } } },
                cancellationToken: ct);
        });

    [Fact]
    public async Task Dates_moved_during_the_attempt_end_it_skipped_and_the_cycle_stays_planned_with_its_new_dates()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 4, 3));
        var hook = EditQ1During(env, new ReportingCycle { ReferenceDate = D(2098, 12, 31), ReportingDate = D(2099, 1, 1) }, "reference_date", "reporting_date");
        var worker = await env.StartWorkerAsync(wrapDemographics: hook.Handler());

        var pass = await Worker(worker).RunOnceAsync(CancellationToken.None);

        Assert.DoesNotContain(pass, a => a.Outcome == Outcome.Succeeded);
        Assert.Equal(0, await env.SnapshotCountAsync("q1"));
        var run = Assert.Single(await env.RunsAsync("q1"));
        Assert.Equal("SKIPPED", run.Outcome);
        Assert.Contains("the cycle changed during the attempt (reference date 2025-03-31 → 2098-12-31, reporting date 2025-04-02 → 2099-01-01)", run.Error);
        var cycle = await env.CycleAsync("q1");
        Assert.Equal((State.Planned, "", D(2098, 12, 31)), (cycle.State, cycle.Snapshot, cycle.ReferenceDate));

        // The next pass uses the cycle as it is: not due before 2099. Moved back, it is taken with its dates.
        Assert.Empty(await Worker(worker).RunOnceAsync(CancellationToken.None));
        await env.Cycles.UpdateReportingCycleAsync(new UpdateReportingCycleRequest
        {
            ReportingCycle = new ReportingCycle { Name = "reportingCycles/q1", ReferenceDate = D(2025, 3, 31), ReportingDate = D(2025, 4, 2) },
            UpdateMask = new FieldMask { Paths = { "reference_date", "reporting_date" } },
        });
        Assert.Equal(Outcome.Succeeded, Assert.Single(await Worker(worker).RunOnceAsync(CancellationToken.None)).Outcome);
        var snapshot = (await env.StoredAsync("q1"))!.ToProto();
        Assert.Equal((D(2025, 3, 31), new DateTime(2025, 4, 2, 22, 0, 0, DateTimeKind.Utc)), (snapshot.ReferenceDate, snapshot.KnownAt.ToDateTime()));
        Assert.Equal(snapshot.KnownAt, (await env.CycleAsync("q1")).KnowledgeCutoff);
    }

    [Fact]
    public async Task A_scope_narrowed_during_the_attempt_is_taken_by_the_next_pass_and_verifies_with_the_snapshots_own_scope()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 4, 3));
        var hook = EditQ1During(env, new ReportingCycle { Scope = { "actionConcepts/idk" } }, "scope");
        var worker = await env.StartWorkerAsync(wrapDemographics: hook.Handler());

        var first = await Worker(worker).RunOnceAsync(CancellationToken.None);
        var second = await Worker(worker).RunOnceAsync(CancellationToken.None);

        Assert.DoesNotContain(first, a => a.Outcome == Outcome.Succeeded);
        Assert.Equal(["SKIPPED", "SUCCEEDED"], (await env.RunsAsync("q1")).Select(r => r.Outcome));
        Assert.Contains("scope all action concepts → actionConcepts/idk", (await env.RunsAsync("q1"))[0].Error);
        Assert.Equal(Outcome.Succeeded, Assert.Single(second).Outcome);
        var snapshot = await env.Snapshots(Roles.Reader).GetSnapshotAsync(new GetSnapshotRequest { Name = "reportingCycles/q1/snapshot" });
        Assert.Equal(["M1", "M2"], snapshot.Measures.Entries.Select(e => e.Code));
        Assert.Equal(["actionConcepts/idk"], snapshot.Scope);
        var verified = await env.Snapshots(Roles.Operator).VerifySnapshotAsync(new VerifySnapshotRequest { Name = "reportingCycles/q1/snapshot" });
        Assert.True(verified.Matches);

        // Recomputed with the snapshot's own scope, whatever the cycle says (a cycle with a snapshot cannot
        // change its scope through the API; here its row is altered underneath).
        await env.QueryReportingAsync(c => Dapper.SqlMapper.ExecuteAsync(c, "UPDATE reporting_cycles SET scope = '[]' WHERE id = 'q1'"));
        Assert.True((await env.Snapshots(Roles.Operator).VerifySnapshotAsync(new VerifySnapshotRequest { Name = "reportingCycles/q1/snapshot" })).Matches);
    }
}
