using System.Diagnostics.Metrics;
using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Observability;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;

namespace IntegrationServices.SnapshotWorker;

/// <summary>
/// The worker's instruments on the suite's meter (exported on /metrics): snapshots produced, failed
/// attempts, attempt duration, cycles due and not yet snapshotted, time of the last success.
/// </summary>
public sealed class SnapshotWorkerMetrics
{
    private long _due;
    private long _lastSuccessUnixSeconds;

    public SnapshotWorkerMetrics(ServiceMetrics metrics)
    {
        var meter = metrics.Meter;
        Produced = meter.CreateCounter<long>("snapshot_worker.snapshots_produced", description: "Snapshots this worker stored.");
        Skipped = meter.CreateCounter<long>("snapshot_worker.attempts_skipped", description: "Attempts that stored nothing: another replica had taken the snapshot, or the cycle changed or is no longer due.");
        Failed = meter.CreateCounter<long>("snapshot_worker.attempts_failed", description: "Attempts that failed (each cycle is tried again after its backoff).");
        Duration = meter.CreateHistogram<double>("snapshot_worker.attempt.duration", "s", "Duration of one snapshot attempt.");
        meter.CreateObservableGauge("snapshot_worker.cycles_due", () => Interlocked.Read(ref _due),
            description: "Cycles whose knowledge cut-off has passed and that have no snapshot yet.");
        meter.CreateObservableGauge("snapshot_worker.last_success_time", () => Interlocked.Read(ref _lastSuccessUnixSeconds), "s",
            "Unix time of the last snapshot this worker stored (0: none yet).");
    }

    public Counter<long> Produced { get; }
    public Counter<long> Skipped { get; }
    public Counter<long> Failed { get; }
    public Histogram<double> Duration { get; }

    public long CyclesDue
    {
        get => Interlocked.Read(ref _due);
        set => Interlocked.Exchange(ref _due, value);
    }

    public long LastSuccessUnixSeconds => Interlocked.Read(ref _lastSuccessUnixSeconds);

    public void Record(SnapshotAttempt attempt, DateTimeOffset now)
    {
        Duration.Record(attempt.Duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", ProtoEnum<Outcome>.Name(attempt.Outcome)));
        if (attempt.Outcome == Outcome.Succeeded)
        {
            Produced.Add(1);
            Interlocked.Exchange(ref _lastSuccessUnixSeconds, now.ToUnixTimeSeconds());
        }
        else if (attempt.Outcome == Outcome.Skipped) Skipped.Add(1);
        else if (attempt.Outcome == Outcome.Failed) Failed.Add(1);
    }
}
