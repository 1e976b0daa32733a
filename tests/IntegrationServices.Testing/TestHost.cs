using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using IntegrationServices.ServiceDefaults.Hosting;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationServices.Testing;

/// <summary>
/// One service's real composition (its Add…/Map… extension methods) on TestServer, with a real
/// SQLite file in a fresh directory and a fake clock. Calls go through real gRPC over the test
/// server's handler, with a bearer token per role.
/// </summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly List<GrpcChannel> _channels = [];

    private TestHost(WebApplication app, FakeTimeProvider clock, string dataDirectory)
    {
        App = app;
        Clock = clock;
        DataDirectory = dataDirectory;
    }

    public WebApplication App { get; }

    public FakeTimeProvider Clock { get; }

    public string DataDirectory { get; }

    public TestServer Server => App.GetTestServer();

    public IServiceProvider Services => App.Services;

    /// <summary>A fake clock starting at a fixed instant, so tests are reproducible.</summary>
    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    /// <summary>A new, empty directory for a test's files, under the temporary folder's <c>integration-tests</c>.</summary>
    public static string NewDataDirectory() =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "integration-tests", Guid.NewGuid().ToString("N"))).FullName;

    /// <summary>A component of the suite (e.g. <c>SuiteComponents.Measures</c>) on its own TestServer.</summary>
    public static Task<TestHost> StartAsync(Component component, IDictionary<string, string?>? settings = null,
        FakeTimeProvider? clock = null, Action<WebApplicationBuilder>? customize = null, string? dataDirectory = null) =>
        StartAsync(b => { customize?.Invoke(b); component.Add(b); }, component.Map, settings, clock, dataDirectory);

    public static async Task<TestHost> StartAsync(
        Action<WebApplicationBuilder> add,
        Action<WebApplication> map,
        IDictionary<string, string?>? settings = null,
        FakeTimeProvider? clock = null,
        string? dataDirectory = null)
    {
        clock ??= NewClock();
        dataDirectory ??= NewDataDirectory();
        Directory.CreateDirectory(dataDirectory);

        var builder = Builder(dataDirectory, new Dictionary<string, string?>(), settings, clock);
        builder.WebHost.UseTestServer();
        add(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new TestHost(app, clock, dataDirectory);
    }

    /// <summary>
    /// What every test host starts from: SQLite in <paramref name="dataDirectory"/>, Jwt mode with the test
    /// signing key, <paramref name="clock"/>; then <paramref name="defaults"/> of the kind of host, then the
    /// test's own <paramref name="settings"/>, which win.
    /// </summary>
    internal static WebApplicationBuilder Builder(string dataDirectory, IDictionary<string, string?> defaults,
        IDictionary<string, string?>? settings, TimeProvider clock)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        var config = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = dataDirectory,
            ["Auth:Mode"] = "Jwt",
            ["Auth:SigningKey"] = TestTokens.SigningKey,
        };
        foreach (var (k, v) in defaults.Concat(settings ?? new Dictionary<string, string?>())) config[k] = v;
        builder.Configuration.AddInMemoryCollection(config);
        builder.Services.AddSingleton(clock);
        return builder;
    }

    /// <summary>A channel whose calls carry the given bearer token (none for null).</summary>
    public CallInvoker Invoker(string? token = null)
    {
        var channel = GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = Server.CreateHandler(),
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        });
        _channels.Add(channel);
        return TestTokens.Carrying(channel, token);
    }

    /// <summary>A channel acting with the given roles (admin when none are named).</summary>
    public CallInvoker As(params string[] roles) => Invoker(TestTokens.For(roles.Length == 0 ? [Roles.Admin] : roles));

    public HttpClient Http() => Server.CreateClient();

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels) channel.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Tokens signed with the test key, as the city's identity provider would issue them.</summary>
public static class TestTokens
{
    public const string SigningKey = "integration-services-test-signing-key-0123456789abcdef";

    public static AuthOptions Options => new() { Mode = AuthMode.Jwt, SigningKey = SigningKey };

    public static string For(string[] roles, string[]? units = null, string subject = "test-user", string? name = "Test User") =>
        TokenIssuer.Create(Options, subject, roles, units, name);

    /// <summary>The channel's calls with <c>authorization: Bearer {token}</c> (none for null).</summary>
    public static CallInvoker Carrying(GrpcChannel channel, string? token) =>
        token is null
            ? channel.CreateCallInvoker()
            : channel.Intercept(metadata =>
            {
                metadata.Add("authorization", "Bearer " + token);
                return metadata;
            });

    public static string Expired(params string[] roles) =>
        TokenIssuer.Create(Options, "test-user", roles, now: DateTime.UtcNow.AddHours(-3), lifetime: TimeSpan.FromHours(1));

    public static string NotYetValid(params string[] roles) =>
        TokenIssuer.Create(Options, "test-user", roles, now: DateTime.UtcNow.AddHours(2), lifetime: TimeSpan.FromHours(1));

    public static string WrongAudience(params string[] roles) =>
        TokenIssuer.Create(Options, "test-user", roles, audience: "someone-else");

    public static string WronglySigned(params string[] roles) =>
        TokenIssuer.Create(Options, "test-user", roles, signingKey: "another-key-that-is-long-enough-0123456789abcdef");
}
