using System.Text;
using Dapper;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Reporting.Core.Storage;

/// <summary>Where a page of snapshots continues: after this (reference date, cycle id).</summary>
public sealed record SnapshotKey(DateOnly ReferenceDate, string CycleId);

/// <summary>
/// Storage of snapshots, one per cycle (UNIQUE on the cycle). The content is the canonical protobuf
/// bytes, stored as base64 text so that both dialects keep it byte for byte.
/// </summary>
public sealed class SnapshotStore(Database database)
{
    private readonly SnapshotSql _sql = new(database.Dialect);

    /// <summary>
    /// PLANNED cycles without a snapshot whose reporting date lies before <paramref name="dueBefore"/>
    /// (see <see cref="SnapshotSchedule.DueBefore"/>), oldest first, with their version and backoff.
    /// </summary>
    public async Task<IReadOnlyList<DueCycle>> DueAsync(DbScope db, DateOnly dueBefore, CancellationToken ct)
    {
        var rows = await db.QueryAsync<DueRow>(_sql.SelectDue, new { DueBefore = dueBefore }, ct);
        return rows.Select(r => new DueCycle(r.Id, r.ReferenceDate, r.ReportingDate, ScopeColumns.Parse(r.Scope), r.Version,
            DbValues.Utc(r.NextAttemptTime))).ToList();
    }

    /// <summary>
    /// Takes the lock that serializes the writers of one cycle's snapshot until the transaction ends;
    /// false when it was not granted within the statement timeout.
    /// </summary>
    public async Task<bool> LockCycleAsync(DbScope db, string cycleId, CancellationToken ct) =>
        await db.ExecuteScalarAsync<int>(_sql.LockCycle,
            new { Resource = "snapshot:" + cycleId, LockTimeoutMs = database.CommandTimeout * 1000 }, ct) >= 0;

    public Task<long> CountOfCycleAsync(DbScope db, string cycleId, CancellationToken ct) =>
        db.ExecuteScalarAsync<long>(_sql.CountSnapshotsOfCycle, new { CycleId = cycleId }, ct);

    /// <summary>Inserts the snapshot of <paramref name="input"/>, stored by the run <paramref name="runId"/>.</summary>
    public Task InsertAsync(DbScope db, SnapshotInput input, ComputedSnapshot computed, long runId, DateTime createTime, CancellationToken ct) =>
        db.ExecuteAsync(_sql.InsertSnapshot, new
        {
            input.CycleId,
            input.ReferenceDate,
            input.KnownAt,
            CreateTime = createTime,
            ContentSha256 = computed.Sha256,
            Content = Convert.ToBase64String(computed.Content),
            input.ContentVersion,
            Scope = ScopeColumns.Json(input.Scope),
            ScopeHash = ScopeColumns.Hash(input.Scope),
            RunId = runId,
        }, ct);

    public async Task<StoredSnapshot?> GetAsync(DbScope db, string cycleId, CancellationToken ct) =>
        (await db.QuerySingleOrDefaultAsync<SnapshotRow>(_sql.SelectSnapshot, new { CycleId = cycleId }, ct))?.ToStored();

    /// <summary>The latest snapshot of <paramref name="scope"/> with a reference date before <paramref name="referenceDate"/>.</summary>
    public async Task<StoredSnapshot?> LatestEarlierAsync(DbScope db, IReadOnlyList<string> scope, DateOnly referenceDate, CancellationToken ct) =>
        (await db.QueryFirstOrDefaultAsync<SnapshotRow>(_sql.SelectLatestEarlier,
            new { ScopeHash = ScopeColumns.Hash(scope), ReferenceDate = referenceDate, Limit = 1 }, ct))?.ToStored();

    /// <summary>Snapshots after the cursor's key in (reference date, cycle id) order, filtered; at most the cursor's limit.</summary>
    public async Task<IReadOnlyList<StoredSnapshot>> PageAsync(DbScope db, SqlFilter filter, PageCursor<SnapshotKey> cursor, CancellationToken ct)
    {
        var parameters = filter.AddTo(new DynamicParameters(new
        {
            AfterDate = cursor.After?.ReferenceDate ?? DateOnly.MinValue,
            AfterId = cursor.After?.CycleId ?? "",
            cursor.Limit,
        }));
        return (await db.QueryAsync<SnapshotRow>(_sql.SnapshotPage(filter), parameters, ct)).Select(r => r.ToStored()).ToList();
    }

    private sealed class DueRow
    {
        public string Id { get; set; } = "";
        public DateOnly ReferenceDate { get; set; }
        public DateOnly ReportingDate { get; set; }
        public string Scope { get; set; } = "[]";
        public long Version { get; set; }
        public DateTime? NextAttemptTime { get; set; }
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
        public int ContentVersion { get; set; }
        public string Scope { get; set; } = "[]";
        public long? RunId { get; set; }

        public StoredSnapshot ToStored() => new(CycleId, ReferenceDate, DbValues.Utc(KnownAt), DbValues.Utc(CreateTime), ContentSha256,
            Decode(Content), ContentVersion, ScopeColumns.Parse(Scope), RunId);

        private static byte[] Decode(string content)
        {
            try { return Convert.FromBase64String(content); }
            catch (FormatException) { return Encoding.UTF8.GetBytes(content); }
        }
    }
}
