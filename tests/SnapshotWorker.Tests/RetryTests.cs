using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.SnapshotWorker.Tests;

/// <summary>
/// Dependencies that are down: attempts fail with their runs recorded, the cycle waits a backoff that
/// grows per failure in a row (across passes, visible in ListSnapshotRuns), and the worker keeps going.
/// </summary>
public sealed class RetryTests
{
    [Fact]
    public async Task A_failing_cycle_is_retried_with_growing_capped_delays_across_passes()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 4, 3));
        // Backoff: 1 s doubled per failure in a row, at most 10 s (SnapshotEnvironment's worker settings).
        var worker = await env.StartWorkerAsync();
        env.MeasuresSwitch.Down = true;

        var delays = new List<TimeSpan>();
        while (delays.Count < 6)
        {
            var now = env.Clock.GetUtcNow().UtcDateTime;
            var failed = Assert.Single(await Worker(worker).RunOnceAsync(CancellationToken.None));
            Assert.Equal(Outcome.Failed, failed.Outcome);
            Assert.StartsWith("Unavailable", failed.Reason);
            delays.Add(failed.NextAttemptTime!.Value - now);
            // Passes before the backoff has passed leave the cycle alone.
            env.Clock.Advance(failed.NextAttemptTime.Value - now - TimeSpan.FromMilliseconds(1));
            Assert.Empty(await Worker(worker).RunOnceAsync(CancellationToken.None));
            env.Clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal([1, 2, 4, 8, 10, 10], delays.Select(d => d.TotalSeconds));
        var listed = (await env.Snapshots(Roles.Operator).ListSnapshotRunsAsync(new ListSnapshotRunsRequest { Parent = "reportingCycles/q1" })).SnapshotRuns;
        Assert.Equal(6, listed.Count);
        Assert.All(listed, r => Assert.Equal(Outcome.Failed, r.Outcome));
        Assert.Equal(delays, listed.Select(r => r.NextAttemptTime.ToDateTime() - r.EndTime.ToDateTime()));
        Assert.Equal(State.Planned, (await env.CycleAsync("q1")).State);

        env.MeasuresSwitch.Down = false;
        var next = Assert.Single(await Worker(worker).RunOnceAsync(CancellationToken.None));
        Assert.Equal(Outcome.Succeeded, next.Outcome);
        var last = (await env.RunsAsync("q1"))[^1];
        Assert.Equal(("SUCCEEDED", (DateTime?)null), (last.Outcome, last.NextAttemptTime));
    }

    [Fact]
    public async Task A_read_that_fails_ends_the_attempt_at_once_and_cancels_the_reads_still_running()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 4, 3));
        // The reads run at once: SummarizeAreas is under way (held by the test, at most a minute) when the
        // measures turn out to be unreachable; the attempt must end with the measures' failure, not wait.
        // The measures fail only once SummarizeAreas is in flight, whichever read the attempt happens to send first.
        var summaryStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var summaryCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hold = new CallHook("SummarizeAreas", async (_, ct) =>
        {
            summaryStarted.TrySetResult();
            try { await Task.Delay(TimeSpan.FromMinutes(1), ct); }
            catch (OperationCanceledException) { summaryCancelled.TrySetResult(); throw; }
        });
        var worker = await env.StartWorkerAsync(wrapDemographics: hold.Handler());
        env.MeasuresSwitch.Gate = summaryStarted.Task.WaitAsync(TimeSpan.FromMinutes(1));
        env.MeasuresSwitch.Down = true;

        var attempt = Assert.Single(await Worker(worker).RunOnceAsync(CancellationToken.None));

        Assert.True(summaryCancelled.Task.IsCompleted, "the SummarizeAreas call still in flight was not cancelled with the attempt");
        Assert.Equal(Outcome.Failed, attempt.Outcome);
        Assert.StartsWith("Unavailable", attempt.Reason);
        Assert.Equal("FAILED", Assert.Single(await env.RunsAsync("q1")).Outcome);
        Assert.Null(await env.StoredAsync("q1"));
    }

    [Fact]
    public async Task A_later_read_that_fails_ends_the_attempt_at_once_while_the_measures_are_still_streaming()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 4, 3));
        // The measures read is held (a minute, unless it is cancelled) when SummarizeAreas turns out unreachable:
        // the attempt must end with the demographics' failure at once, not after the measures read.
        var measuresHeld = Task.Delay(TimeSpan.FromMinutes(1));
        env.MeasuresSwitch.Gate = measuresHeld;
        var unreachable = new CallHook("SummarizeAreas", (_, _) => Task.FromException(CallHook.Unreachable()));
        var worker = await env.StartWorkerAsync(wrapDemographics: unreachable.Handler());

        var attempt = Assert.Single(await Worker(worker).RunOnceAsync(CancellationToken.None));

        Assert.False(measuresHeld.IsCompleted, "the attempt waited for the measures read before it reported the failed one");
        Assert.Equal(Outcome.Failed, attempt.Outcome);
        Assert.StartsWith("Unavailable", attempt.Reason);
        Assert.Contains("the test's hook", attempt.Reason); // the demographics failure, not the measures read it cancelled
        Assert.Null(await env.StoredAsync("q1"));
    }

    [Fact]
    public async Task An_unreachable_address_fails_the_attempt_and_not_the_worker()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 4, 3));
        var worker = await env.StartWorkerAsync(settings: new Dictionary<string, string?>
        {
            ["Snapshots:MeasuresAddress"] = "http://127.0.0.1:1",
        }, testServers: false);

        var attempt = Assert.Single(await Worker(worker).RunOnceAsync(CancellationToken.None));

        Assert.Equal(Outcome.Failed, attempt.Outcome);
        var run = Assert.Single(await env.RunsAsync("q1"));
        Assert.Equal("FAILED", run.Outcome);
        Assert.StartsWith("Unavailable", run.Error);
    }

    [Fact]
    public async Task The_polling_loop_keeps_running_through_failures_and_wakes_when_the_backoff_ends_not_at_the_next_poll()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 4, 3));
        env.MeasuresSwitch.Down = true;
        var host = await env.StartWorkerAsync(settings: new Dictionary<string, string?>
        {
            ["Worker:Enabled"] = "true",
            ["Worker:PollInterval"] = "01:00:00",
        });
        var start = env.Clock.GetUtcNow();

        // Whenever the worker waits, the clock moves on by ten seconds (the longest backoff here): the loop
        // must come back when the backoff ends (1, 2, 4 … s), not after the hour of its poll interval.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await env.RunsAsync("q1")).Count(r => r.Outcome == "FAILED") < 4)
        {
            Assert.True(DateTime.UtcNow < deadline, "the worker stopped making attempts");
            if (await env.Clock.TimerCreatedAsync()) env.Clock.Advance(TimeSpan.FromSeconds(10));
        }
        env.MeasuresSwitch.Down = false;
        while (await env.SnapshotCountAsync("q1") == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the worker did not recover");
            if (await env.Clock.TimerCreatedAsync()) env.Clock.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.True(env.Clock.GetUtcNow() - start < TimeSpan.FromMinutes(10), $"the worker took until {env.Clock.GetUtcNow():u} (from {start:u})");
        Assert.Equal(State.SnapshotTaken, (await env.CycleAsync("q1")).State);
        var metrics = host.Services.GetRequiredService<SnapshotWorkerMetrics>();
        Assert.True(metrics.LastSuccessUnixSeconds > 0);
    }
}
