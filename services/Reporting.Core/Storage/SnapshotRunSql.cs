using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Storage;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;

namespace IntegrationServices.Reporting.Core.Storage;

/// <summary>Every statement of the snapshot run store, valid on SQLite and SQL Server.</summary>
[SqlStatements]
public sealed class SnapshotRunSql(SqlDialect dialect)
{
    /// <summary>ListSnapshotRuns: <c>outcome</c> (= and != only).</summary>
    public static readonly FilterSpec Filters = new(new Dictionary<string, FilterField>
    {
        ["outcome"] = new("outcome", v => ProtoEnum<Outcome>.Name(ProtoEnum<Outcome>.Parse(v)), OrderedOperators: false),
    });

    /// <summary>Readiness of the worker: the run table exists (the Reporting service migrated the schema).</summary>
    public string SchemaProbe => "SELECT COUNT(*) FROM snapshot_runs WHERE 1 = 0";

    public string InsertRun => $"""
        INSERT INTO snapshot_runs (cycle_id, start_time, end_time, outcome, error, worker)
        {dialect.OutputId}
        VALUES (@CycleId, @StartTime, NULL, 'RUNNING', NULL, @Worker)
        {dialect.ReturningId}
        """;

    /// <summary>Closes a run that is still RUNNING (a run is finished once).</summary>
    public string FinishRun => """
        UPDATE snapshot_runs
        SET end_time = @EndTime, outcome = @Outcome, error = @Error
        WHERE id = @Id AND outcome = 'RUNNING'
        """;

    /// <summary>
    /// Closes the cycle's runs left RUNNING by a crashed worker: older ones of this worker id, or any
    /// that started before <c>@StaleBefore</c> (longer ago than an attempt can take).
    /// </summary>
    public string AbandonRuns => """
        UPDATE snapshot_runs
        SET end_time = @Now, outcome = 'FAILED', error = @Error
        WHERE cycle_id = @CycleId AND outcome = 'RUNNING' AND id < @Id AND (worker = @Worker OR start_time < @StaleBefore)
        """;

    /// <summary>Closes every run still RUNNING that started before <c>@StaleBefore</c>, whatever its cycle.</summary>
    public string AbandonStaleRuns => """
        UPDATE snapshot_runs
        SET end_time = @Now, outcome = 'FAILED', error = @Error
        WHERE outcome = 'RUNNING' AND start_time < @StaleBefore
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
