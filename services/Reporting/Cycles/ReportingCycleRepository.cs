using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Storage;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;

namespace IntegrationServices.Reporting.Cycles;

/// <summary>Storage of reporting cycles and their Beratungsfolge (Dapper, one code path for both dialects).</summary>
public sealed class ReportingCycleRepository(Database database, AuditTrail audit, RequestIds requestIds, TimeProvider clock)
{
    private readonly ReportingCycleSql _sql = new(database.Dialect);

    public static readonly IReadOnlyDictionary<string, FilterField> FilterFields = new Dictionary<string, FilterField>
    {
        ["state"] = new("state", v => EnumText.Of(EnumText.ParseState(v)), OrderedOperators: false),
        ["reporting_date"] = new("reporting_date", v => DateOnly.TryParseExact(v, "yyyy-MM-dd", out var d)
            ? d : throw new FormatException($"'{v}' is not a date (YYYY-MM-DD)")),
    };

    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<Cycle?> GetAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await LoadAsync(connection, null, id, forUpdate: false, ct);
    }

    public async Task<long> CountAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.Count, cancellationToken: ct));
    }

    /// <summary>A page of cycles after (afterDate, afterId), filtered; one more than asked to detect the end.</summary>
    public async Task<IReadOnlyList<Cycle>> ListAsync(IReadOnlyList<FilterTerm> terms, DateOnly afterDate, string afterId, int limit, CancellationToken ct)
    {
        var where = new StringBuilder();
        var parameters = new DynamicParameters(new { AfterDate = afterDate, AfterId = afterId, Limit = limit });
        Filter.AppendSql(terms, FilterFields, where, parameters);
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<CycleRow>(new CommandDefinition(_sql.Page(where.ToString()), parameters, cancellationToken: ct));
        var cycles = new List<Cycle>();
        foreach (var row in rows) cycles.Add(await WithConsultationsAsync(connection, null, row, ct));
        return cycles;
    }

    /// <summary>
    /// Creates a cycle (idempotent per request id). Consultation results come only with historical
    /// data (imports and seeding); the public create never has any.
    /// </summary>
    public Task<string> CreateAsync(Cycle cycle, WriteContext writer, string? requestId, Google.Protobuf.IMessage request, CancellationToken ct) =>
        requestIds.CreateOnceAsync(writer, requestId, request, async db =>
        {
            await InsertAsync(db.Connection, db.Transaction!, cycle, writer, ct);
            return cycle.Name;
        }, ct);

    /// <summary>
    /// Creates each cycle that exists neither by id nor by (reference date, scope); returns every cycle
    /// of the list as stored afterwards, and how many were new. One transaction.
    /// </summary>
    public async Task<(IReadOnlyList<Cycle> Cycles, int Created)> PlanAsync(IReadOnlyList<Cycle> wanted, WriteContext writer, CancellationToken ct,
        bool isRetry = false)
    {
        try
        {
            return await database.InTransactionAsync(async (connection, transaction) =>
            {
                var result = new List<Cycle>();
                var created = 0;
                foreach (var cycle in wanted)
                {
                    var existing = await LoadAsync(connection, transaction, cycle.Id, forUpdate: true, ct);
                    if (existing is null)
                    {
                        var sameId = await connection.QueryFirstOrDefaultAsync<string>(new CommandDefinition(_sql.FindSameReference,
                            new { cycle.ReferenceDate, ScopeHash = ScopeHash(cycle.Scope), cycle.Id }, transaction, cancellationToken: ct));
                        if (sameId is not null) existing = await LoadAsync(connection, transaction, sameId, forUpdate: false, ct);
                    }
                    if (existing is not null) { result.Add(existing); continue; }
                    await InsertAsync(connection, transaction, cycle, writer, ct);
                    result.Add(cycle);
                    created++;
                }
                return ((IReadOnlyList<Cycle>)result, created);
            }, ct);
        }
        catch (ServiceException) when (!isRetry)
        {
            // A concurrent planner created some of them first (the insert lost on a unique key):
            // once more, the existing ones are found and returned.
            return await PlanAsync(wanted, writer, ct, isRetry: true);
        }
    }

    /// <summary>
    /// Load – check etag – apply – save, in one transaction with the audit record. <paramref name="apply"/>
    /// returns the new cycle (version already incremented) and the change to audit.
    /// </summary>
    public async Task<Cycle> ModifyAsync(string id, string? etag, WriteContext writer, Func<Cycle, (Cycle Updated, object Change)> apply, CancellationToken ct)
    {
        try
        {
            return await database.InTransactionAsync(async (connection, transaction) =>
            {
                var current = await LoadAsync(connection, transaction, id, forUpdate: true, ct)
                    ?? throw ServiceException.NotFound(CycleNames.Format(id));
                if (!string.IsNullOrEmpty(etag) && etag != current.Etag) throw ServiceException.StaleEtag(current.Name);
                var (updated, change) = apply(current);
                if (updated.State != State.Cancelled && (updated.ReferenceDate != current.ReferenceDate || !updated.Scope.SequenceEqual(current.Scope)))
                    await EnsureUniqueReferenceAsync(connection, transaction, updated, ct);
                var rows = await connection.ExecuteAsync(new CommandDefinition(_sql.Update,
                    Parameters(updated, expectedVersion: current.Version), transaction, cancellationToken: ct));
                if (rows != 1) throw ServiceException.StaleEtag(current.Name);
                if (!updated.Consultations.SequenceEqual(current.Consultations))
                {
                    await connection.ExecuteAsync(new CommandDefinition(_sql.DeleteConsultations, new { CycleId = id }, transaction, cancellationToken: ct));
                    await InsertConsultationsAsync(connection, transaction, updated, ct);
                }
                await audit.AppendAsync(connection, transaction, writer.Caller, writer.Method, updated.Name, change, ct);
                return updated;
            }, ct);
        }
        catch (Exception e) when (database.Dialect.IsUniqueViolation(e))
        {
            throw DuplicateReference(null);
        }
    }

    /// <summary>The snapshot worker's transition PLANNED → SNAPSHOT_TAKEN, inside its own transaction.</summary>
    public async Task<Cycle> MarkSnapshotTakenAsync(DbConnection connection, DbTransaction transaction, string id, string snapshotName, WriteContext writer, CancellationToken ct)
    {
        var current = await LoadAsync(connection, transaction, id, forUpdate: true, ct) ?? throw ServiceException.NotFound(CycleNames.Format(id));
        var updated = CycleRules.SnapshotTaken(current, snapshotName, Now);
        var rows = await connection.ExecuteAsync(new CommandDefinition(_sql.Update, Parameters(updated, current.Version), transaction, cancellationToken: ct));
        if (rows != 1) throw ServiceException.StaleEtag(current.Name);
        await audit.AppendAsync(connection, transaction, writer.Caller, writer.Method, updated.Name,
            new { snapshot = snapshotName, state = new { old = EnumText.Of(current.State), @new = EnumText.Of(updated.State) } }, ct);
        return updated;
    }

    /// <summary>Same as the overload above, in a transaction of its own.</summary>
    public Task<Cycle> MarkSnapshotTakenAsync(string id, string snapshotName, WriteContext writer, CancellationToken ct) =>
        database.InTransactionAsync((c, t) => MarkSnapshotTakenAsync(c, t, id, snapshotName, writer, ct), ct);

    // ---- internals ----------------------------------------------------------------------------

    private async Task InsertAsync(DbConnection connection, DbTransaction transaction, Cycle cycle, WriteContext writer, CancellationToken ct)
    {
        if (await LoadAsync(connection, transaction, cycle.Id, forUpdate: false, ct) is not null)
            throw ServiceException.AlreadyExists(cycle.Name, $"{cycle.Name} already exists; choose another reporting_cycle_id or leave it empty.");
        await EnsureUniqueReferenceAsync(connection, transaction, cycle, ct);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(_sql.Insert, Parameters(cycle, 0), transaction, cancellationToken: ct));
        }
        catch (Exception e) when (database.Dialect.IsUniqueViolation(e))
        {
            throw ServiceException.AlreadyExists(cycle.Name, $"{cycle.Name} or another cycle with reference date {cycle.ReferenceDate.Iso()} and the same scope was created at the same time; read it and retry if needed.");
        }
        await InsertConsultationsAsync(connection, transaction, cycle, ct);
        await audit.AppendAsync(connection, transaction, writer.Caller, writer.Method, cycle.Name, new { created = Summary(cycle) }, ct);
    }

    private async Task EnsureUniqueReferenceAsync(DbConnection connection, DbTransaction transaction, Cycle cycle, CancellationToken ct)
    {
        var other = await connection.QueryFirstOrDefaultAsync<string>(new CommandDefinition(_sql.FindSameReference,
            new { cycle.ReferenceDate, ScopeHash = ScopeHash(cycle.Scope), cycle.Id }, transaction, cancellationToken: ct));
        if (other is not null) throw DuplicateReference(other, cycle);
    }

    private static ServiceException DuplicateReference(string? otherId, Cycle? cycle = null) =>
        ServiceException.FailedPrecondition("DUPLICATE_REFERENCE_DATE",
            otherId is null
                ? "Another cycle with the same reference date and scope exists; use it, cancel it while it is PLANNED, or choose another reference date or scope."
                : $"{CycleNames.Format(otherId)} already reports on {cycle!.ReferenceDate.Iso()} with the same scope; use that cycle, cancel it while it is PLANNED, or choose another reference date or scope.");

    private async Task InsertConsultationsAsync(DbConnection connection, DbTransaction transaction, Cycle cycle, CancellationToken ct)
    {
        foreach (var c in cycle.Consultations)
            await connection.ExecuteAsync(new CommandDefinition(_sql.InsertConsultation, new
            {
                CycleId = cycle.Id,
                Position = c.Order,
                c.Organization,
                Role = EnumText.Of(c.Role),
                c.Authoritative,
                c.MeetingDate,
                IsPublic = c.Public,
                c.Result,
                c.Postponed,
            }, transaction, cancellationToken: ct));
    }

    private async Task<Cycle?> LoadAsync(DbConnection connection, DbTransaction? transaction, string id, bool forUpdate, CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<CycleRow>(new CommandDefinition(
            forUpdate ? _sql.SelectForUpdate : _sql.Select, new { Id = id }, transaction, cancellationToken: ct));
        return row is null ? null : await WithConsultationsAsync(connection, transaction, row, ct);
    }

    private async Task<Cycle> WithConsultationsAsync(DbConnection connection, DbTransaction? transaction, CycleRow row, CancellationToken ct)
    {
        var consultations = await connection.QueryAsync<ConsultationRow>(new CommandDefinition(
            _sql.SelectConsultations, new { CycleId = row.Id }, transaction, cancellationToken: ct));
        var paper = new Paper(row.PaperReference, row.PaperType, row.PaperTitle, row.PaperUnderDirectionOf, row.PaperDate);
        return new Cycle
        {
            Id = row.Id,
            Title = row.Title,
            Description = row.Description,
            ReferenceDate = row.ReferenceDate,
            ReportingDate = row.ReportingDate,
            Scope = JsonSerializer.Deserialize<List<string>>(row.Scope) ?? [],
            Paper = paper.IsEmpty ? null : paper,
            Consultations = consultations.Select(c => new ConsultationEntry(c.Position, c.Organization, EnumText.ParseRole(c.Role),
                c.Authoritative, c.MeetingDate, c.IsPublic, c.Result, c.Postponed)).ToList(),
            State = EnumText.ParseState(row.State),
            Snapshot = row.SnapshotName,
            Version = row.Version,
            CreateTime = DbValues.Utc(row.CreateTime),
            UpdateTime = DbValues.Utc(row.UpdateTime),
        };
    }

    private static object Parameters(Cycle cycle, long expectedVersion) => new
    {
        cycle.Id,
        cycle.Title,
        cycle.Description,
        cycle.ReferenceDate,
        cycle.ReportingDate,
        Scope = JsonSerializer.Serialize(cycle.Scope),
        ScopeHash = ScopeHash(cycle.Scope),
        PaperReference = cycle.Paper?.Reference,
        PaperType = cycle.Paper?.PaperType,
        PaperTitle = cycle.Paper?.Title,
        PaperUnderDirectionOf = cycle.Paper?.UnderDirectionOf,
        PaperDate = cycle.Paper?.Date,
        State = EnumText.Of(cycle.State),
        SnapshotName = cycle.Snapshot,
        cycle.Version,
        cycle.CreateTime,
        cycle.UpdateTime,
        ExpectedVersion = expectedVersion,
    };

    public static string ScopeHash(IReadOnlyList<string> scope) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(scope.OrderBy(s => s, StringComparer.Ordinal)))));

    private static object Summary(Cycle c) => new
    {
        c.Title,
        reference_date = c.ReferenceDate.Iso(),
        reporting_date = c.ReportingDate.Iso(),
        c.Scope,
        c.Paper,
        consultations = c.Consultations.Count,
        state = EnumText.Of(c.State),
    };

    private sealed class CycleRow
    {
        public string Id { get; set; } = "";
        public string Title { get; set; } = "";
        public string Description { get; set; } = "";
        public DateOnly ReferenceDate { get; set; }
        public DateOnly ReportingDate { get; set; }
        public string Scope { get; set; } = "[]";
        public string? PaperReference { get; set; }
        public string? PaperType { get; set; }
        public string? PaperTitle { get; set; }
        public string? PaperUnderDirectionOf { get; set; }
        public DateOnly? PaperDate { get; set; }
        public string State { get; set; } = "";
        public string? SnapshotName { get; set; }
        public long Version { get; set; }
        public DateTime CreateTime { get; set; }
        public DateTime UpdateTime { get; set; }
    }

    private sealed class ConsultationRow
    {
        public int Position { get; set; }
        public string Organization { get; set; } = "";
        public string Role { get; set; } = "";
        public bool Authoritative { get; set; }
        public DateOnly? MeetingDate { get; set; }
        public bool IsPublic { get; set; }
        public string? Result { get; set; }
        public bool Postponed { get; set; }
    }
}
