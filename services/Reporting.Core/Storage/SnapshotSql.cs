using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Reporting.Core.Storage;

/// <summary>Every statement of the snapshot store, valid on SQLite and SQL Server.</summary>
[SqlStatements]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static",
    Justification = "Every statement is read through the dialect's instance, also those that read the same on both dialects.")]
public sealed class SnapshotSql(SqlDialect dialect)
{
    /// <summary>ListSnapshots: <c>reference_date</c> (YYYY-MM-DD).</summary>
    public static readonly FilterSpec Filters = new(new Dictionary<string, FilterField>
    {
        ["reference_date"] = new("reference_date", v => DateOnly.TryParseExact(v, "yyyy-MM-dd", out var d)
            ? d : throw new FormatException($"'{v}' is not a date (YYYY-MM-DD)")),
    });

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

    public string CountSnapshotsOfCycle => "SELECT COUNT(*) FROM snapshots WHERE cycle_id = @CycleId";

    public string InsertSnapshot => """
        INSERT INTO snapshots (cycle_id, reference_date, known_at, create_time, content_sha256, content, content_version, scope, scope_hash, run_id)
        VALUES (@CycleId, @ReferenceDate, @KnownAt, @CreateTime, @ContentSha256, @Content, @ContentVersion, @Scope, @ScopeHash, @RunId)
        """;

    public string SelectSnapshot => $"SELECT {SnapshotColumnLists.Snapshot} FROM snapshots WHERE cycle_id = @CycleId";

    /// <summary>The latest snapshot of the same scope with an earlier reference date (the base of a new snapshot's changes).</summary>
    public string SelectLatestEarlier => $"""
        SELECT {SnapshotColumnLists.Snapshot}
        FROM snapshots
        WHERE scope_hash = @ScopeHash AND reference_date < @ReferenceDate
        ORDER BY reference_date DESC, cycle_id DESC
        {dialect.Limit("@Limit")}
        """;

    /// <summary>Keyset page ordered by (reference_date, cycle_id), with the conditions of <see cref="Filters"/>.</summary>
    public string SnapshotPage(SqlFilter filter) => $"""
        SELECT {SnapshotColumnLists.Snapshot}
        FROM snapshots
        WHERE (reference_date > @AfterDate OR (reference_date = @AfterDate AND cycle_id > @AfterId)){filter.Sql}
        ORDER BY reference_date, cycle_id
        {dialect.Limit("@Limit")}
        """;

    /// <summary>
    /// PLANNED cycles without a snapshot whose reporting date lies before <c>@DueBefore</c> (their knowledge
    /// cut-off plus the settle delay has passed), oldest first, with their version and the backoff of
    /// their latest run (set only when it FAILED).
    /// </summary>
    public string SelectDue => """
        SELECT c.id AS Id, c.reference_date AS ReferenceDate, c.reporting_date AS ReportingDate, c.scope AS Scope,
               c.version AS Version, r.next_attempt_time AS NextAttemptTime
        FROM reporting_cycles c
        LEFT JOIN snapshot_runs r ON r.id = (SELECT MAX(x.id) FROM snapshot_runs x WHERE x.cycle_id = c.id)
        WHERE c.state = 'PLANNED' AND c.reporting_date < @DueBefore
          AND NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.cycle_id = c.id)
        ORDER BY c.reference_date, c.reporting_date, c.id
        """;
}

/// <summary>Column lists spliced into the snapshot statements (fragments, not statements).</summary>
internal static class SnapshotColumnLists
{
    public const string Snapshot = """
        id AS Id, cycle_id AS CycleId, reference_date AS ReferenceDate, known_at AS KnownAt, create_time AS CreateTime,
        content_sha256 AS ContentSha256, content AS Content, content_version AS ContentVersion, scope AS Scope, run_id AS RunId
        """;

    public const string Run = """
        id AS Id, cycle_id AS CycleId, start_time AS StartTime, end_time AS EndTime, outcome AS Outcome, error AS Error, worker AS Worker,
        heartbeat_time AS HeartbeatTime, next_attempt_time AS NextAttemptTime
        """;
}
