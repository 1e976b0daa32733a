using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationServices.Reporting.Core.Application;

/// <summary>The points between the steps of one snapshot attempt (the values of <c>Snapshots:FaultPoint</c>).</summary>
public enum SnapshotStep
{
    /// <summary>The measures (and their catalogue titles) have been read.</summary>
    MeasuresRead,
    /// <summary>The demographic summary has been read.</summary>
    DemographicsRead,
    /// <summary>The snapshot is aggregated (its changes and hash follow under the store lock); nothing is written yet.</summary>
    Aggregated,
    /// <summary>Inside the storing transaction: snapshot inserted, cycle moved, run finished; not committed.</summary>
    BeforeCommit,
}

/// <summary>What a drill's fault point does (<c>Snapshots:FaultMode</c>).</summary>
public enum SnapshotFaultMode
{
    /// <summary>The attempt throws: it is recorded as FAILED and retried on the next pass.</summary>
    Fail,
    /// <summary>The process ends at once, as a crash or a kill would end it: nothing after this point runs.</summary>
    Crash,
}

/// <summary>
/// The fault point of operators' drills (<see cref="SnapshotOptions.FaultPoint"/>): does nothing unless
/// configured; then every snapshot attempt reaching that step fails or ends the process there.
/// </summary>
public sealed class SnapshotFaultPoint
{
    private readonly SnapshotStep? _step;
    private readonly SnapshotFaultMode _mode;
    private readonly ILogger<SnapshotFaultPoint> _logger;

    public SnapshotFaultPoint(IOptions<SnapshotOptions> options, ILogger<SnapshotFaultPoint> logger)
    {
        _step = options.Value.FaultPoint;
        _mode = options.Value.FaultMode;
        _logger = logger;
    }

    /// <summary>Logs that a drill is set up (hosts call it once at start).</summary>
    public void WarnIfSet()
    {
        if (_step is { } step)
            _logger.LogWarning("Drill: every snapshot attempt will {Mode} at {Step} (Snapshots:FaultPoint); remove the setting for normal operation",
                _mode == SnapshotFaultMode.Crash ? "end the process" : "fail", step);
    }

    /// <summary>Called by an attempt of <paramref name="cycleId"/> when it reaches <paramref name="step"/>.</summary>
    public void Reach(SnapshotStep step, string cycleId)
    {
        if (_step != step) return;
        var message = $"simulated failure at fault point {step} (Snapshots:FaultPoint) in the attempt at {cycleId}";
        if (_mode == SnapshotFaultMode.Crash)
        {
            _logger.LogCritical("{Message}: the process ends now (Snapshots:FaultMode=Crash)", message);
            Environment.FailFast(message);
        }
        throw new InvalidOperationException(message);
    }
}
