using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;

namespace IntegrationServices.Reporting.Snapshots;

/// <summary>The result of one attempt.</summary>
public sealed record SnapshotAttempt(string CycleId, long RunId, Outcome Outcome, string? Sha256, int MeasureCount, int AreaCount, TimeSpan Duration);

/// <summary>
/// One attempt at one cycle's snapshot: opens a run record, computes the snapshot through the
/// services, stores it exactly once and finishes the run record. A failed attempt is recorded as
/// FAILED with its error and rethrown, so the caller decides about retrying.
/// </summary>
public sealed class SnapshotProducer(SnapshotStore store, SnapshotAggregator aggregator, ILogger<SnapshotProducer> logger)
{
    public async Task<SnapshotAttempt> ProduceAsync(DueCycle cycle, string workerId, TimeSpan abandonAfter, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var runId = await store.StartRunAsync(cycle.Id, workerId, abandonAfter, ct);
        try
        {
            var previous = await store.PreviousAsync(cycle.ReferenceDate, ct);
            var computed = await aggregator.ComputeAsync(cycle.Input, previous?.ToProto(), ct);
            var outcome = await store.SaveAsync(runId, cycle.Id, computed, workerId, ct);
            var duration = Stopwatch.GetElapsedTime(started);
            logger.LogInformation(
                "Snapshot run {RunId} of reportingCycles/{CycleId}: {Outcome} in {DurationMs} ms; {MeasureCount} measures, {AreaCount} areas, sha256 {Sha256}",
                runId, cycle.Id, SnapshotStore.OutcomeText(outcome), (long)duration.TotalMilliseconds, computed.MeasureCount, computed.AreaCount, computed.Sha256);
            return new SnapshotAttempt(cycle.Id, runId, outcome, computed.Sha256, computed.MeasureCount, computed.AreaCount, duration);
        }
        catch (Exception e)
        {
            var duration = Stopwatch.GetElapsedTime(started);
            var error = Describe(e, ct);
            logger.LogWarning("Snapshot run {RunId} of reportingCycles/{CycleId} FAILED after {DurationMs} ms: {Error}",
                runId, cycle.Id, (long)duration.TotalMilliseconds, error);
            try
            {
                using var finish = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await store.FinishRunAsync(runId, Outcome.Failed, error, finish.Token);
            }
            catch (Exception f)
            {
                // The run stays RUNNING; the next attempt for the cycle closes it as abandoned.
                logger.LogWarning(f, "Could not record the failure of snapshot run {RunId}", runId);
            }
            throw;
        }
    }

    /// <summary>A short, operator-readable error (no stack trace).</summary>
    public static string Describe(Exception e, CancellationToken ct = default) => e switch
    {
        RpcException r => $"{r.StatusCode}: {r.Status.Detail}",
        OperationCanceledException when ct.IsCancellationRequested => "cancelled: the worker is stopping",
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
