using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.SnapshotWorker.Tests;

/// <summary>The worker's health and metrics endpoints.</summary>
public sealed class HealthTests
{
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

    [Fact]
    public async Task The_worker_publishes_its_metrics()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 4, 3));
        var worker = await env.StartWorkerAsync();

        Assert.Equal(Outcome.Succeeded, Assert.Single(await Worker(worker).RunOnceAsync(CancellationToken.None)).Outcome);

        var metrics = worker.Services.GetRequiredService<SnapshotWorkerMetrics>();
        Assert.Equal(0, metrics.CyclesDue);
        Assert.Equal(env.Clock.GetUtcNow().ToUnixTimeSeconds(), metrics.LastSuccessUnixSeconds);
        using var http = worker.Http();
        var text = await http.GetStringAsync("/metrics");
        Assert.Contains("snapshot_worker_cycles_due", text);
        Assert.Contains("snapshot_worker_last_success_time", text);
    }
}
