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
    /// A fixed bearer token (role <c>worker</c>), e.g. for a trial. Normally empty: the token is obtained
    /// with <see cref="ClientId"/> from <c>Auth:Authority</c>, or minted with <c>Auth:SigningKey</c>; with
    /// neither (Development mode) calls carry no token.
    /// </summary>
    public string? AccessToken { get; set; }

    /// <summary>
    /// The client id under which the worker (and VerifySnapshot) obtains its tokens from the identity
    /// provider at <c>Auth:Authority</c>: OAuth 2.0 client credentials at the token endpoint its discovery
    /// document names. The client must be issued tokens with role <c>worker</c> for the services' audience.
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>The secret of <see cref="ClientId"/> (sent as HTTP Basic authentication, RFC 6749 section 2.3.1).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Optional <c>scope</c> of the token request, for providers that need one (e.g. <c>api://integration-services/.default</c>).</summary>
    public string? TokenScope { get; set; }

    /// <summary>
    /// Lifetime of a minted token, and the lifetime assumed for an obtained one whose answer gives none. A
    /// token is renewed when less than a third of its lifetime, or less than <see cref="CallTimeout"/>, is left.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The content version new snapshots are taken with; empty: the latest this code knows. Pin the older
    /// version during a rolling upgrade, until every Reporting replica knows the new one (VerifySnapshot and
    /// the reports of a replica need to know a snapshot's version).
    /// </summary>
    public int? ContentVersion { get; set; }

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

