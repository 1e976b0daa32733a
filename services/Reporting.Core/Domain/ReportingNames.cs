using IntegrationServices.ServiceDefaults.Api;

namespace IntegrationServices.Reporting.Core.Domain;

/// <summary>
/// The resource names of the reporting context: cycles <c>reportingCycles/{id}</c>, each cycle's one
/// snapshot <c>reportingCycles/{id}/snapshot</c> and its runs <c>reportingCycles/{id}/snapshotRuns/{run}</c>.
/// </summary>
public static class ReportingNames
{
    public static readonly ResourceName Cycles = new("reportingCycles", "2018");

    /// <summary>Action concepts of the Measures service, named in a cycle's scope.</summary>
    public static readonly ResourceName ActionConcepts = new("actionConcepts", "idk");

    public const string SnapshotSuffix = "/snapshot";

    public const string SnapshotPattern = "reportingCycles/{id}/snapshot (e.g. \"reportingCycles/2018/snapshot\")";

    public static string Snapshot(string cycleId) => Cycles.Format(cycleId) + SnapshotSuffix;

    /// <summary>"reportingCycles/{id}/snapshot" → id, or null when the name has another form.</summary>
    public static string? CycleIdOfSnapshot(string? snapshotName) =>
        snapshotName is not null && snapshotName.EndsWith(SnapshotSuffix, StringComparison.Ordinal)
        && Cycles.TryParse(snapshotName[..^SnapshotSuffix.Length], out var id)
            ? id
            : null;

    public static string Run(string cycleId, long runId) =>
        Cycles.Child(cycleId, "snapshotRuns", runId.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
