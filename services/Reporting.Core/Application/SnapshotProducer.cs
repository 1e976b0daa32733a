using System.Diagnostics;
using Grpc.Core;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.Reporting.Core.Storage;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;

namespace IntegrationServices.Reporting.Core.Application;

/// <summary>
/// The result of one attempt: <paramref name="Reason"/> says why it was SKIPPED or FAILED; after a failure,
/// <paramref name="NextAttemptTime"/> is when the backoff lets the worker try the cycle again.
/// </summary>
public sealed record SnapshotAttempt(string CycleId, long RunId, Outcome Outcome, string? Sha256, int MeasureCount, int AreaCount, TimeSpan Duration,
    string? Reason = null, DateTime? NextAttemptTime = null);

/// <summary>
/// How one worker replica makes its attempts (section "Worker"): its name in run records, the settle
/// delay past each cut-off, when a silent run counts as abandoned, and the backoff after failures.
/// </summary>
public sealed record AttemptPolicy(string WorkerId, TimeSpan SettleDelay, TimeSpan AbandonAfter, TimeSpan RetryBaseDelay, TimeSpan RetryMaxDelay)
{
    /// <summary>A running attempt renews its heartbeat four times per <see cref="AbandonAfter"/>.</summary>
    public TimeSpan HeartbeatInterval => AbandonAfter / 4;
}

