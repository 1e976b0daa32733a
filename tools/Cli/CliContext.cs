namespace IntegrationServices.Cli;

/// <summary>A component the command line talks to, with its default gRPC address and the variable that overrides it.</summary>
public sealed record CliService(string Name, string DefaultAddress, string AddressVariable)
{
    public static readonly CliService Measures = new("Measures", "http://127.0.0.1:5101", "INTEGRATION_MEASURES_ADDRESS");
    public static readonly CliService Demographics = new("Demographics", "http://127.0.0.1:5102", "INTEGRATION_DEMOGRAPHICS_ADDRESS");
    public static readonly CliService Reporting = new("Reporting", "http://127.0.0.1:5103", "INTEGRATION_REPORTING_ADDRESS");
}

/// <summary>
/// Where the command line reads and writes: the process's console and environment, or those a host of
/// its own gives it (a test's writers, variables and in-process servers). <paramref name="Handler"/>, when
/// set, is the HTTP handler of each component's channel.
/// </summary>
public sealed record CliContext(
    TextWriter Out,
    TextWriter Error,
    Func<string, string?> Environment,
    bool IsTerminal,
    Func<CliService, HttpMessageHandler>? Handler = null)
{
    public const string TokenVariable = "INTEGRATION_TOKEN";

    public static CliContext FromProcess() =>
        new(Console.Out, Console.Error, System.Environment.GetEnvironmentVariable, !Console.IsOutputRedirected);
}
