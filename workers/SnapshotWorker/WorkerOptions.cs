using System.ComponentModel.DataAnnotations;

namespace IntegrationServices.SnapshotWorker;

/// <summary>Section "Worker": how the snapshot worker polls and retries.</summary>
public sealed class WorkerOptions
{
    public const string Section = "Worker";

    /// <summary>Run the polling loop (off: the host only serves health, e.g. for tests that drive passes themselves).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Time between two passes over the due cycles.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>This replica's name in run records; default: host name, process id and a random suffix.</summary>
    public string? WorkerId { get; set; }

    /// <summary>Retries of one cycle within a pass when a dependency is UNAVAILABLE or DEADLINE_EXCEEDED.</summary>
    [Range(0, 20)]
    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>First retry delay; doubled per retry, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest retry delay.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A run still RUNNING after this long belongs to a crashed worker and is closed as FAILED
    /// ("abandoned") by the next attempt for its cycle. Must exceed the longest attempt.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan AbandonAfter { get; set; } = TimeSpan.FromMinutes(15);
}
