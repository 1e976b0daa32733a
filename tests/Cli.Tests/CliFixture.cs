using IntegrationServices.Cli;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;

namespace IntegrationServices.Cli.Tests;

/// <summary>What one run of the command line printed and returned.</summary>
public sealed record CliResult(int Code, string Out, string Error)
{
    public IReadOnlyList<string> ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Exit code <paramref name="code"/> and exactly one line on standard error, without a stack trace.</summary>
    public string FailedInOneLine(int code)
    {
        Assert.True(Code == code, $"exit {Code}, expected {code}; stderr: {Error}; stdout: {Out}");
        var line = Assert.Single(ErrorLines);
        Assert.DoesNotContain("   at ", line);
        Assert.DoesNotContain(" at IntegrationServices.", line);
        return line;
    }

    public CliResult Succeeded()
    {
        Assert.True(Code == 0, $"exit {Code}; stderr: {Error}; stdout: {Out}");
        Assert.Equal("", Error);
        return this;
    }
}

/// <summary>
/// The Suite's Measures, Demographics and Reporting on test servers with three quarters of history
/// (Beispieldaten) and their snapshots taken by the worker; the command line reaches them through the
/// servers' handlers. Tests of one class share it, so each test uses data of its own where it writes.
/// </summary>
public sealed class CliFixture : IAsyncLifetime
{
    public SnapshotEnvironment Env { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Env = await SnapshotEnvironment.StartAsync();
        await Env.SeedUntilAsync(SnapshotEnvironment.AfterQ3);
        var worker = await Env.StartWorkerAsync();
        var attempts = await SnapshotEnvironment.Worker(worker).RunOnceAsync(CancellationToken.None);
        Assert.Equal(3, attempts.Count);
    }

    public async ValueTask DisposeAsync() => await Env.DisposeAsync();

    public HttpMessageHandler Handler(CliService service) =>
        service == CliService.Measures ? Env.Measures.Server.CreateHandler()
        : service == CliService.Demographics ? Env.Demographics.Server.CreateHandler()
        : Env.Reporting.Server.CreateHandler();

    /// <summary>Runs the command line as an admin (INTEGRATION_TOKEN), with the given variables on top.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string?>(), args);

    public Task<CliResult> RunAsync(IDictionary<string, string?> variables, params string[] args) =>
        RunAsync(variables, Handler, terminal: false, args);

    public static async Task<CliResult> RunAsync(IDictionary<string, string?> variables, Func<CliService, HttpMessageHandler> handler, bool terminal, params string[] args)
    {
        var environment = new Dictionary<string, string?> { [CliContext.TokenVariable] = TestTokens.For([Roles.Admin]) };
        foreach (var (k, v) in variables) environment[k] = v;
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await IntegrationCli.RunAsync(args, new CliContext(output, error, name => environment.GetValueOrDefault(name), terminal, handler));
        return new CliResult(code, output.ToString(), error.ToString());
    }
}
