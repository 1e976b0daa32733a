namespace IntegrationServices.Reporting.Snapshots;

/// <summary>The points between the steps of one snapshot attempt.</summary>
public enum SnapshotStep
{
    /// <summary>The measures (and their catalogue titles) have been read.</summary>
    MeasuresRead,
    /// <summary>The demographic summary has been read.</summary>
    DemographicsRead,
    /// <summary>The snapshot is aggregated and hashed, nothing is written yet.</summary>
    Aggregated,
    /// <summary>Inside the storing transaction: snapshot inserted, cycle moved, run finished; not committed.</summary>
    BeforeCommit,
}

/// <summary>
/// Test seam called between the steps of a snapshot attempt, so that tests can make an attempt fail
/// (throw) at any point and check that nothing partial is left behind. No-op in production.
/// </summary>
public interface ISnapshotFaultInjector
{
    ValueTask OnStepAsync(SnapshotStep step, string cycleId, CancellationToken ct);
}

public sealed class NoSnapshotFaults : ISnapshotFaultInjector
{
    public ValueTask OnStepAsync(SnapshotStep step, string cycleId, CancellationToken ct) => ValueTask.CompletedTask;
}
