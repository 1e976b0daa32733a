using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using IntegrationServices.ServiceDefaults.Hosting;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationServices.Testing;

/// <summary>
/// A composition on real Kestrel sockets: the gRPC endpoint (h2c) and the HTTP/1.1 endpoint on loopback
/// ports the kernel picks at bind time (port 0), so parallel test processes never race for a port. For
/// behaviour that is about connections, streams and flow control, which TestServer does not have.
/// </summary>
public sealed class SocketHost : IAsyncDisposable
{
    private readonly List<GrpcChannel> _channels = [];

    private bool _stopped;

    private SocketHost(WebApplication app, Uri grpc, Uri http, string dataDirectory, TimeProvider time)
    {
        App = app;
        Time = time;
        GrpcAddress = grpc;
        HttpAddress = http;
        DataDirectory = dataDirectory;
    }

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>The clock the host runs on.</summary>
    public TimeProvider Time { get; }

    /// <summary>The fake clock the host runs on (every host does unless it was started on another clock).</summary>
    public FakeTimeProvider Clock => Time as FakeTimeProvider ?? throw new InvalidOperationException("This host runs on a real clock.");

    public Uri GrpcAddress { get; }

    public Uri HttpAddress { get; }

    public string DataDirectory { get; }

    /// <summary>A component of the suite (e.g. <c>SuiteComponents.Measures</c>) on its own sockets.</summary>
    public static Task<SocketHost> StartAsync(Component component, IDictionary<string, string?>? settings = null, TimeProvider? clock = null) =>
        StartAsync(component.Add, component.Map, settings, clock);

    /// <summary>
    /// Starts <paramref name="add"/>/<paramref name="map"/> with a fresh SQLite directory, Jwt mode with the
    /// test signing key and <paramref name="clock"/> (the fixed test clock unless given); <paramref name="settings"/> win.
    /// </summary>
    public static async Task<SocketHost> StartAsync(Action<WebApplicationBuilder> add, Action<WebApplication> map,
        IDictionary<string, string?>? settings = null, TimeProvider? clock = null)
    {
        clock ??= TestHost.NewClock();
        var dataDirectory = TestHost.NewDataDirectory();
        var builder = TestHost.Builder(dataDirectory, new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0",
            ["Kestrel:Endpoints:Http:Protocols"] = "Http1",
        }, settings, clock);
        add(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();

        var ports = app.Urls.Select(u => new Uri(u)).ToList();
        using var http2 = new HttpClient
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };
        // The endpoint that speaks HTTP/2 without TLS (prior knowledge) is the gRPC one; the other refuses it.
        var grpcAddress = await SpeaksHttp2Async(http2, ports[0]) ? ports[0] : ports[1];
        return new SocketHost(app, grpcAddress, ports.Single(p => p != grpcAddress), dataDirectory, clock);
    }

    private static async Task<bool> SpeaksHttp2Async(HttpClient http2, Uri address)
    {
        try
        {
            using var response = await http2.GetAsync(address);
            return true;
        }
        catch (HttpRequestException) { return false; }
    }

    /// <summary>A channel of its own (one HTTP/2 connection) whose calls carry the given bearer token (none for null).</summary>
    public CallInvoker Invoker(string? token = null)
    {
        var channel = GrpcChannel.ForAddress(GrpcAddress, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
        lock (_channels) _channels.Add(channel);
        return TestTokens.Carrying(channel, token);
    }

    /// <summary>A channel acting with the given roles (admin when none are named).</summary>
    public CallInvoker As(params string[] roles) => Invoker(TestTokens.For(roles.Length == 0 ? [Roles.Admin] : roles));

    /// <summary>An HTTP/1.1 client of the HTTP endpoint.</summary>
    public HttpClient Http() => new() { BaseAddress = HttpAddress, DefaultRequestVersion = HttpVersion.Version11, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>
    /// Stops the host: Kestrel lets every call still running finish first, so what a call stored or rolled back
    /// is final afterwards (the database file stays until <see cref="DisposeAsync"/>).
    /// </summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        lock (_channels)
            foreach (var channel in _channels) channel.Dispose();
        await App.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
