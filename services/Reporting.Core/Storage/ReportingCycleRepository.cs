using Dapper;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Storage;
using Role = IntegrationServices.Contracts.Reporting.V1.Consultation.Types.Role;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;

namespace IntegrationServices.Reporting.Core.Storage;

/// <summary>Where a page of cycles continues: after this (reporting date, id).</summary>
public sealed record CycleKey(DateOnly ReportingDate, string Id);

/// <summary>
/// Storage of reporting cycles and their Beratungsfolge (Dapper, one code path for both dialects).
/// Enum values are stored by their proto names; the scope as a sorted JSON array with its hash, so
/// that (reference date, scope) can carry a unique index.
/// </summary>
public sealed class ReportingCycleRepository(Database database)
{
    private readonly ReportingCycleSql _sql = new(database.Dialect);

    /// <summary>The cycle; <paramref name="forUpdate"/> holds an update lock on it until the transaction ends.</summary>
    public async Task<Cycle?> GetAsync(DbScope db, string id, bool forUpdate, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<CycleRow>(forUpdate ? _sql.SelectForUpdate : _sql.Select, new { Id = id }, ct);
        return row is null ? null : await WithConsultationsAsync(db, row, ct);
    }

    public Task<long> CountAsync(DbScope db, CancellationToken ct) => db.ExecuteScalarAsync<long>(_sql.Count, null, ct);

    /// <summary>Cycles after the cursor's key in (reporting date, id) order, filtered; at most the cursor's limit.</summary>
    public async Task<IReadOnlyList<Cycle>> PageAsync(DbScope db, SqlFilter filter, PageCursor<CycleKey> cursor, CancellationToken ct)
    {
        var parameters = filter.AddTo(new DynamicParameters(new
        {
            AfterDate = cursor.After?.ReportingDate ?? DateOnly.MinValue,
            AfterId = cursor.After?.Id ?? "",
            cursor.Limit,
        }));
        return await WithConsultationsAsync(db, await db.QueryAsync<CycleRow>(_sql.Page(filter), parameters, ct), ct);
    }

    /// <summary>The cycles whose paper may be public on <paramref name="today"/> (<see cref="ReportingCycleSql.Published"/>), in id order.</summary>
    public async Task<IReadOnlyList<Cycle>> PublishedAsync(DbScope db, DateOnly today, CancellationToken ct)
    {
        return await WithConsultationsAsync(db, await db.QueryAsync<CycleRow>(_sql.Published, new { Today = today }, ct), ct);
    }

    /// <summary>The id of another live (not cancelled) cycle with the same reference date and scope, if any.</summary>
    public Task<string?> FindSameReferenceAsync(DbScope db, Cycle cycle, CancellationToken ct) =>
        db.QueryFirstOrDefaultAsync<string>(_sql.FindSameReference, new { cycle.ReferenceDate, ScopeHash = ScopeColumns.Hash(cycle.Scope), cycle.Id }, ct);

    public async Task InsertAsync(DbScope db, Cycle cycle, CancellationToken ct)
    {
        await db.ExecuteAsync(_sql.Insert, Parameters(cycle, expectedVersion: 0), ct);
        await InsertConsultationsAsync(db, cycle, ct);
    }

    /// <summary>
    /// Writes <paramref name="updated"/> over the version of <paramref name="current"/> that was read,
    /// replacing the Beratungsfolge when it changed; false when another writer got there first.
    /// </summary>
    public async Task<bool> UpdateAsync(DbScope db, Cycle updated, Cycle current, CancellationToken ct)
    {
        var rows = await db.ExecuteAsync(_sql.Update, Parameters(updated, current.Version), ct);
        if (rows != 1) return false;
        if (!updated.Consultations.SequenceEqual(current.Consultations))
        {
            await db.ExecuteAsync(_sql.DeleteConsultations, new { CycleId = updated.Id }, ct);
            await InsertConsultationsAsync(db, updated, ct);
        }
        return true;
    }

    private async Task InsertConsultationsAsync(DbScope db, Cycle cycle, CancellationToken ct)
    {
        foreach (var c in cycle.Consultations)
            await db.ExecuteAsync(_sql.InsertConsultation, new
            {
                CycleId = cycle.Id,
                Position = c.Order,
                c.Organization,
                Role = ProtoEnum<Role>.Name(c.Role),
                c.Authoritative,
                c.MeetingDate,
                IsPublic = c.Public,
                c.Result,
                c.Postponed,
            }, ct);
    }

    private async Task<IReadOnlyList<Cycle>> WithConsultationsAsync(DbScope db, IReadOnlyList<CycleRow> rows, CancellationToken ct)
    {
        var cycles = new List<Cycle>(rows.Count);
        foreach (var row in rows) cycles.Add(await WithConsultationsAsync(db, row, ct));
        return cycles;
    }

    private async Task<Cycle> WithConsultationsAsync(DbScope db, CycleRow row, CancellationToken ct)
    {
        var consultations = await db.QueryAsync<ConsultationRow>(_sql.SelectConsultations, new { CycleId = row.Id }, ct);
        return new Cycle
        {
            Id = row.Id,
            Title = row.Title,
            Description = row.Description,
            ReferenceDate = row.ReferenceDate,
            ReportingDate = row.ReportingDate,
            Scope = ScopeColumns.Parse(row.Scope),
            Paper = Paper.OrNone(new Paper(row.PaperReference, row.PaperType, row.PaperTitle, row.PaperUnderDirectionOf, row.PaperDate)),
            // A role the importer could not map is stored as ROLE_UNSPECIFIED and read back as such.
            Consultations = consultations.Select(c => new ConsultationEntry(c.Position, c.Organization,
                ProtoEnum<Role>.TryParse(c.Role, out var role) ? role : Role.Unspecified,
                c.Authoritative, c.MeetingDate, c.IsPublic, c.Result, c.Postponed)).ToList(),
            State = ProtoEnum<State>.Parse(row.State),
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
        Scope = ScopeColumns.Json(cycle.Scope),
        ScopeHash = ScopeColumns.Hash(cycle.Scope),
        PaperReference = cycle.Paper?.Reference,
        PaperType = cycle.Paper?.PaperType,
        PaperTitle = cycle.Paper?.Title,
        PaperUnderDirectionOf = cycle.Paper?.UnderDirectionOf,
        PaperDate = cycle.Paper?.Date,
        State = ProtoEnum<State>.Name(cycle.State),
        SnapshotName = cycle.Snapshot,
        cycle.Version,
        cycle.CreateTime,
        cycle.UpdateTime,
        ExpectedVersion = expectedVersion,
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
