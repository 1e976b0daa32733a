using System.Diagnostics;
using IntegrationServices.Testing;

namespace IntegrationServices.Suite.Tests;

/// <summary>
/// A real non-.NET client (Python grpcio, using server reflection only) against the running Suite:
/// health and one call per service. .ci/run installs Debian's python3-grpcio and sets
/// REQUIRE_FOREIGN_CLIENT=1, so in CI a missing client is a failure, never a skip.
/// </summary>
[Collection(SuiteCollectionDefinition.Name)]
public sealed class ForeignClientTests(SuiteFixture suite, ITestOutputHelper output)
{
    private const string Python = "/usr/bin/python3";

    [Fact]
    public async Task Python_grpcio_client_checks_every_service_through_reflection()
    {
        var available = File.Exists(Python) && Run(Python, "-c \"import grpc\"", TimeSpan.FromSeconds(30)).ExitCode == 0;
        var required = Environment.GetEnvironmentVariable("REQUIRE_FOREIGN_CLIENT") == "1";
        Assert.True(available || !required, "REQUIRE_FOREIGN_CLIENT=1 but /usr/bin/python3 with grpcio is missing (apt-get install python3-grpcio).");
        Assert.SkipUnless(available, "Debian's python3-grpcio is not installed here; .ci/run installs it.");

        var script = Path.Combine(RepositoryRoot.Path, "tests", "foreign-client", "check_suite.py");
        var targets = string.Join(" ", suite.Ports.Select(p => $"{p.Key.ToLowerInvariant()}=127.0.0.1:{p.Value.Grpc}"));
        var result = await Task.Run(() => Run(Python, $"\"{script}\" {targets}", TimeSpan.FromMinutes(2)));
        output.WriteLine(result.Output);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("all checks passed", result.Output);
    }

    private static (int ExitCode, string Output) Run(string file, string arguments, TimeSpan timeout)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "timed out after " + timeout);
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
