using Dapper;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Storage;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;

namespace IntegrationServices.Reporting.Core.Storage;

/// <summary>
/// Storage of the snapshot worker's runs: one row per attempt, RUNNING (with a heartbeat) until its own
/// attempt finishes it, or until it is closed as abandoned.
/// </summary>
public sealed class SnapshotRunStore(Database database)
{
    private readonly SnapshotRunSql _sql = new(database.Dialect);

    /// <summary>The longest error text kept with a run.</summary>
    public const int MaxErrorLength = 4000;

    /// <summary>Opens a RUNNING run whose heartbeat is its start; returns its id.</summary>
    public Task<long> StartAsync(DbScope db, string cycleId, string workerId, DateTime now, CancellationToken ct) =>
        db.ExecuteScalarAsync<long>(_sql.InsertRun, new { CycleId = cycleId, StartTime = now, Worker = workerId }, ct);

    /// <summary>Renews the heartbeat of a run that is still RUNNING.</summary>
    public Task HeartbeatAsync(DbScope db, long runId, DateTime now, CancellationToken ct) =>
        db.ExecuteAsync(_sql.Heartbeat, new { Id = runId, Now = now }, ct);

    /// <summary>Closes as FAILED the runs of <paramref name="workerId"/> still RUNNING: a restarted worker's leftovers.</summary>
    public Task<int> AbandonOwnAsync(DbScope db, string workerId, DateTime now, string error, CancellationToken ct) =>
        db.ExecuteAsync(_sql.AbandonOwnRuns, new { Worker = workerId, Now = now, Error = error }, ct);

    /// <summary>Closes as FAILED every run still RUNNING whose heartbeat is older than <paramref name="staleBefore"/>.</summary>
    public Task<int> AbandonStaleAsync(DbScope db, DateTime now, DateTime staleBefore, string error, CancellationToken ct) =>
        db.ExecuteAsync(_sql.AbandonStaleRuns, new { Now = now, StaleBefore = staleBefore, Error = error }, ct);

    /// <summary>How many of the cycle's runs failed since one last succeeded or was skipped.</summary>
    public Task<int> FailuresInARowAsync(DbScope db, string cycleId, CancellationToken ct) =>
        db.ExecuteScalarAsync<int>(_sql.FailuresInARow, new { CycleId = cycleId }, ct);

    /// <summary>
    /// Finishes a run by its own attempt (see <see cref="SnapshotRunSql.FinishRun"/>); false when the run was
    /// already finished as SUCCEEDED or SKIPPED.
    /// </summary>
    public async Task<bool> FinishAsync(DbScope db, long runId, Outcome outcome, string? error, DateTime now, DateTime? nextAttemptTime, CancellationToken ct) =>
        await db.ExecuteAsync(_sql.FinishRun, new
        {
            Id = runId,
            EndTime = now,
            Outcome = ProtoEnum<Outcome>.Name(outcome),
            Error = error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] : error,
            NextAttemptTime = nextAttemptTime,
        }, ct) == 1;

    /// <summary>Runs after the cursor's id, of <paramref name="cycleId"/> (all cycles when null), filtered; at most the cursor's limit.</summary>
    public async Task<IReadOnlyList<SnapshotRunRecord>> PageAsync(DbScope db, string? cycleId, SqlFilter filter, PageCursor<long> cursor, CancellationToken ct)
    {
        var parameters = filter.AddTo(new DynamicParameters(new { cursor.After, cursor.Limit, CycleId = cycleId }));
        return (await db.QueryAsync<RunRow>(_sql.RunPage(cycleId is not null, filter), parameters, ct)).Select(r => r.ToRecord()).ToList();
    }

    private sealed class RunRow
    {
        public long Id { get; set; }
        public string CycleId { get; set; } = "";
        public DateTime StartTime { get; set; }
        public DateTime? EndTime { get; set; }
        public string Outcome { get; set; } = "";
        public string? Error { get; set; }
        public string? Worker { get; set; }
        public DateTime? HeartbeatTime { get; set; }
        public DateTime? NextAttemptTime { get; set; }

        public SnapshotRunRecord ToRecord() =>
            new(Id, CycleId, DbValues.Utc(StartTime), DbValues.Utc(EndTime), ProtoEnum<Outcome>.Parse(Outcome), Error, Worker,
                DbValues.Utc(HeartbeatTime), DbValues.Utc(NextAttemptTime));
    }
}
