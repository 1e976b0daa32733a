using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.Reporting.Core.Storage;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Reporting.Core.Application;

/// <summary>What VerifySnapshot found: whether the stored content is intact and recomputes to the same hash.</summary>
public sealed record SnapshotVerification(bool Matches, string StoredSha256, string RecomputedSha256);

/// <summary>
/// The snapshots the worker froze, as the API reads them: one snapshot, pages of snapshots and of the
/// worker's runs, the changes between two snapshots, and the recomputation that verifies one.
/// </summary>
public sealed class SnapshotApplication(
    Database database, SnapshotStore snapshots, SnapshotRunStore runs, SnapshotComputation computation, TimeProvider clock)
{
    public async Task<StoredSnapshot> GetAsync(string cycleId, CancellationToken ct) =>
        await database.ReadAsync(db => snapshots.GetAsync(db, cycleId, ct), ct)
        ?? throw ServiceException.NotFound(ReportingNames.Snapshot(cycleId));

    /// <summary>
    /// ListSnapshots: in (reference date, cycle) order, filtered by <c>reference_date</c>, in <paramref name="view"/>;
    /// a page also ends before its snapshots together exceed <paramref name="maxBytes"/> (serialized).
    /// </summary>
    public async Task<Page<Snapshot>> ListAsync(int pageSize, string? pageToken, string? filter, SnapshotView view, long maxBytes, CancellationToken ct)
    {
        var sqlFilter = SnapshotSql.Filters.Parse(filter);
        var page = await Paging.Page<(StoredSnapshot Stored, Snapshot Shown), SnapshotKey>(pageSize, pageToken, Paging.Selection("snapshots", filter), clock,
            async cursor => (await database.ReadAsync(db => snapshots.PageAsync(db, sqlFilter, cursor, ct), ct)).Select(s => (s, s.ToProto(view))).ToList(),
            row => new SnapshotKey(row.Stored.ReferenceDate, row.Stored.CycleId),
            // A repeated message field: one tag byte, the length, the message.
            row => 1 + Google.Protobuf.CodedOutputStream.ComputeMessageSize(row.Shown), maxBytes);
        return new Page<Snapshot>(page.Rows.Select(r => r.Shown).ToList(), page.NextPageToken);
    }

    /// <summary>ListSnapshotRuns: the worker's attempts in the order they began, of one cycle or of all, filtered by <c>outcome</c>.</summary>
    public Task<Page<SnapshotRunRecord>> ListRunsAsync(string? cycleId, int pageSize, string? pageToken, string? filter, CancellationToken ct)
    {
        var sqlFilter = SnapshotRunSql.Filters.Parse(filter);
        return Paging.Page<SnapshotRunRecord, long>(pageSize, pageToken, Paging.Selection("snapshotRuns", cycleId, filter), clock,
            cursor => database.ReadAsync(db => runs.PageAsync(db, cycleId, sqlFilter, cursor, ct), ct),
            run => run.Id);
    }

    /// <summary>The changes from the snapshot of <paramref name="baseCycleId"/> to that of <paramref name="targetCycleId"/>.</summary>
    public async Task<SnapshotChanges> CompareAsync(string baseCycleId, string targetCycleId, CancellationToken ct)
    {
        var @base = await GetAsync(baseCycleId, ct);
        var target = await GetAsync(targetCycleId, ct);
        return SnapshotComparison.Compare(@base.ToProto(), target.ToProto());
    }

    /// <summary>
    /// Recomputes the snapshot through the services with its own reference date, cut-off, scope and
    /// content version — never the cycle's current ones — and against the base it was compared with when
    /// taken: the content as stored must still hash to the recorded value, and the recomputation must give it again.
    /// </summary>
    public async Task<SnapshotVerification> VerifyAsync(string cycleId, CancellationToken ct)
    {
        var stored = await GetAsync(cycleId, ct);
        if (!SnapshotAggregator.IsKnown(stored.ContentVersion))
            throw ServiceException.FailedPrecondition("CONTENT_VERSION_UNKNOWN",
                $"{ReportingNames.Snapshot(cycleId)} was taken with content version {stored.ContentVersion}, which this Reporting service does not know (1–{SnapshotAggregator.Latest}); verify it with an up-to-date replica.");
        Snapshot? @base = null;
        if (ReportingNames.CycleIdOfSnapshot(stored.ToProto().Changes?.Base) is { } baseId)
            @base = (await database.ReadAsync(db => snapshots.GetAsync(db, baseId, ct), ct))?.ToProto();
        var recomputed = await computation.ComputeAsync(stored.Input, @base, ct);
        return new SnapshotVerification(stored.IsIntact && recomputed.Sha256 == stored.ContentSha256, stored.ContentSha256, recomputed.Sha256);
    }
}
