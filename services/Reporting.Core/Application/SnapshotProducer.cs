using System.Diagnostics;
using Grpc.Core;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.Reporting.Core.Storage;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Extensions.Logging;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;

namespace IntegrationServices.Reporting.Core.Application;

/// <summary>The result of one attempt.</summary>
public sealed record SnapshotAttempt(string CycleId, long RunId, Outcome Outcome, string? Sha256, int MeasureCount, int AreaCount, TimeSpan Duration);

/// <summary>
/// Produces snapshots, one attempt at a time: opens a run record, computes the snapshot through the
/// services, stores it exactly once and finishes the run record. A failed attempt is recorded as
/// FAILED with its error and rethrown, so the caller (the worker) decides about retrying.
/// </summary>
public sealed class SnapshotProducer(
    Database database,
    SnapshotStore snapshots,
    SnapshotRunStore runs,
    ReportingCycleRepository cycles,
    AuditTrail audit,
    SnapshotComputation computation,
    SnapshotFaultPoint faults,
    TimeProvider clock,
    ILogger<SnapshotProducer> logger)
{
    /// <summary>Who the worker's writes are audited as.</summary>
    public static WriteContext WorkerWriter(string workerId) =>
        WriteContext.System("snapshot-worker", "Snapshot worker " + workerId, "worker/SnapshotWorker", Roles.Worker);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>PLANNED cycles without a snapshot whose knowledge cut-off has passed, oldest first.</summary>
    public Task<IReadOnlyList<DueCycle>> DueCyclesAsync(CancellationToken ct)
    {
        // reporting_date < today (Berlin) means its cut-off, the start of the next Berlin day, has passed.
        var today = ReportingCalendar.BerlinDate(clock.GetUtcNow());
        return database.ReadAsync(db => snapshots.DueAsync(db, today, ct), ct);
    }

    public async Task<SnapshotAttempt> ProduceAsync(DueCycle cycle, string workerId, TimeSpan abandonAfter, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var runId = await StartRunAsync(cycle.Id, workerId, abandonAfter, ct);
        try
        {
            var previous = await database.ReadAsync(db => snapshots.PreviousAsync(db, cycle.ReferenceDate, ct), ct);
            var computed = await computation.ComputeAsync(cycle.Input, previous?.ToProto(), ct);
            var outcome = await StoreAsync(runId, cycle.Id, computed, workerId, ct);
            var duration = Stopwatch.GetElapsedTime(started);
            logger.LogInformation(
                "Snapshot run {RunId} of reportingCycles/{CycleId}: {Outcome} in {DurationMs} ms; {MeasureCount} measures, {AreaCount} areas, sha256 {Sha256}",
                runId, cycle.Id, ProtoEnum<Outcome>.Name(outcome), (long)duration.TotalMilliseconds, computed.MeasureCount, computed.AreaCount, computed.Sha256);
            return new SnapshotAttempt(cycle.Id, runId, outcome, computed.Sha256, computed.MeasureCount, computed.AreaCount, duration);
        }
        catch (Exception e)
        {
            var error = Describe(e, ct);
            logger.LogWarning("Snapshot run {RunId} of reportingCycles/{CycleId} FAILED after {DurationMs} ms: {Error}",
                runId, cycle.Id, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, error);
            try
            {
                using var finish = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await FinishRunAsync(runId, Outcome.Failed, error, finish.Token);
            }
            catch (Exception f)
            {
                // The run stays RUNNING; the next attempt for the cycle closes it as abandoned.
                logger.LogWarning(f, "Could not record the failure of snapshot run {RunId}", runId);
            }
            throw;
        }
    }

    /// <summary>
    /// Opens a run record (RUNNING) for an attempt, and closes as FAILED ("abandoned") the cycle's runs
    /// a crashed worker left RUNNING: earlier ones of the same worker id, and any older than <paramref name="abandonAfter"/>.
    /// </summary>
    public Task<long> StartRunAsync(string cycleId, string workerId, TimeSpan abandonAfter, CancellationToken ct) =>
        database.WriteAsync(async db =>
        {
            var now = Now;
            var id = await runs.StartAsync(db, cycleId, workerId, now, ct);
            await runs.AbandonEarlierAsync(db, cycleId, id, workerId, now, now - abandonAfter,
                $"abandoned: the worker stopped before finishing the attempt; closed by run {id}", ct);
            return id;
        }, ct);

    /// <summary>
    /// Closes as FAILED ("abandoned") every run of any cycle still RUNNING after <paramref name="abandonAfter"/>
    /// (e.g. one whose cycle another worker has since snapshotted). Returns how many.
    /// </summary>
    public Task<int> AbandonStaleRunsAsync(TimeSpan abandonAfter, CancellationToken ct)
    {
        var now = Now;
        return database.WriteAsync(db => runs.AbandonStaleAsync(db, now, now - abandonAfter,
            $"abandoned: still RUNNING after {abandonAfter}; the worker stopped before finishing the attempt", ct), ct);
    }

    public Task FinishRunAsync(long runId, Outcome outcome, string? error, CancellationToken ct) =>
        database.WriteAsync(db => runs.FinishAsync(db, runId, outcome, error, Now, ct), ct);

    /// <summary>
    /// Stores the snapshot of <paramref name="cycleId"/> exactly once, in one transaction under a lock
    /// per cycle: re-checks that the cycle is still PLANNED without a snapshot, inserts the snapshot
    /// (UNIQUE on the cycle is the last line of defence), moves the cycle to SNAPSHOT_TAKEN with its
    /// audit record and finishes the run. SUCCEEDED when this call wrote it, SKIPPED when the cycle is no
    /// longer PLANNED or another worker won the race.
    /// </summary>
    public async Task<Outcome> StoreAsync(long runId, string cycleId, ComputedSnapshot computed, string workerId, CancellationToken ct)
    {
        try
        {
            return await database.WriteAsync(async db =>
            {
                if (!await snapshots.LockCycleAsync(db, cycleId, ct))
                    throw new TimeoutException($"The snapshot lock of {ReportingNames.Cycles.Format(cycleId)} was not granted within the statement timeout.");
                var cycle = await cycles.GetAsync(db, cycleId, forUpdate: true, ct);
                var existing = await snapshots.CountOfCycleAsync(db, cycleId, ct);
                var now = Now;
                var skipped = cycle is null ? "the cycle no longer exists"
                    : existing > 0 ? "another worker had already taken the snapshot"
                    : cycle.State != State.Planned || cycle.Snapshot is not null ? $"the cycle is {ProtoEnum<State>.Name(cycle.State)}"
                    : null;
                if (skipped is not null || cycle is null)
                {
                    await runs.FinishAsync(db, runId, Outcome.Skipped, skipped, now, ct);
                    return Outcome.Skipped;
                }
                await snapshots.InsertAsync(db, cycleId, computed, now, ct);
                var taken = CycleRules.SnapshotTaken(cycle, computed.Snapshot.Name, now);
                if (!await cycles.UpdateAsync(db, taken, cycle, ct))
                    throw new InvalidOperationException($"{cycle.Name} changed although its snapshot lock was held.");
                await audit.AppendAsync(db, WorkerWriter(workerId), taken.Name, CycleAudit.SnapshotTaken(cycle, taken), ct);
                await runs.FinishAsync(db, runId, Outcome.Succeeded, null, now, ct);
                faults.Reach(SnapshotStep.BeforeCommit, cycleId);
                return Outcome.Succeeded;
            }, ct);
        }
        catch (Exception e) when (database.Dialect.IsUniqueViolation(e))
        {
            // Another worker committed the same cycle's snapshot between our check and our insert.
            await FinishRunAsync(runId, Outcome.Skipped, "another worker had already taken the snapshot (unique constraint)", ct);
            return Outcome.Skipped;
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
