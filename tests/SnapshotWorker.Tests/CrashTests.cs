using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.Reporting.Core.Domain;

namespace IntegrationServices.SnapshotWorker.Tests;

/// <summary>An attempt that ends half-way (a drill's fault point, a crashed replica) leaves nothing partial, and the next one gives the same snapshot.</summary>
public sealed class CrashTests
{
    [Theory]
    [InlineData(SnapshotStep.MeasuresRead)]
    [InlineData(SnapshotStep.DemographicsRead)]
    [InlineData(SnapshotStep.Aggregated)]
    [InlineData(SnapshotStep.BeforeCommit)]
    public async Task A_failure_at_a_fault_point_leaves_nothing_and_the_next_worker_gives_the_same_hash(SnapshotStep step)
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 4, 3));
        var drill = await env.StartWorkerAsync(new Dictionary<string, string?> { ["Snapshots:FaultPoint"] = step.ToString(), ["Snapshots:FaultMode"] = "Fail" });
        var q1 = (await env.Producer.DueCyclesAsync(TimeSpan.FromMinutes(2), CancellationToken.None)).Single();
        var expected = await env.Computation.ComputeAsync(q1.Input(SnapshotAggregator.Latest), null, CancellationToken.None);

        var first = Assert.Single(await Worker(drill).RunOnceAsync(CancellationToken.None));

        Assert.Equal(Outcome.Failed, first.Outcome);
        Assert.Equal(0, await env.SnapshotCountAsync("q1"));
        var cycle = await env.CycleAsync("q1");
        Assert.Equal(State.Planned, cycle.State);
        Assert.Equal("", cycle.Snapshot);
        var failed = Assert.Single(await env.RunsAsync("q1"));
        Assert.Equal("FAILED", failed.Outcome);
        Assert.Contains($"fault point {step}", failed.Error);

        // The worker as it runs without the drill, once the backoff after the failure has passed.
        env.Clock.MoveTo(first.NextAttemptTime!.Value);
        var worker = await env.StartWorkerAsync();
        var second = Assert.Single(await Worker(worker).RunOnceAsync(CancellationToken.None));
        Assert.Equal(Outcome.Succeeded, second.Outcome);
        Assert.Equal(expected.Sha256, second.Sha256);
        var stored = await env.StoredAsync("q1");
        Assert.Equal(expected.Content, stored!.Content);
        Assert.Equal(State.SnapshotTaken, (await env.CycleAsync("q1")).State);
    }

    [Fact]
    public async Task A_run_left_running_by_a_crashed_worker_is_closed_as_abandoned()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 4, 3));
        var crashed = await env.Producer.StartRunAsync("q1", "crashed-worker", CancellationToken.None);
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
        await env.Producer.StartRunAsync("q1", "busy-worker", CancellationToken.None);
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
}
