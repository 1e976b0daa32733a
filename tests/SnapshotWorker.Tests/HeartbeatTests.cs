using System.Diagnostics.Metrics;
using IntegrationServices.Reporting.Core.Application;
using Microsoft.Extensions.DependencyInjection;

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
        // The attempt reads measures and statistics at once; the clock may jump only once the Measures service
        // has finished streaming, or the jump would end that stream at the server's Api:MaxStreamDuration.
        using var measuresStreamed = StreamMeasuresEnded(env);
        // While the attempt reads the statistics, 16 minutes pass in steps of 4 (its heartbeat beats every
        // 3¾); after each step the test waits (bounded) until the beat is written. Then another replica's
        // pass looks for abandoned runs.
        var hold = new CallHook("SummarizeAreas", async (call, ct) =>
        {
            if (call != 1) return;
            await measuresStreamed.Ended.WaitAsync(TimeSpan.FromSeconds(60), ct);
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
        Assert.True(attempt.Outcome == Outcome.Succeeded, $"the attempt ended {attempt.Outcome}: {attempt.Reason}");
        var run = Assert.Single(await env.RunsAsync("q1"));
        Assert.Equal(("SUCCEEDED", "replica-a", (string?)null), (run.Outcome, run.Worker, run.Error));
        Assert.True(run.HeartbeatTime >= started + TimeSpan.FromMinutes(16), $"last heartbeat {run.HeartbeatTime:u}");
        Assert.Equal(run.Id, (await env.StoredAsync("q1"))!.RunId);
    }

    private sealed record StreamEnd(MeterListener Listener, Task Ended) : IDisposable
    {
        public void Dispose() => Listener.Dispose();
    }

    /// <summary>Completes when this environment's Measures service has recorded the end of a StreamMeasures call (its rpc.server.duration).</summary>
    private static StreamEnd StreamMeasuresEnded(SnapshotEnvironment env)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var measuresMeters = env.Measures.Services.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "rpc.server.duration" && ReferenceEquals(instrument.Meter.Scope, measuresMeters)) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "rpc.method" && Equals(tag.Value, "StreamMeasures")) ended.TrySetResult();
        });
        listener.Start();
        return new StreamEnd(listener, ended.Task);
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