/// <summary>
/// Produces snapshots, one attempt at a time: opens a run record (renewing its heartbeat while the attempt
/// lasts), computes the snapshot through the services as the due query saw the cycle, stores it exactly
/// once and finishes the run — or records the failure with the time of the next attempt (backoff).
/// </summary>
public sealed class SnapshotProducer(
    Database database,
    SnapshotStore snapshots,
    SnapshotRunStore runs,
    ReportingCycleRepository cycles,
    AuditTrail audit,
    SnapshotComputation computation,
    SnapshotFaultPoint faults,
    IOptions<SnapshotOptions> options,
    TimeProvider clock,
    ILogger<SnapshotProducer> logger)
{
    /// <summary>Who the worker's writes are audited as.</summary>
    public static WriteContext WorkerWriter(string workerId) =>
        WriteContext.System("snapshot-worker", "Snapshot worker " + workerId, "worker/SnapshotWorker", Roles.Worker);

    /// <summary>The rules new snapshots are aggregated with (<see cref="SnapshotOptions.ContentVersion"/>, else the latest).</summary>
    public int ContentVersion => options.Value.ContentVersion ?? SnapshotAggregator.Latest;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>
    /// PLANNED cycles without a snapshot whose knowledge cut-off lies <paramref name="settleDelay"/> in the
    /// past, oldest first; those still held back by the backoff of a failure carry its end.
    /// </summary>
    public Task<IReadOnlyList<DueCycle>> DueCyclesAsync(TimeSpan settleDelay, CancellationToken ct)
    {
        var dueBefore = SnapshotSchedule.DueBefore(Now, settleDelay);
        return database.ReadAsync(db => snapshots.DueAsync(db, dueBefore, ct), ct);
    }

    /// <summary>
    /// Closes as FAILED ("abandoned") the runs left RUNNING by a stopped attempt: those of this worker id (a
    /// replica restarted under its name; it runs one attempt at a time, and none now), and those of any
    /// replica whose heartbeat is older than <see cref="AttemptPolicy.AbandonAfter"/>. A live run renews its
    /// heartbeat, so it is never among them. Returns how many were closed.
    /// </summary>
    public Task<int> AbandonLeftoverRunsAsync(AttemptPolicy policy, CancellationToken ct) =>
        database.WriteAsync(async db =>
        {
            var now = Now;
            var own = await runs.AbandonOwnAsync(db, policy.WorkerId, now,
                $"abandoned: worker {policy.WorkerId} stopped before finishing the attempt and has restarted", ct);
            var stale = await runs.AbandonStaleAsync(db, now, now - policy.AbandonAfter,
                $"abandoned: no heartbeat for {policy.AbandonAfter} (Worker:AbandonAfter); the worker stopped before finishing the attempt", ct);
            return own + stale;
        }, ct);

    public async Task<SnapshotAttempt> ProduceAsync(DueCycle cycle, AttemptPolicy policy, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var runId = await StartRunAsync(cycle.Id, policy.WorkerId, ct);
        await using var heartbeat = RunHeartbeat.Start(database, runs, runId, policy.HeartbeatInterval, clock, logger);
        try
        {
            var aggregated = await computation.AggregateAsync(cycle.Input(ContentVersion), ct);
            var (outcome, computed, reason) = await StoreAsync(runId, cycle, aggregated, policy, ct);
            var duration = Stopwatch.GetElapsedTime(started);
            var (measureCount, areaCount) = (aggregated.Measures?.Total ?? 0, aggregated.Demographics?.Areas.Count ?? 0);
            logger.LogInformation(
                "Snapshot run {RunId} of reportingCycles/{CycleId}: {Outcome} in {DurationMs} ms{Reason}; {MeasureCount} measures, {AreaCount} areas, sha256 {Sha256}",
                runId, cycle.Id, ProtoEnum<Outcome>.Name(outcome), (long)duration.TotalMilliseconds, reason is null ? "" : $" ({reason})",
                measureCount, areaCount, computed?.Sha256);
            return new SnapshotAttempt(cycle.Id, runId, outcome, computed?.Sha256, measureCount, areaCount, duration, reason);
        }
        catch (Exception e)
        {
            var stopping = ct.IsCancellationRequested;
            var error = stopping ? "cancelled: the worker is stopping" : Describe(e);
            var duration = Stopwatch.GetElapsedTime(started);
            DateTime? next = null;
            try
            {
                using var finish = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                next = await FailRunAsync(runId, cycle.Id, error, policy, finish.Token);
                logger.LogWarning("Snapshot run {RunId} of reportingCycles/{CycleId} FAILED after {DurationMs} ms: {Error}; next attempt not before {Next:u}",
                    runId, cycle.Id, (long)duration.TotalMilliseconds, error, next);
            }
            catch (Exception f)
            {
                // The run stays RUNNING; a pass closes it as abandoned (this worker's next one, or any once its heartbeat is old).
                logger.LogWarning("Snapshot run {RunId} of reportingCycles/{CycleId} FAILED ({Error}), and the failure could not be recorded: {RecordError}",
                    runId, cycle.Id, error, Describe(f));
            }
            if (stopping) throw;
            return new SnapshotAttempt(cycle.Id, runId, Outcome.Failed, null, 0, 0, duration, error, next);
        }
    }

    /// <summary>Opens a run record (RUNNING, heartbeat now) for an attempt of <paramref name="workerId"/>.</summary>
    public Task<long> StartRunAsync(string cycleId, string workerId, CancellationToken ct) =>
        database.WriteAsync(db => runs.StartAsync(db, cycleId, workerId, Now, ct), ct);

    /// <summary>Records a failed attempt with the time before which the cycle is not tried again (backoff by failures in a row).</summary>
    private Task<DateTime> FailRunAsync(long runId, string cycleId, string error, AttemptPolicy policy, CancellationToken ct) =>
        database.WriteAsync(async db =>
        {
            var failures = await runs.FailuresInARowAsync(db, cycleId, ct) + 1;
            var now = Now;
            var next = now + SnapshotSchedule.Backoff(failures, policy.RetryBaseDelay, policy.RetryMaxDelay);
            await runs.FinishAsync(db, runId, Outcome.Failed, error, now, next, ct);
            return next;
        }, ct);

    /// <summary>
    /// Stores the snapshot of <paramref name="cycle"/> exactly once, in one transaction under a lock per
    /// cycle: re-reads the cycle and skips (<see cref="SnapshotSchedule.SkipReason"/>) when it is gone, taken,
    /// no longer PLANNED, changed since the due query read it, or not due; otherwise completes the snapshot
    /// (its changes against the latest earlier snapshot of its scope that exists now), takes the record
    /// time as the last step, inserts the snapshot (UNIQUE on the cycle is the last line of defence), moves
    /// the cycle to SNAPSHOT_TAKEN with its audit record and finishes the run by its own id.
    /// </summary>
    public async Task<(Outcome Outcome, ComputedSnapshot? Computed, string? Reason)> StoreAsync(
        long runId, DueCycle cycle, Snapshot aggregated, AttemptPolicy policy, CancellationToken ct)
    {
        try
        {
            return await database.WriteAsync<(Outcome, ComputedSnapshot?, string?)>(async db =>
            {
                if (!await snapshots.LockCycleAsync(db, cycle.Id, ct))
                    throw new TimeoutException($"The snapshot lock of {ReportingNames.Cycles.Format(cycle.Id)} was not granted within the statement timeout.");
                var current = await cycles.GetAsync(db, cycle.Id, forUpdate: true, ct);
                var taken = await snapshots.CountOfCycleAsync(db, cycle.Id, ct) > 0;
                var reason = SnapshotSchedule.SkipReason(cycle, current, taken, Now, policy.SettleDelay);
                if (reason is not null || current is null)
                {
                    await FinishOwnRunAsync(db, runId, Outcome.Skipped, reason, Now, ct);
                    return (Outcome.Skipped, null, reason);
                }
                var @base = await snapshots.LatestEarlierAsync(db, cycle.Scope, cycle.ReferenceDate, ct);
                var computed = SnapshotContent.Freeze(aggregated, @base?.ToProto());
                // The record time: the last step before the inserts and the commit.
                var now = Now;
                await snapshots.InsertAsync(db, cycle.Input(SnapshotContent.VersionOf(aggregated)), computed, runId, now, ct);
                var updated = CycleRules.SnapshotTaken(current, computed.Snapshot.Name, now);
                if (!await cycles.UpdateAsync(db, updated, current, ct))
                    throw new InvalidOperationException($"{current.Name} changed although its snapshot lock was held.");
                await audit.AppendAsync(db, WorkerWriter(policy.WorkerId), updated.Name, CycleAudit.SnapshotTaken(current, updated), ct);
                await FinishOwnRunAsync(db, runId, Outcome.Succeeded, null, now, ct);
                faults.Reach(SnapshotStep.BeforeCommit, cycle.Id);
                return (Outcome.Succeeded, computed, null);
            }, ct);
        }
        catch (Exception e) when (database.Dialect.IsUniqueViolation(e))
        {
            // Another worker committed the same cycle's snapshot between our check and our insert.
            const string reason = "another worker had already taken the snapshot (unique constraint)";
            await database.WriteAsync(db => FinishOwnRunAsync(db, runId, Outcome.Skipped, reason, Now, ct), ct);
            return (Outcome.Skipped, null, reason);
        }
    }

    /// <summary>Finishes the attempt's own run in the storing transaction; a run already finished otherwise rolls it back.</summary>
    private async Task FinishOwnRunAsync(DbScope db, long runId, Outcome outcome, string? reason, DateTime now, CancellationToken ct)
    {
        if (!await runs.FinishAsync(db, runId, outcome, reason, now, nextAttemptTime: null, ct))
            throw new InvalidOperationException($"Snapshot run {runId} was already finished; its attempt stores nothing.");
    }

    /// <summary>A short, operator-readable error (no stack trace).</summary>
    public static string Describe(Exception e) => e switch
    {
        RpcException r => $"{r.StatusCode}: {r.Status.Detail}",
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
