using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Reporting.Snapshots;

/// <summary>Every statement of the snapshot store, valid on SQLite and SQL Server.</summary>
[SqlStatements]
public sealed class SnapshotSql(SqlDialect dialect)
{
    /// <summary>
    /// Serializes the writers of one cycle's snapshot until the transaction ends. SQL Server: an
    /// application lock owned by the transaction on a resource per cycle (a result below 0 means it
    /// was not granted). SQLite: the IMMEDIATE transaction already holds the database's writer lock.
    /// </summary>
    public string LockCycle => dialect.Provider == StorageProvider.SqlServer
        ? """
          DECLARE @result INT;
          EXEC @result = sp_getapplock @Resource = @Resource, @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = @LockTimeoutMs;
          SELECT @result;
          """
        : "SELECT 0";

    /// <summary>The cycle's state and snapshot name, re-read under the lock.</summary>
    public string SelectCycleState => $"""
        SELECT state AS State, snapshot_name AS SnapshotName
        FROM reporting_cycles {dialect.UpdateLock}
        WHERE id = @CycleId
        """;

    /// <summary>Readiness of the worker: the snapshot tables exist (the Reporting service migrated them).</summary>
    public string SchemaProbe => "SELECT COUNT(*) FROM snapshot_runs WHERE 1 = 0";

    public string CountSnapshotsOfCycle => "SELECT COUNT(*) FROM snapshots WHERE cycle_id = @CycleId";

    public string InsertSnapshot => """
        INSERT INTO snapshots (cycle_id, reference_date, known_at, create_time, content_sha256, content)
        VALUES (@CycleId, @ReferenceDate, @KnownAt, @CreateTime, @ContentSha256, @Content)
        """;

    public string SelectSnapshot => $"SELECT {SnapshotColumnLists.Snapshot} FROM snapshots WHERE cycle_id = @CycleId";

    /// <summary>The latest snapshot with an earlier reference date (the base of a new snapshot's changes).</summary>
    public string SelectPrevious => $"""
        SELECT {SnapshotColumnLists.Snapshot}
        FROM snapshots
        WHERE reference_date < @ReferenceDate
        ORDER BY reference_date DESC, cycle_id DESC
        {dialect.Limit("@Limit")}
        """;

    /// <summary>Keyset page ordered by (reference_date, cycle_id); <paramref name="filter"/> from fixed pieces only.</summary>
    public string SnapshotPage(string filter) => $"""
        SELECT {SnapshotColumnLists.Snapshot}
        FROM snapshots
        WHERE (reference_date > @AfterDate OR (reference_date = @AfterDate AND cycle_id > @AfterId)){filter}
        ORDER BY reference_date, cycle_id
        {dialect.Limit("@Limit")}
        """;

    /// <summary>For the T-SQL fidelity test: the page query with every filter field.</summary>
    public string SnapshotPageWithAllFilters => SnapshotPage(" AND reference_date >= @f0");

    /// <summary>
    /// PLANNED cycles whose reporting date lies before today (Europe/Berlin) — their knowledge cut-off
    /// has passed — and that have no snapshot, oldest first.
    /// </summary>
    public string SelectDue => """
        SELECT c.id AS Id, c.reference_date AS ReferenceDate, c.reporting_date AS ReportingDate, c.scope AS Scope
        FROM reporting_cycles c
        WHERE c.state = 'PLANNED' AND c.reporting_date < @Today
          AND NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.cycle_id = c.id)
        ORDER BY c.reference_date, c.reporting_date, c.id
        """;

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

    public string SelectRun => $"SELECT {SnapshotColumnLists.Run} FROM snapshot_runs WHERE id = @Id";

    /// <summary>Keyset page of runs ordered by id; <paramref name="filter"/> from fixed pieces only.</summary>
    public string RunPage(string filter) => $"""
        SELECT {SnapshotColumnLists.Run}
        FROM snapshot_runs
        WHERE id > @After{filter}
        ORDER BY id
        {dialect.Limit("@Limit")}
        """;

    /// <summary>For the T-SQL fidelity test: the run page with every filter field.</summary>
    public string RunPageWithAllFilters => RunPage(" AND cycle_id = @CycleId AND outcome = @f0");
}

/// <summary>Column lists spliced into <see cref="SnapshotSql"/> (fragments, not statements).</summary>
internal static class SnapshotColumnLists
{
    public const string Snapshot = """
        id AS Id, cycle_id AS CycleId, reference_date AS ReferenceDate, known_at AS KnownAt, create_time AS CreateTime,
        content_sha256 AS ContentSha256, content AS Content
        """;

    public const string Run = """
        id AS Id, cycle_id AS CycleId, start_time AS StartTime, end_time AS EndTime, outcome AS Outcome, error AS Error, worker AS Worker
        """;
}
