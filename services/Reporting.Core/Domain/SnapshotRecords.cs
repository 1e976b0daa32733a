using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.ServiceDefaults.Api;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;

namespace IntegrationServices.Reporting.Core.Domain;

/// <summary>A cycle whose snapshot is due.</summary>
public sealed record DueCycle(string Id, DateOnly ReferenceDate, DateOnly ReportingDate, IReadOnlyList<string> Scope)
{
    public DateTime KnownAt => ReportingCalendar.KnowledgeCutoff(ReportingDate);

    public SnapshotInput Input => new(Id, ReferenceDate, KnownAt, Scope);
}

/// <summary>A stored snapshot: the canonical content as written, and the columns around it.</summary>
public sealed record StoredSnapshot(string CycleId, DateOnly ReferenceDate, DateTime KnownAt, DateTime CreateTime, string ContentSha256, byte[] Content)
{
    /// <summary>
    /// The snapshot as served: the content plus create_time and content_sha256. The BASIC view (AIP-157) leaves
    /// out what grows with the number of measures: the per-measure entries and the measure lists of the changes.
    /// </summary>
    public Snapshot ToProto(SnapshotView view = SnapshotView.Full)
    {
        var snapshot = Snapshot.Parser.ParseFrom(Content);
        snapshot.CreateTime = CreateTime.ToProto();
        snapshot.ContentSha256 = ContentSha256;
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
}

/// <summary>One worker attempt at a cycle's snapshot, as stored.</summary>
public sealed record SnapshotRunRecord(long Id, string CycleId, DateTime StartTime, DateTime? EndTime, Outcome Outcome, string? Error, string? Worker)
{
    public string Name => ReportingNames.Run(CycleId, Id);
}
