using System.ComponentModel.DataAnnotations;
using IntegrationServices.Reporting.Core.Application;

namespace IntegrationServices.SnapshotWorker;

/// <summary>Section "Worker": when the snapshot worker takes a snapshot, how it backs off and when a run counts as abandoned.</summary>
public sealed class WorkerOptions
{
    public const string Section = "Worker";

    /// <summary>Run the polling loop (off: the host only serves health, e.g. for tests that drive passes themselves).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Time between two passes over the due cycles (sooner when a failed cycle's backoff ends before).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// This replica's name in run records; default: host name, process id and a random suffix. Give each
    /// replica a stable name of its own (e.g. the pod name): restarted under it, the worker closes the runs
    /// it left RUNNING at once instead of after <see cref="AbandonAfter"/>.
    /// </summary>
    public string? WorkerId { get; set; }

    /// <summary>
    /// How long past a cycle's knowledge cut-off the worker waits before it takes the snapshot: every write
    /// takes its record time as the last step before its commit, so a write stamped before the cut-off
    /// has committed (or failed) by then, and the snapshot sees it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan SettleDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The wait after a cycle's first failed attempt; doubled per failure in a row (across passes, replicas and restarts).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two attempts at a failing cycle.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// A RUNNING run whose heartbeat is older than this belongs to a stopped worker and is closed as FAILED
    /// ("abandoned") by the next pass of any replica. Running attempts renew their heartbeat four times per
    /// this span; it must still exceed the longest an attempt can take (checked at start), so that even
    /// heartbeats that cannot be written never let a live run be closed.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan AbandonAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The policy of this replica's attempts.</summary>
    public AttemptPolicy Policy(string workerId) => new(workerId, SettleDelay, AbandonAfter, RetryBaseDelay, RetryMaxDelay);
}
