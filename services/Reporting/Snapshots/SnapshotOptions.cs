using System.ComponentModel.DataAnnotations;

namespace IntegrationServices.Reporting.Snapshots;

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
}

/// <summary>
/// Test seam: the HTTP handlers the Measures and Demographics clients send through (e.g. a
/// TestServer's handler). Registered only by tests; production uses a SocketsHttpHandler.
/// </summary>
public sealed class SnapshotClientHandlers
{
    public Func<HttpMessageHandler>? Measures { get; init; }

    public Func<HttpMessageHandler>? Demographics { get; init; }
}
