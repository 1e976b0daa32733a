using Grpc.Core;
using IntegrationServices.Contracts.Measures.V1;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.SnapshotWorker.Tests;

/// <summary>Dependencies that are down: attempts fail with their runs recorded, are retried with backoff, and the worker keeps going.</summary>
public sealed class RetryTests
{
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
        }, testServers: false);

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
    public void A_busy_database_is_worth_retrying_a_stale_etag_is_not()
    {
        static Grpc.Core.RpcException Answer(Grpc.Core.StatusCode code, string reason) => new Google.Rpc.Status
        {
            Code = (int)code, Message = reason,
            Details = { Google.Protobuf.WellKnownTypes.Any.Pack(new Google.Rpc.ErrorInfo { Reason = reason, Domain = "integration.measures.v1" }) },
        }.ToRpcException();

        Assert.True(SnapshotWorkerService.IsTransient(Answer(Grpc.Core.StatusCode.Unavailable, "DATABASE_BUSY")));
        Assert.True(SnapshotWorkerService.IsTransient(Answer(Grpc.Core.StatusCode.Aborted, "DATABASE_BUSY")));
        Assert.False(SnapshotWorkerService.IsTransient(Answer(Grpc.Core.StatusCode.Aborted, "ETAG_MISMATCH")));
        Assert.False(SnapshotWorkerService.IsTransient(Answer(Grpc.Core.StatusCode.Internal, "INTERNAL")));
    }
}
