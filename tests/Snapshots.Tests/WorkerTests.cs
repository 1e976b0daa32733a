using Dapper;
using Grpc.Health.V1;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Snapshots;
using IntegrationServices.SnapshotWorker;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;
using static Snapshots.Tests.SnapshotEnvironment;

namespace Snapshots.Tests;

public sealed class WorkerTests
{
    /// <summary>After the third quarter's cut-off: all three quarters are due.</summary>
    private static readonly DateTimeOffset AfterQ3 = Utc(2025, 10, 10);

    [Fact]
    public async Task Two_concurrent_workers_take_each_snapshot_exactly_once()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 8, 2));
        for (var month = 1; month <= 5; month++)
            await env.CreateCycleAsync($"extra-{month}", D(2025, month, 15), D(2025, month, 20));
        env.Clock.MoveTo(AfterQ3);
        var meet = new Rendezvous();
        var one = await env.StartWorkerAsync(meet, workerId: "worker-a");
        var two = await env.StartWorkerAsync(meet, workerId: "worker-b");

        var passes = await Task.WhenAll(Worker(one).RunOnceAsync(CancellationToken.None), Worker(two).RunOnceAsync(CancellationToken.None));

        string[] cycles = ["q1", "q2", "q3", "extra-1", "extra-2", "extra-3", "extra-4", "extra-5"];
        Assert.Equal(cycles.Length * 2, passes.Sum(p => p.Count));
        foreach (var id in cycles)
        {
            Assert.Equal(1, await env.SnapshotCountAsync(id));
            var cycle = await env.CycleAsync(id);
            Assert.Equal(State.SnapshotTaken, cycle.State);
            Assert.Equal($"reportingCycles/{id}/snapshot", cycle.Snapshot);
            var runs = await env.RunsAsync(id);
            Assert.Equal(2, runs.Count);
            Assert.Single(runs, r => r.Outcome == "SUCCEEDED");
            Assert.Single(runs, r => r.Outcome == "SKIPPED");
            Assert.Equal(["worker-a", "worker-b"], runs.Select(r => r.Worker!).Order());
        }
    }

    [Theory]
    [InlineData(SnapshotStep.MeasuresRead)]
    [InlineData(SnapshotStep.DemographicsRead)]
    [InlineData(SnapshotStep.Aggregated)]
    [InlineData(SnapshotStep.BeforeCommit)]
    public async Task A_crash_between_steps_leaves_nothing_and_the_retry_gives_the_same_hash(SnapshotStep step)
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 4, 3));
        var worker = await env.StartWorkerAsync(new CrashOnce(step));
        var q1 = (await env.Store.DueCyclesAsync(CancellationToken.None)).Single();
        var expected = await env.Reporting.Services.GetRequiredService<SnapshotAggregator>().ComputeAsync(q1.Input, null, CancellationToken.None);

        var first = await Worker(worker).RunOnceAsync(CancellationToken.None);

        Assert.Empty(first);
        Assert.Equal(0, await env.SnapshotCountAsync("q1"));
        var cycle = await env.CycleAsync("q1");
        Assert.Equal(State.Planned, cycle.State);
        Assert.Equal("", cycle.Snapshot);
        var failed = Assert.Single(await env.RunsAsync("q1"));
        Assert.Equal("FAILED", failed.Outcome);
        Assert.Contains($"simulated crash at {step}", failed.Error);

        var second = Assert.Single(await Worker(worker).RunOnceAsync(CancellationToken.None));
        Assert.Equal(Outcome.Succeeded, second.Outcome);
        Assert.Equal(expected.Sha256, second.Sha256);
        var stored = await env.Store.GetAsync("q1", CancellationToken.None);
        Assert.Equal(expected.Content, stored!.Content);
        Assert.Equal(State.SnapshotTaken, (await env.CycleAsync("q1")).State);
    }

    [Fact]
    public async Task A_run_left_running_by_a_crashed_worker_is_closed_as_abandoned()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 4, 3));
        var crashed = await env.Store.StartRunAsync("q1", "crashed-worker", TimeSpan.FromMinutes(15), CancellationToken.None);
        env.Clock.Advance(TimeSpan.FromMinutes(20));
        var worker = await env.StartWorkerAsync();

        var attempt = Assert.Single(await Worker(worker).RunOnceAsync(CancellationToken.None));

        Assert.Equal(Outcome.Succeeded, attempt.Outcome);
        var runs = await env.RunsAsync("q1");
        Assert.Equal(2, runs.Count);
        Assert.Equal(crashed, runs[0].Id);
        Assert.Equal("FAILED", runs[0].Outcome);
        Assert.StartsWith("abandoned", runs[0].Error);
        Assert.Equal("SUCCEEDED", runs[1].Outcome);
    }

    [Fact]
    public async Task A_fresh_run_of_another_worker_is_not_taken_for_abandoned()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 4, 3));
        await env.Store.StartRunAsync("q1", "busy-worker", TimeSpan.FromMinutes(15), CancellationToken.None);
        var worker = await env.StartWorkerAsync();

        await Worker(worker).RunOnceAsync(CancellationToken.None);

        Assert.Equal(["RUNNING", "SUCCEEDED"], (await env.RunsAsync("q1")).Select(r => r.Outcome));

        // Had that worker died, a later pass closes its run once it is stale, although q1 is done.
        env.Clock.Advance(TimeSpan.FromMinutes(16));
        await Worker(worker).RunOnceAsync(CancellationToken.None);
        var runs = await env.RunsAsync("q1");
        Assert.Equal(["FAILED", "SUCCEEDED"], runs.Select(r => r.Outcome));
        Assert.StartsWith("abandoned", runs[0].Error);
    }

    [Fact]
    public async Task A_late_snapshot_is_identical_to_one_taken_on_time()
    {
        await using var env = await StartAsync();
        // On time: the morning after the reporting date (cut-off 2025-04-02 22:00 UTC).
        await env.SeedUntilAsync(Utc(2025, 4, 3, 8));
        var q1 = (await env.Store.DueCyclesAsync(CancellationToken.None)).Single();
        Assert.Equal(new DateTime(2025, 4, 2, 22, 0, 0, DateTimeKind.Utc), q1.KnownAt);
        var aggregator = env.Reporting.Services.GetRequiredService<SnapshotAggregator>();
        var onTime = await aggregator.ComputeAsync(q1.Input, null, CancellationToken.None);

        // After the cut-off: a new status, a correction of an old status, a renamed measure, a new
        // measure adopted long ago, a revised statistic.
        env.Clock.MoveTo(Utc(2025, 4, 5));
        await env.StatusAsync("M1", MeasureStatus.Implemented, 100, D(2025, 3, 30));
        await env.StatusAsync("M2", MeasureStatus.Discontinued, 50, D(2025, 2, 1));
        await env.MeasuresAdmin.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = env.MeasureNames["M3"], Title = "Umbenannt nach dem Stichtag (Beispiel)" },
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "title" } },
        });
        await env.CreateMeasureAsync("M9", "idk", 5, "50", D(2024, 1, 1));
        await env.ObservationsAsync(D(2024, 12, 31), ("0", 250500, 40100, 70200));

        // The late data is really there for anyone asking without the cut-off.
        var now = await aggregator.ComputeAsync(q1.Input with { KnownAt = env.Clock.GetUtcNow().UtcDateTime }, null, CancellationToken.None);
        Assert.NotEqual(onTime.Sha256, now.Sha256);
        Assert.Equal(5, now.MeasureCount);

        // Days late: the worker was down until 2025-04-10.
        env.Clock.MoveTo(Utc(2025, 4, 10));
        var worker = await env.StartWorkerAsync();
        var attempt = Assert.Single(await Worker(worker).RunOnceAsync(CancellationToken.None));

        Assert.Equal(Outcome.Succeeded, attempt.Outcome);
        Assert.Equal(onTime.Sha256, attempt.Sha256);
        var stored = await env.Store.GetAsync("q1", CancellationToken.None);
        Assert.Equal(onTime.Content, stored!.Content);
        var snapshot = stored.ToProto();
        Assert.Equal(4, snapshot.Measures.Total);
        var m1 = snapshot.Measures.Entries.Single(e => e.Code == "M1");
        Assert.Equal(MeasureStatus.InProgress, m1.Status);
        Assert.Equal(60, m1.ProgressPercent);
        Assert.Equal(MeasureStatus.InProgress, snapshot.Measures.Entries.Single(e => e.Code == "M2").Status);
        Assert.Equal("Maßnahme M3 (Beispiel)", snapshot.Measures.Entries.Single(e => e.Code == "M3").Title);
        Assert.Equal(250000, snapshot.Demographics.City.PopulationTotal);
    }

    [Fact]
    public async Task Missed_cycles_are_caught_up_oldest_first_with_changes_against_the_previous()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(AfterQ3);
        var worker = await env.StartWorkerAsync();

        var attempts = await Worker(worker).RunOnceAsync(CancellationToken.None);

        Assert.Equal(["q1", "q2", "q3"], attempts.Select(a => a.CycleId));
        Assert.All(attempts, a => Assert.Equal(Outcome.Succeeded, a.Outcome));
        Assert.Equal(attempts.Select(a => a.RunId).Order(), attempts.Select(a => a.RunId));
        var q1 = (await env.Store.GetAsync("q1", CancellationToken.None))!.ToProto();
        var q2 = (await env.Store.GetAsync("q2", CancellationToken.None))!.ToProto();
        var q3 = (await env.Store.GetAsync("q3", CancellationToken.None))!.ToProto();

        Assert.Equal("", q1.Changes.Base);
        Assert.Equal(4, q1.Measures.Total);
        Assert.Equal(2, Status(q1, MeasureStatus.InProgress));
        Assert.Equal(52.5, q1.Measures.AverageProgressPercent);
        Assert.Equal(["1", "2", "3", "8"], q1.Measures.ByFieldOfAction.Select(g => g.Key));
        Assert.Equal(["actionConcepts/fluechtlinge", "actionConcepts/idk"], q1.Measures.ByActionConcept.Select(g => g.Key));
        Assert.Equal("Integration durch Konsens", q1.Measures.ByActionConcept[1].Title);
        Assert.Equal("50 Fachbereich Soziales und Gesundheit", q1.Measures.ByResponsibleUnit[0].Title);
        Assert.False(string.IsNullOrEmpty(q1.Measures.ByFieldOfAction[0].Title));

        Assert.Equal("reportingCycles/q1/snapshot", q2.Changes.Base);
        var change = Assert.Single(q2.Changes.StatusChanges);
        Assert.Equal(("M1", MeasureStatus.InProgress, MeasureStatus.Implemented, 60, 100),
            (change.Code, change.OldStatus, change.NewStatus, change.OldProgressPercent, change.NewProgressPercent));
        Assert.Equal("M5", Assert.Single(q2.Changes.NewMeasures).Code);
        Assert.Equal("M4", Assert.Single(q2.Changes.RetiredMeasures).Code);
        var population = q2.Changes.IndicatorDeltas.Single(d => d.Area == "areas/0" && d.Indicator == "population_total");
        Assert.Equal((250000, 251000, 1000), (population.BaseValue, population.TargetValue, population.Delta));
        Assert.Equal("areas/0", q2.Changes.IndicatorDeltas[0].Area);

        Assert.Equal("reportingCycles/q2/snapshot", q3.Changes.Base);
        Assert.Equal("M2", Assert.Single(q3.Changes.StatusChanges).Code);

        Assert.Empty(await Worker(worker).RunOnceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_cycle_that_keeps_failing_does_not_block_the_others()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(AfterQ3);
        var worker = await env.StartWorkerAsync(new AlwaysFails("q1"));

        var first = await Worker(worker).RunOnceAsync(CancellationToken.None);
        var second = await Worker(worker).RunOnceAsync(CancellationToken.None);

        Assert.Equal(["q2", "q3"], first.Select(a => a.CycleId));
        Assert.Empty(second);
        Assert.Equal(["FAILED", "FAILED"], (await env.RunsAsync("q1")).Select(r => r.Outcome));
        Assert.Equal(State.Planned, (await env.CycleAsync("q1")).State);
    }

    private sealed class AlwaysFails(string cycleId) : ISnapshotFaultInjector
    {
        public ValueTask OnStepAsync(SnapshotStep step, string cycle, CancellationToken ct) =>
            cycle == cycleId && step == SnapshotStep.MeasuresRead
                ? throw new InvalidOperationException("this cycle always fails")
                : ValueTask.CompletedTask;
    }

    private static int Status(Snapshot s, MeasureStatus status) => s.Measures.ByStatus.Single(c => c.Status == status).Count;

    [Fact]
    public async Task A_scoped_cycle_holds_only_its_action_concepts()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 3, 1));
        await env.CreateCycleAsync("idk-only", D(2025, 3, 31), D(2025, 4, 2), "actionConcepts/idk");
        env.Clock.MoveTo(Utc(2025, 4, 3));
        var worker = await env.StartWorkerAsync();

        await Worker(worker).RunOnceAsync(CancellationToken.None);

        var snapshot = (await env.Store.GetAsync("idk-only", CancellationToken.None))!.ToProto();
        Assert.Equal(["M1", "M2"], snapshot.Measures.Entries.Select(e => e.Code));
        Assert.Equal(4, (await env.Store.GetAsync("q1", CancellationToken.None))!.ToProto().Measures.Total);
    }

    [Fact]
    public async Task A_dependency_that_is_down_is_retried_with_failed_runs_until_it_is_back()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 4, 3));
        var worker = await env.StartWorkerAsync();
        env.MeasuresSwitch.Down = true;

        var pass = await env.Clock.DriveAsync(Worker(worker).RunOnceAsync(CancellationToken.None), TimeSpan.FromSeconds(10));

        Assert.Empty(pass);
        var runs = await env.RunsAsync("q1");
        Assert.True(runs.Count == 3, string.Join("; ", runs.Select(r => $"{r.Outcome} {r.Error}"))); // the attempt and two retries
        Assert.All(runs, r => Assert.Equal("FAILED", r.Outcome));
        Assert.All(runs, r => Assert.StartsWith("Unavailable", r.Error));
        Assert.Equal(State.Planned, (await env.CycleAsync("q1")).State);

        env.MeasuresSwitch.Down = false;
        var next = Assert.Single(await env.Clock.DriveAsync(Worker(worker).RunOnceAsync(CancellationToken.None), TimeSpan.FromSeconds(10)));
        Assert.Equal(Outcome.Succeeded, next.Outcome);
        Assert.Equal("SUCCEEDED", (await env.RunsAsync("q1")).Last().Outcome);
    }

    [Fact]
    public async Task An_unreachable_address_fails_the_attempt_and_not_the_worker()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 4, 3));
        var worker = await env.StartWorkerAsync(settings: new Dictionary<string, string?>
        {
            ["Snapshots:MeasuresAddress"] = "http://127.0.0.1:1",
            ["Worker:MaxRetryAttempts"] = "1",
        }, testHandlers: false);

        var pass = await env.Clock.DriveAsync(Worker(worker).RunOnceAsync(CancellationToken.None), TimeSpan.FromSeconds(10));

        Assert.Empty(pass);
        var runs = await env.RunsAsync("q1");
        Assert.Equal(2, runs.Count);
        Assert.All(runs, r => Assert.Equal("FAILED", r.Outcome));
        Assert.All(runs, r => Assert.StartsWith("Unavailable", r.Error));
    }

    [Fact]
    public async Task The_polling_loop_keeps_running_through_failures_and_takes_the_snapshot_when_the_dependency_is_back()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 4, 3));
        env.MeasuresSwitch.Down = true;
        var host = await env.StartWorkerAsync(settings: new Dictionary<string, string?>
        {
            ["Worker:Enabled"] = "true",
            ["Worker:PollInterval"] = "00:01:00",
            ["Worker:MaxRetryAttempts"] = "1",
        });

        // Let passes fail until at least four failed attempts are recorded, then bring Measures back.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await env.RunsAsync("q1")).Count(r => r.Outcome == "FAILED") < 4)
        {
            Assert.True(DateTime.UtcNow < deadline, "the worker stopped making attempts");
            if (await env.Clock.TimerCreatedAsync()) env.Clock.Advance(TimeSpan.FromMinutes(1));
        }
        env.MeasuresSwitch.Down = false;
        while (await env.SnapshotCountAsync("q1") == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the worker did not recover");
            if (await env.Clock.TimerCreatedAsync()) env.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(State.SnapshotTaken, (await env.CycleAsync("q1")).State);
        var metrics = host.Services.GetRequiredService<SnapshotWorkerMetrics>();
        Assert.True(metrics.LastSuccessUnixSeconds > 0);
    }

    [Fact]
    public async Task Health_is_serving_with_the_database_and_not_serving_without_it()
    {
        await using var env = await StartAsync();
        var good = await env.StartWorkerAsync();
        var missing = Path.Combine(Path.GetTempPath(), "integration-tests", Guid.NewGuid().ToString("N"), "no-such-dir", "reporting.db");
        var bad = await env.StartWorkerAsync(settings: new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = $"Data Source={missing};Mode=ReadWrite",
        });

        var ok = await new Health.HealthClient(good.Invoker()).CheckAsync(new HealthCheckRequest { Service = SnapshotWorkerExtensions.Identity.GrpcServiceName });
        var down = await new Health.HealthClient(bad.Invoker()).CheckAsync(new HealthCheckRequest { Service = "" });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, ok.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, down.Status);
        // Polling is off on this host (Worker:Enabled=false), so a pass is run by hand: against the
        // missing database it fails at its first query (AbandonStaleRunsAsync opening the SQLite file with
        // Mode=ReadWrite) and hands the error to its caller; the polling loop is what would catch and log it.
        await Assert.ThrowsAnyAsync<Microsoft.Data.Sqlite.SqliteException>(() => Worker(bad).RunOnceAsync(CancellationToken.None));
    }
}

