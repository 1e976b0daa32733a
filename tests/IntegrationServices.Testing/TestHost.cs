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

    private TestHost(WebApplication app, FakeTimeProvider clock, string dataDirectory, Uri? grpcAddress = null, Uri? httpAddress = null)
    {
        App = app;
        Clock = clock;
        DataDirectory = dataDirectory;
        GrpcAddress = grpcAddress;
        HttpAddress = httpAddress;
    }

    /// <summary>On real sockets: the gRPC (h2c) endpoint; null on TestServer.</summary>
    public Uri? GrpcAddress { get; }

    /// <summary>On real sockets: the HTTP/1.1 endpoint; null on TestServer.</summary>
    public Uri? HttpAddress { get; }

    public WebApplication App { get; }

    public FakeTimeProvider Clock { get; }

    public string DataDirectory { get; }

    public TestServer Server => App.GetTestServer();

    public IServiceProvider Services => App.Services;

    /// <summary>A fake clock starting at a fixed instant, so tests are reproducible.</summary>
    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// A component of the suite (e.g. <c>SuiteComponents.Measures</c>) on its own TestServer, or with
    /// <paramref name="sockets"/> on real Kestrel sockets (127.0.0.1, ports the kernel picks), for what is about
    /// connections, streams and HTTP headers.
    /// </summary>
    public static Task<TestHost> StartAsync(Component component, IDictionary<string, string?>? settings = null,
        FakeTimeProvider? clock = null, Action<WebApplicationBuilder>? customize = null, string? dataDirectory = null, bool sockets = false) =>
        StartAsync(b => { customize?.Invoke(b); component.Add(b); }, component.Map, settings, clock, dataDirectory, sockets);

    public static async Task<TestHost> StartAsync(
        Action<WebApplicationBuilder> add,
        Action<WebApplication> map,
        IDictionary<string, string?>? settings = null,
        FakeTimeProvider? clock = null,
        string? dataDirectory = null,
        bool sockets = false)
    {
        clock ??= NewClock();
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "integration-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        var config = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = dataDirectory,
            ["Auth:Mode"] = "Jwt",
            ["Auth:SigningKey"] = TestTokens.SigningKey,
        };
        if (sockets)
        {
            // Port 0: the kernel picks free ports at bind time, so parallel tests never collide.
            config["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0";
            config["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0";
        }
        else
        {
            builder.WebHost.UseTestServer();
        }
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) config[k] = v;
        builder.Configuration.AddInMemoryCollection(config);
        builder.Services.AddSingleton<TimeProvider>(clock);
        add(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        if (!sockets) return new TestHost(app, clock, dataDirectory);
        var (grpc, http) = await EndpointsAsync(app);
        return new TestHost(app, clock, dataDirectory, grpc, http);
    }

    /// <summary>Which bound address is which: the HTTP/1.1 endpoint answers /healthz, the other is h2c-only gRPC.</summary>
    private static async Task<(Uri Grpc, Uri Http)> EndpointsAsync(WebApplication app)
    {
        var addresses = app.Urls.Select(u => new Uri(u)).ToList();
        using var http = new HttpClient { DefaultRequestVersion = System.Net.HttpVersion.Version11, Timeout = TimeSpan.FromSeconds(30) };
        foreach (var address in addresses)
        {
            try
            {
                if ((await http.GetAsync(new Uri(address, "/healthz"))).IsSuccessStatusCode)
                    return (addresses.Single(a => a != address), address);
            }
            catch (HttpRequestException) { }
        }
        throw new InvalidOperationException($"No HTTP/1.1 endpoint among {string.Join(", ", addresses)}");
    }

    /// <summary>A channel whose calls carry the given bearer token (none for null).</summary>
    public CallInvoker Invoker(string? token = null)
    {
        var channel = GrpcAddress is { } address
            ? GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 })
            : GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions
            {
                HttpHandler = Server.CreateHandler(),
                MaxReceiveMessageSize = 64 * 1024 * 1024,
            });
        _channels.Add(channel);
        return token is null
            ? channel.CreateCallInvoker()
            : channel.Intercept(metadata =>
            {
                metadata.Add("authorization", "Bearer " + token);
                return metadata;
            });
    }

    /// <summary>A channel acting with the given roles (admin when none are named).</summary>
    public CallInvoker As(params string[] roles) => Invoker(TestTokens.For(roles.Length == 0 ? [Roles.Admin] : roles));

    public HttpClient Http() => HttpAddress is { } address ? new HttpClient { BaseAddress = address } : Server.CreateClient();

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

    public static string Expired(params string[] roles) =>
        TokenIssuer.Create(Options, "test-user", roles, now: DateTime.UtcNow.AddHours(-3), lifetime: TimeSpan.FromHours(1));

    public static string NotYetValid(params string[] roles) =>
        TokenIssuer.Create(Options, "test-user", roles, now: DateTime.UtcNow.AddHours(2), lifetime: TimeSpan.FromHours(1));

    public static string WrongAudience(params string[] roles) =>
        TokenIssuer.Create(Options, "test-user", roles, audience: "someone-else");

    public static string WronglySigned(params string[] roles) =>
        TokenIssuer.Create(Options, "test-user", roles, signingKey: "another-key-that-is-long-enough-0123456789abcdef");
}
