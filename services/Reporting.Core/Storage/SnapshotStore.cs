using System.Text;
using System.Text.Json;
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

    /// <summary>PLANNED cycles without a snapshot whose reporting date lies before <paramref name="today"/> (Berlin), oldest first.</summary>
    public async Task<IReadOnlyList<DueCycle>> DueAsync(DbScope db, DateOnly today, CancellationToken ct)
    {
        var rows = await db.QueryAsync<DueRow>(_sql.SelectDue, new { Today = today }, ct);
        return rows.Select(r => new DueCycle(r.Id, r.ReferenceDate, r.ReportingDate, JsonSerializer.Deserialize<List<string>>(r.Scope) ?? [])).ToList();
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

    public Task InsertAsync(DbScope db, string cycleId, ComputedSnapshot computed, DateTime createTime, CancellationToken ct) =>
        db.ExecuteAsync(_sql.InsertSnapshot, new
        {
            CycleId = cycleId,
            ReferenceDate = new DateOnly(computed.Snapshot.ReferenceDate.Year, computed.Snapshot.ReferenceDate.Month, computed.Snapshot.ReferenceDate.Day),
            KnownAt = computed.Snapshot.KnownAt.ToDateTime(),
            CreateTime = createTime,
            ContentSha256 = computed.Sha256,
            Content = Convert.ToBase64String(computed.Content),
        }, ct);

    public async Task<StoredSnapshot?> GetAsync(DbScope db, string cycleId, CancellationToken ct) =>
        (await db.QuerySingleOrDefaultAsync<SnapshotRow>(_sql.SelectSnapshot, new { CycleId = cycleId }, ct))?.ToStored();

    /// <summary>The latest snapshot with a reference date before <paramref name="referenceDate"/>.</summary>
    public async Task<StoredSnapshot?> PreviousAsync(DbScope db, DateOnly referenceDate, CancellationToken ct) =>
        (await db.QueryFirstOrDefaultAsync<SnapshotRow>(_sql.SelectPrevious, new { ReferenceDate = referenceDate, Limit = 1 }, ct))?.ToStored();

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
}
