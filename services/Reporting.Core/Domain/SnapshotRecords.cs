using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.ServiceDefaults.Api;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;

namespace IntegrationServices.Reporting.Core.Domain;

/// <summary>
/// A cycle whose snapshot is due, as the due query saw it: its definition (dates and scope) with the
/// version it was read at, which the attempt carries into the store, and when the backoff after its
/// last failed attempt lets the worker try it again (none: at once).
/// </summary>
public sealed record DueCycle(string Id, DateOnly ReferenceDate, DateOnly ReportingDate, IReadOnlyList<string> Scope, long Version,
    DateTime? NextAttemptTime = null)
{
    public DateTime KnownAt => ReportingCalendar.KnowledgeCutoff(ReportingDate);

    /// <summary>What the snapshot is computed from, with the rules of <paramref name="contentVersion"/>.</summary>
    public SnapshotInput Input(int contentVersion) => new(Id, ReferenceDate, KnownAt, Scope, contentVersion);

    /// <summary>The backoff of an earlier failure no longer holds the cycle back at <paramref name="now"/>.</summary>
    public bool IsReadyAt(DateTime now) => NextAttemptTime is not { } next || next <= now;
}

/// <summary>A stored snapshot: the canonical content as written, and the columns around it.</summary>
public sealed record StoredSnapshot(string CycleId, DateOnly ReferenceDate, DateTime KnownAt, DateTime CreateTime, string ContentSha256,
    byte[] Content, int ContentVersion, IReadOnlyList<string> Scope, long? RunId)
{
    /// <summary>
    /// The snapshot as served: the content plus create_time and content_sha256, and the rules and scope
    /// it was taken with (a version-1 content holds neither; see <see cref="SnapshotContent.CanonicalBytes"/>).
    /// The BASIC view (AIP-157) leaves out what grows with the number of measures: the per-measure entries
    /// and the measure lists of the changes.
    /// </summary>
    public Snapshot ToProto(SnapshotView view = SnapshotView.Full)
    {
        var snapshot = Snapshot.Parser.ParseFrom(Content);
        snapshot.CreateTime = CreateTime.ToProto();
        snapshot.ContentSha256 = ContentSha256;
        snapshot.ContentVersion = ContentVersion;
        snapshot.Scope.Clear();
        snapshot.Scope.AddRange(Scope);
        if (view == SnapshotView.Basic)
        {
            snapshot.Measures?.Entries.Clear();
            if (snapshot.Changes is { } changes)
            {
                changes.StatusChanges.Clear();
                changes.NewMeasures.Clear();
                changes.RetiredMeasures.Clear();
            }
        }
        return snapshot;
    }

    /// <summary>The stored content still hashes to the recorded value.</summary>
    public bool IsIntact => SnapshotContent.Sha256Hex(Content) == ContentSha256;

    /// <summary>What the snapshot was computed from: its own dates, scope and rules, never the cycle's current ones.</summary>
    public SnapshotInput Input => new(CycleId, ReferenceDate, KnownAt, Scope, ContentVersion);
}

/// <summary>One worker attempt at a cycle's snapshot, as stored.</summary>
public sealed record SnapshotRunRecord(long Id, string CycleId, DateTime StartTime, DateTime? EndTime, Outcome Outcome, string? Error, string? Worker,
    DateTime? HeartbeatTime, DateTime? NextAttemptTime)
{
    public string Name => ReportingNames.Run(CycleId, Id);
}
