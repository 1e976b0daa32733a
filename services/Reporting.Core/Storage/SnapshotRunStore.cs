using Dapper;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Storage;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;

namespace IntegrationServices.Reporting.Core.Storage;

/// <summary>Storage of the snapshot worker's runs: one row per attempt, RUNNING until it is finished once.</summary>
public sealed class SnapshotRunStore(Database database)
{
    private readonly SnapshotRunSql _sql = new(database.Dialect);

    /// <summary>The longest error text kept with a run.</summary>
    public const int MaxErrorLength = 4000;

    /// <summary>Opens a RUNNING run; returns its id.</summary>
    public Task<long> StartAsync(DbScope db, string cycleId, string workerId, DateTime now, CancellationToken ct) =>
        db.ExecuteScalarAsync<long>(_sql.InsertRun, new { CycleId = cycleId, StartTime = now, Worker = workerId }, ct);

    /// <summary>
    /// Closes as FAILED the cycle's runs before <paramref name="runId"/> that are still RUNNING: those of
    /// <paramref name="workerId"/>, and any that started before <paramref name="staleBefore"/>.
    /// </summary>
    public Task<int> AbandonEarlierAsync(DbScope db, string cycleId, long runId, string workerId, DateTime now, DateTime staleBefore, string error, CancellationToken ct) =>
        db.ExecuteAsync(_sql.AbandonRuns, new { CycleId = cycleId, Id = runId, Now = now, Worker = workerId, StaleBefore = staleBefore, Error = error }, ct);

    /// <summary>Closes as FAILED every run still RUNNING that started before <paramref name="staleBefore"/>.</summary>
    public Task<int> AbandonStaleAsync(DbScope db, DateTime now, DateTime staleBefore, string error, CancellationToken ct) =>
        db.ExecuteAsync(_sql.AbandonStaleRuns, new { Now = now, StaleBefore = staleBefore, Error = error }, ct);

    /// <summary>Finishes a run that is still RUNNING (a finished run stays as it is).</summary>
    public Task FinishAsync(DbScope db, long runId, Outcome outcome, string? error, DateTime now, CancellationToken ct) =>
        db.ExecuteAsync(_sql.FinishRun, new
        {
            Id = runId,
            EndTime = now,
            Outcome = ProtoEnum<Outcome>.Name(outcome),
            Error = error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] : error,
        }, ct);

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

        public SnapshotRunRecord ToRecord() =>
            new(Id, CycleId, DbValues.Utc(StartTime), DbValues.Utc(EndTime), ProtoEnum<Outcome>.Parse(Outcome), Error, Worker);
    }
}
