using System.ComponentModel.DataAnnotations;

namespace IntegrationServices.Reporting.Core.Application;

/// <summary>
/// Section "Snapshots": where the snapshot computation (the worker, and VerifySnapshot in the
/// Reporting service) reaches Measures and Demographics, and how long one call may take.
/// </summary>
public sealed class SnapshotOptions
{
    public const string Section = "Snapshots";

    /// <summary>gRPC address of the Measures service.</summary>
    [Required]
    public string MeasuresAddress { get; set; } = "http://127.0.0.1:5101";

    /// <summary>gRPC address of the Demographics service.</summary>
    [Required]
    public string DemographicsAddress { get; set; } = "http://127.0.0.1:5102";

    /// <summary>Deadline of every call (the whole stream for StreamMeasures).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A bearer token issued for the worker by the city's identity provider (role <c>worker</c>). When
    /// empty and <c>Auth:SigningKey</c> is configured, a short-lived token is minted instead; when
    /// neither is there (Development mode) calls carry no token.
    /// </summary>
    public string? AccessToken { get; set; }

    /// <summary>Lifetime of a minted token; it is renewed when less than a third of it is left.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// For operators' drills only, off by default: the step of every snapshot attempt at which the
    /// attempt is made to fail (<see cref="FaultMode"/>), to check on a test system that a failure there
    /// leaves nothing partial behind and that the next attempt produces the same snapshot.
    /// <see cref="SnapshotStep.BeforeCommit"/> is inside the storing transaction. The host logs a
    /// warning at start while it is set.
    /// </summary>
    public SnapshotStep? FaultPoint { get; set; }

    /// <summary>What happens at <see cref="FaultPoint"/>: the attempt fails, or the process ends at once.</summary>
    public SnapshotFaultMode FaultMode { get; set; } = SnapshotFaultMode.Fail;
}

