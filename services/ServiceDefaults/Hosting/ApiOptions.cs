namespace IntegrationServices.ServiceDefaults.Hosting;

/// <summary>Section "Api": bounds every call of the suite's own APIs shares.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>
    /// How long a server stream (e.g. StreamMeasures) may run before it is ended with DEADLINE_EXCEEDED, so
    /// that a client that stops reading cannot hold a database reader for ever.
    /// </summary>
    public TimeSpan MaxStreamDuration { get; set; } = TimeSpan.FromMinutes(5);
}
