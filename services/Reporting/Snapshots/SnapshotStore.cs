using IntegrationServices.ServiceDefaults.Auditing;
using System.Text;
using System.Text.Json;
using Dapper;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Cycles;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Storage;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;

namespace IntegrationServices.Reporting.Snapshots;

/// <summary>A cycle whose snapshot is due.</summary>
public sealed record DueCycle(string Id, DateOnly ReferenceDate, DateOnly ReportingDate, IReadOnlyList<string> Scope)
{
    public DateTime KnownAt => ReportingCalendar.KnowledgeCutoff(ReportingDate);

    public SnapshotInput Input => new(Id, ReferenceDate, KnownAt, Scope);
}

/// <summary>A stored snapshot: the canonical content as written, and the columns around it.</summary>
public sealed record StoredSnapshot(string CycleId, DateOnly ReferenceDate, DateTime KnownAt, DateTime CreateTime, string ContentSha256, byte[] Content)
{
    /// <summary>The snapshot as served: the content plus create_time and content_sha256.</summary>
    public Snapshot ToProto()
    {
        var snapshot = Snapshot.Parser.ParseFrom(Content);
        snapshot.CreateTime = CreateTime.ToProto();
        snapshot.ContentSha256 = ContentSha256;
        return snapshot;
    }
}

/// <summary>One worker attempt, as stored.</summary>
public sealed record RunRecord(long Id, string CycleId, DateTime StartTime, DateTime? EndTime, Outcome Outcome, string? Error, string? Worker)
{
    public SnapshotRun ToProto() => new()
    {
        Name = $"{CycleNames.Format(CycleId)}/snapshotRuns/{Id}",
        Cycle = CycleNames.Format(CycleId),
        StartTime = StartTime.ToProto(),
        EndTime = EndTime?.ToProto(),
        Outcome = Outcome,
        Error = Error ?? "",
        Worker = Worker ?? "",
    };
}

/// <summary>
/// Storage of snapshots and of the worker's runs. <see cref="SaveAsync"/> writes a snapshot exactly
/// once per cycle: one transaction takes a lock per cycle, re-checks that the cycle is still PLANNED
/// without a snapshot, inserts the snapshot (UNIQUE on the cycle is the last line of defence), moves
/// the cycle to SNAPSHOT_TAKEN and finishes the run record.
/// </summary>
public sealed class SnapshotStore(Database database, ReportingCycleRepository cycles, ISnapshotFaultInjector faults, TimeProvider clock)
{
    private readonly SnapshotSql _sql = new(database.Dialect);

    public static readonly IReadOnlyDictionary<string, FilterField> SnapshotFilterFields = new Dictionary<string, FilterField>
    {
        ["reference_date"] = new("reference_date", v => DateOnly.TryParseExact(v, "yyyy-MM-dd", out var d)
            ? d : throw new FormatException($"'{v}' is not a date (YYYY-MM-DD)")),
    };

    public static readonly IReadOnlyDictionary<string, FilterField> RunFilterFields = new Dictionary<string, FilterField>
    {
        ["outcome"] = new("outcome", v => ParseOutcome(v) != Outcome.Unspecified
            ? v : throw new FormatException($"'{v}' is not an outcome (RUNNING, SUCCEEDED, FAILED, SKIPPED)"), OrderedOperators: false),
    };

    /// <summary>Who the worker's writes are audited as.</summary>
    public static WriteContext WorkerWriter(string workerId) =>
        new(new Caller("snapshot-worker", "Snapshot worker " + workerId, new HashSet<string> { Roles.Worker }, []), "worker/SnapshotWorker");

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>PLANNED cycles without a snapshot whose knowledge cut-off has passed, oldest first.</summary>
    public async Task<IReadOnlyList<DueCycle>> DueCyclesAsync(CancellationToken ct)
    {
        var today = ReportingCalendar.BerlinDate(clock.GetUtcNow());
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<DueRow>(new CommandDefinition(_sql.SelectDue, new { Today = today }, cancellationToken: ct));
        // reporting_date < today (Berlin) means its cut-off, the start of the next Berlin day, has passed.
        return rows.Select(r => new DueCycle(r.Id, r.ReferenceDate, r.ReportingDate, JsonSerializer.Deserialize<List<string>>(r.Scope) ?? []))
            .ToList();
    }

