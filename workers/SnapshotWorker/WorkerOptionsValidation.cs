using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Extensions.Options;

namespace IntegrationServices.SnapshotWorker;

/// <summary>
/// The checks of <see cref="WorkerOptions"/> that involve other sections: the backoff's bounds, and
/// <c>Worker:AbandonAfter</c> against the longest an attempt can take — every call of the computation
/// at its deadline (<c>Snapshots:CallTimeout</c>) and both of its transactions (opening the run, storing
/// the snapshot) waiting for their locks as long as a statement may (<c>Storage:CommandTimeoutSeconds</c>).
/// </summary>
public sealed class WorkerOptionsValidation(IOptions<SnapshotOptions> snapshots, IOptions<StorageOptions> storage) : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        var failures = new List<string>();
        if (options.RetryMaxDelay < options.RetryBaseDelay)
            failures.Add($"Worker:RetryMaxDelay ({options.RetryMaxDelay}) must not be shorter than Worker:RetryBaseDelay ({options.RetryBaseDelay}).");
        var callTimeout = snapshots.Value.CallTimeout;
        var lockWait = TimeSpan.FromSeconds(storage.Value.CommandTimeoutSeconds);
        var longest = SnapshotComputation.Calls * callTimeout + 2 * lockWait;
        if (options.AbandonAfter < longest)
            failures.Add($"Worker:AbandonAfter ({options.AbandonAfter}) is shorter than the longest a snapshot attempt can take, {longest} " +
                $"({SnapshotComputation.Calls} calls × Snapshots:CallTimeout {callTimeout} + 2 lock waits × Storage:CommandTimeoutSeconds {lockWait.TotalSeconds:0} s): " +
                $"another replica could close a live attempt's run as abandoned. Set Worker:AbandonAfter to at least {longest}, or lower Snapshots:CallTimeout.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
