using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Storage;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;

namespace IntegrationServices.Reporting.Core.Storage;

/// <summary>Every statement of the snapshot run store, valid on SQLite and SQL Server.</summary>
[SqlStatements]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static",
    Justification = "Every statement is read through the dialect's instance, also those that read the same on both dialects.")]
public sealed class SnapshotRunSql(SqlDialect dialect)
{
    /// <summary>ListSnapshotRuns: <c>outcome</c> (= and != only).</summary>
    public static readonly FilterSpec Filters = new(new Dictionary<string, FilterField>
    {
        ["outcome"] = new("outcome", v => ProtoEnum<Outcome>.Name(ProtoEnum<Outcome>.Parse(v)), OrderedOperators: false),
    });

    /// <summary>
    /// Readiness of the worker: the tables it writes have the columns of this release (the Reporting
    /// service migrated the schema; until it has, the statement fails on an unknown column).
    /// </summary>
    public string SchemaProbe => """
        SELECT (SELECT COUNT(*) FROM snapshot_runs WHERE heartbeat_time IS NULL AND next_attempt_time IS NULL AND 1 = 0)
             + (SELECT COUNT(*) FROM snapshots WHERE run_id IS NULL AND scope_hash = '' AND content_version = 0 AND 1 = 0)
        """;

    public string InsertRun => $"""
        INSERT INTO snapshot_runs (cycle_id, start_time, end_time, outcome, error, worker, heartbeat_time, next_attempt_time)
        {dialect.OutputId}
        VALUES (@CycleId, @StartTime, NULL, 'RUNNING', NULL, @Worker, @StartTime, NULL)
        {dialect.ReturningId}
        """;

    /// <summary>
    /// Finishes a run by its own attempt: over RUNNING, or over FAILED when another replica took it for
    /// abandoned (what the attempt itself did is the truth); a run that succeeded or was skipped stays so.
    /// </summary>
    public string FinishRun => """
        UPDATE snapshot_runs
        SET end_time = @EndTime, outcome = @Outcome, error = @Error, next_attempt_time = @NextAttemptTime
        WHERE id = @Id AND outcome IN ('RUNNING', 'FAILED')
        """;

    /// <summary>A running attempt's sign of life.</summary>
    public string Heartbeat => "UPDATE snapshot_runs SET heartbeat_time = @Now WHERE id = @Id AND outcome = 'RUNNING'";

    /// <summary>Closes the runs a worker of this id left RUNNING before it restarted (it runs one attempt at a time).</summary>
    public string AbandonOwnRuns => """
        UPDATE snapshot_runs
        SET end_time = @Now, outcome = 'FAILED', error = @Error
        WHERE outcome = 'RUNNING' AND worker = @Worker
        """;

    /// <summary>Closes every run still RUNNING whose last heartbeat is older than <c>@StaleBefore</c>, whatever its cycle.</summary>
    public string AbandonStaleRuns => """
        UPDATE snapshot_runs
        SET end_time = @Now, outcome = 'FAILED', error = @Error
        WHERE outcome = 'RUNNING' AND heartbeat_time < @StaleBefore
        """;

    /// <summary>The cycle's failed runs since its last run that succeeded or was skipped: the failures in a row the backoff counts.</summary>
    public string FailuresInARow => """
        SELECT COUNT(*)
        FROM snapshot_runs
        WHERE cycle_id = @CycleId AND outcome = 'FAILED'
          AND id > COALESCE((SELECT MAX(x.id) FROM snapshot_runs x WHERE x.cycle_id = @CycleId AND x.outcome IN ('SUCCEEDED', 'SKIPPED')), 0)
        """;

    /// <summary>Keyset page of runs ordered by id, of one cycle or of all, with the conditions of <see cref="Filters"/>.</summary>
    public string RunPage(bool ofCycle, SqlFilter filter) => $"""
        SELECT {SnapshotColumnLists.Run}
        FROM snapshot_runs
        WHERE id > @After{(ofCycle ? " AND cycle_id = @CycleId" : "")}{filter.Sql}
        ORDER BY id
        {dialect.Limit("@Limit")}
        """;
}