    /// <summary>
    /// Opens a run record (RUNNING) for an attempt, and closes as FAILED ("abandoned") the cycle's runs
    /// a crashed worker left RUNNING: earlier ones of the same worker id, and any older than <paramref name="abandonAfter"/>.
    /// </summary>
    public Task<long> StartRunAsync(string cycleId, string workerId, TimeSpan abandonAfter, CancellationToken ct) =>
        database.InTransactionAsync(async (connection, transaction) =>
        {
            var now = Now;
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.InsertRun,
                new { CycleId = cycleId, StartTime = now, Worker = workerId }, transaction, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(_sql.AbandonRuns, new
            {
                CycleId = cycleId,
                Id = id,
                Now = now,
                Worker = workerId,
                StaleBefore = now - abandonAfter,
                Error = $"abandoned: the worker stopped before finishing the attempt; closed by run {id}",
            }, transaction, cancellationToken: ct));
            return id;
        }, ct);

    /// <summary>
    /// Closes as FAILED ("abandoned") every run of any cycle still RUNNING after <paramref name="abandonAfter"/>
    /// (e.g. one whose cycle another worker has since snapshotted). Returns how many.
    /// </summary>
    public async Task<int> AbandonStaleRunsAsync(TimeSpan abandonAfter, CancellationToken ct)
    {
        var now = Now;
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(_sql.AbandonStaleRuns, new
        {
            Now = now,
            StaleBefore = now - abandonAfter,
            Error = $"abandoned: still RUNNING after {abandonAfter}; the worker stopped before finishing the attempt",
        }, cancellationToken: ct));
    }

    public async Task FinishRunAsync(long runId, Outcome outcome, string? error, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(_sql.FinishRun,
            new { Id = runId, EndTime = Now, Outcome = OutcomeText(outcome), Error = Truncate(error) }, cancellationToken: ct));
    }

    /// <summary>
    /// Stores the snapshot of <paramref name="cycleId"/> exactly once: SUCCEEDED when this call wrote
    /// it, SKIPPED when the cycle is no longer PLANNED or another worker won the race. The run record
    /// is finished in the same transaction on success.
    /// </summary>
    public async Task<Outcome> SaveAsync(long runId, string cycleId, ComputedSnapshot computed, string workerId, CancellationToken ct)
    {
        try
        {
            var outcome = await database.InTransactionAsync(async (connection, transaction) =>
            {
                var granted = await connection.ExecuteScalarAsync<int>(new CommandDefinition(_sql.LockCycle,
                    new { Resource = "snapshot:" + cycleId, LockTimeoutMs = database.CommandTimeout * 1000 }, transaction, cancellationToken: ct));
                if (granted < 0) throw new TimeoutException($"The snapshot lock of {CycleNames.Format(cycleId)} was not granted (sp_getapplock returned {granted}).");
                var state = await connection.QuerySingleOrDefaultAsync<StateRow>(new CommandDefinition(_sql.SelectCycleState,
                    new { CycleId = cycleId }, transaction, cancellationToken: ct));
                var existing = await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.CountSnapshotsOfCycle,
                    new { CycleId = cycleId }, transaction, cancellationToken: ct));
                var now = Now;
                if (state is null || state.State != "PLANNED" || state.SnapshotName is not null || existing > 0)
                {
                    await connection.ExecuteAsync(new CommandDefinition(_sql.FinishRun, new
                    {
                        Id = runId, EndTime = now, Outcome = OutcomeText(Outcome.Skipped),
                        Error = state is null ? "the cycle no longer exists" : existing > 0 ? "another worker had already taken the snapshot" : $"the cycle is {state.State}",
                    }, transaction, cancellationToken: ct));
                    return Outcome.Skipped;
                }
                var snapshot = computed.Snapshot;
                await connection.ExecuteAsync(new CommandDefinition(_sql.InsertSnapshot, new
                {
                    CycleId = cycleId,
                    ReferenceDate = ProtoConvert.RequireDate(snapshot.ReferenceDate, "reference_date"),
                    KnownAt = snapshot.KnownAt.ToDateTime(),
                    CreateTime = now,
                    ContentSha256 = computed.Sha256,
                    Content = Convert.ToBase64String(computed.Content),
                }, transaction, cancellationToken: ct));
                await cycles.MarkSnapshotTakenAsync(connection, transaction, cycleId, snapshot.Name, WorkerWriter(workerId), ct);
                await connection.ExecuteAsync(new CommandDefinition(_sql.FinishRun,
                    new { Id = runId, EndTime = now, Outcome = OutcomeText(Outcome.Succeeded), Error = (string?)null }, transaction, cancellationToken: ct));
                await faults.OnStepAsync(SnapshotStep.BeforeCommit, cycleId, ct);
                return Outcome.Succeeded;
            }, ct);
            return outcome;
        }
        catch (Exception e) when (database.Dialect.IsUniqueViolation(e))
        {
            // Another worker committed the same cycle's snapshot between our check and our insert.
            await FinishRunAsync(runId, Outcome.Skipped, "another worker had already taken the snapshot (unique constraint)", ct);
            return Outcome.Skipped;
        }
    }

    public async Task<StoredSnapshot?> GetAsync(string cycleId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<SnapshotRow>(new CommandDefinition(_sql.SelectSnapshot, new { CycleId = cycleId }, cancellationToken: ct));
        return row?.ToStored();
    }

    /// <summary>The latest snapshot with a reference date before <paramref name="referenceDate"/>.</summary>
    public async Task<StoredSnapshot?> PreviousAsync(DateOnly referenceDate, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var row = await connection.QueryFirstOrDefaultAsync<SnapshotRow>(new CommandDefinition(_sql.SelectPrevious,
            new { ReferenceDate = referenceDate, Limit = 1 }, cancellationToken: ct));
        return row?.ToStored();
    }

    public async Task<IReadOnlyList<StoredSnapshot>> ListAsync(IReadOnlyList<FilterTerm> terms, DateOnly afterDate, string afterId, int limit, CancellationToken ct)
    {
        var where = new StringBuilder();
        var parameters = new DynamicParameters(new { AfterDate = afterDate, AfterId = afterId, Limit = limit });
        Filter.AppendSql(terms, SnapshotFilterFields, where, parameters);
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<SnapshotRow>(new CommandDefinition(_sql.SnapshotPage(where.ToString()), parameters, cancellationToken: ct));
        return rows.Select(r => r.ToStored()).ToList();
    }

    public async Task<IReadOnlyList<RunRecord>> ListRunsAsync(string? cycleId, IReadOnlyList<FilterTerm> terms, long after, int limit, CancellationToken ct)
    {
        var where = new StringBuilder();
        var parameters = new DynamicParameters(new { After = after, Limit = limit, CycleId = cycleId });
        if (cycleId is not null) where.Append(" AND cycle_id = @CycleId");
        Filter.AppendSql(terms, RunFilterFields, where, parameters);
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<RunRow>(new CommandDefinition(_sql.RunPage(where.ToString()), parameters, cancellationToken: ct));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<RunRecord?> GetRunAsync(long id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(_sql.SelectRun, new { Id = id }, cancellationToken: ct));
        return row?.ToRecord();
    }

    public static string OutcomeText(Outcome outcome) => outcome switch
    {
        Outcome.Running => "RUNNING",
        Outcome.Succeeded => "SUCCEEDED",
        Outcome.Failed => "FAILED",
        Outcome.Skipped => "SKIPPED",
        _ => "OUTCOME_UNSPECIFIED",
    };

    public static Outcome ParseOutcome(string text) => text switch
    {
        "RUNNING" => Outcome.Running,
        "SUCCEEDED" => Outcome.Succeeded,
        "FAILED" => Outcome.Failed,
        "SKIPPED" => Outcome.Skipped,
        _ => Outcome.Unspecified,
    };

    private static string? Truncate(string? error) => error is { Length: > 4000 } ? error[..4000] : error;

    private sealed class DueRow
    {
        public string Id { get; set; } = "";
        public DateOnly ReferenceDate { get; set; }
        public DateOnly ReportingDate { get; set; }
        public string Scope { get; set; } = "[]";
    }

    private sealed class StateRow
    {
        public string State { get; set; } = "";
        public string? SnapshotName { get; set; }
    }

    private sealed class SnapshotRow
    {
        public long Id { get; set; }
        public string CycleId { get; set; } = "";
        public DateOnly ReferenceDate { get; set; }
        public DateTime KnownAt { get; set; }
        public DateTime CreateTime { get; set; }
        public string ContentSha256 { get; set; } = "";
        public string Content { get; set; } = "";

        public StoredSnapshot ToStored() => new(CycleId, ReferenceDate, DbValues.Utc(KnownAt), DbValues.Utc(CreateTime), ContentSha256, Decode(Content));

        private static byte[] Decode(string content)
        {
            try { return Convert.FromBase64String(content); }
            catch (FormatException) { return Encoding.UTF8.GetBytes(content); }
        }
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

        public RunRecord ToRecord() => new(Id, CycleId, DbValues.Utc(StartTime), DbValues.Utc(EndTime), ParseOutcome(Outcome), Error, Worker);
    }
}
