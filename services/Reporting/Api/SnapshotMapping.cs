using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.ServiceDefaults.Api;

namespace IntegrationServices.Reporting.Api;

/// <summary>Snapshot names in requests, and the worker's runs as the API shows them.</summary>
public static class SnapshotMapping
{
    /// <summary>The cycle id of a snapshot name in a request field (<c>reportingCycles/{id}/snapshot</c>), or null with a violation.</summary>
    public static string? CycleIdOfSnapshot(this Validator v, string? name, string field)
    {
        if (string.IsNullOrEmpty(name))
        {
            v.Add(field, "is required, e.g. \"reportingCycles/2018/snapshot\"");
            return null;
        }
        var id = ReportingNames.CycleIdOfSnapshot(name);
        if (id is null) v.Add(field, $"'{TextRules.Printable(name)}' is not a snapshot name of the form {ReportingNames.SnapshotPattern}");
        return id;
    }

    public static SnapshotRun ToProto(this SnapshotRunRecord run) => new()
    {
        Name = run.Name,
        Cycle = ReportingNames.Cycles.Format(run.CycleId),
        StartTime = run.StartTime.ToProto(),
        EndTime = run.EndTime?.ToProto(),
        Outcome = run.Outcome,
        Error = run.Error ?? "",
        Worker = run.Worker ?? "",
        HeartbeatTime = run.HeartbeatTime?.ToProto(),
        NextAttemptTime = run.NextAttemptTime?.ToProto(),
    };
}
