using IntegrationServices.Reporting.Core.Application;

namespace IntegrationServices.SnapshotWorker.Tests;

/// <summary>
/// An attempt that takes longer than <c>Worker:AbandonAfter</c> (15 minutes) but is alive: its heartbeat
/// keeps its run from being closed by another replica, and its commit finishes its own run.
/// </summary>
public sealed class HeartbeatTests
{
    [Fact]
    public async Task A_live_attempt_that_outlives_AbandonAfter_is_not_closed_by_another_replica_and_leaves_one_succeeded_run()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 4, 3));
        var other = new AttemptPolicy("replica-b", TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        var closedByOther = -1;
        // While the attempt reads the statistics, 16 minutes pass in steps of 4 (its heartbeat beats every
        // 3¾); after each step the test waits (bounded) until the beat is written. Then another replica's
        // pass looks for abandoned runs.
        var hold = new CallHook("SummarizeAreas", async (call, ct) =>
        {
            if (call != 1) return;
            for (var step = 0; step < 4; step++)
            {
                env.Clock.Advance(TimeSpan.FromMinutes(4));
                await HeartbeatReachesAsync(env, env.Clock.GetUtcNow().UtcDateTime);
            }
            closedByOther = await env.Producer.AbandonLeftoverRunsAsync(other, ct);
        });
        var worker = await env.StartWorkerAsync(workerId: "replica-a", wrapDemographics: hold.Handler());
        var started = env.Clock.GetUtcNow().UtcDateTime;

        var attempt = Assert.Single(await Worker(worker).RunOnceAsync(CancellationToken.None));

        Assert.Equal(0, closedByOther);
        Assert.Equal(Outcome.Succeeded, attempt.Outcome);
        var run = Assert.Single(await env.RunsAsync("q1"));
        Assert.Equal(("SUCCEEDED", "replica-a", (string?)null), (run.Outcome, run.Worker, run.Error));
        Assert.True(run.HeartbeatTime >= started + TimeSpan.FromMinutes(16), $"last heartbeat {run.HeartbeatTime:u}");
        Assert.Equal(run.Id, (await env.StoredAsync("q1"))!.RunId);
    }

    private static async Task HeartbeatReachesAsync(SnapshotEnvironment env, DateTime time)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await env.RunsAsync("q1")).Single().HeartbeatTime < time)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the running attempt did not renew its heartbeat to {time:u}");
            await Task.Delay(20);
        }
    }
}

/// <summary>Worker:AbandonAfter shorter than an attempt can take would let a live run be closed: the worker does not start.</summary>
public sealed class AbandonAfterTests
{
    [Fact]
    public async Task A_worker_whose_AbandonAfter_is_shorter_than_the_longest_attempt_does_not_start_and_says_why()
    {
        await using var env = await StartAsync();

        var refused = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => env.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["Worker:AbandonAfter"] = "00:02:00",
            ["Snapshots:CallTimeout"] = "00:01:00",
        }));

        Assert.Contains("Worker:AbandonAfter (00:02:00) is shorter than the longest a snapshot attempt can take", refused.Message);
    }
}
