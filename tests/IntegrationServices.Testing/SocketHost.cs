using System.Net;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationServices.Testing;

/// <summary>
/// One service's real composition on real Kestrel sockets (127.0.0.1, ports the kernel picks), with a real
/// SQLite file in a fresh directory and a fake clock, for behaviour that is about connections, streams and
/// HTTP: a client that stalls, cancels, or sends more than it may. Otherwise like <see cref="TestHost"/>.
/// </summary>
public sealed class SocketHost : IAsyncDisposable
{
    private readonly List<GrpcChannel> _channels = [];
    private bool _stopped;

    private SocketHost(WebApplication app, FakeTimeProvider clock, string dataDirectory, Uri grpc, Uri http)
    {
        (App, Clock, DataDirectory, GrpcAddress, HttpAddress) = (app, clock, dataDirectory, grpc, http);
    }

    public WebApplication App { get; }

    public FakeTimeProvider Clock { get; }

    public string DataDirectory { get; }

    /// <summary>The h2c endpoint (gRPC).</summary>
    public Uri GrpcAddress { get; }

    /// <summary>The HTTP/1.1 endpoint (probes, JSON, CSV).</summary>
    public Uri HttpAddress { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<SocketHost> StartAsync(Action<WebApplicationBuilder> add, Action<WebApplication> map,
        IDictionary<string, string?>? settings = null, FakeTimeProvider? clock = null)
    {
        clock ??= TestHost.NewClock();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "integration-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        var config = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = dataDirectory,
            ["Auth:Mode"] = "Jwt",
            ["Auth:SigningKey"] = TestTokens.SigningKey,
            // Port 0: the kernel picks free ports at bind time, so parallel tests never collide.
            ["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0",
            ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) config[k] = v;
        builder.Configuration.AddInMemoryCollection(config);
        builder.Services.AddSingleton<TimeProvider>(clock);
        add(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();

        // The HTTP/1.1 endpoint is the one that answers /healthz; the other is h2c-only gRPC.
        var urls = app.Urls.Select(u => new Uri(u)).ToList();
        using var probe = new HttpClient { DefaultRequestVersion = HttpVersion.Version11, Timeout = TimeSpan.FromSeconds(30) };
        var http = await AnswersHttp1Async(probe, urls[0]) ? urls[0] : urls[1];
        return new SocketHost(app, clock, dataDirectory, urls.Single(u => u != http), http);
    }

    private static async Task<bool> AnswersHttp1Async(HttpClient http, Uri address)
    {
        try { return (await http.GetAsync(new Uri(address, "/healthz"))).IsSuccessStatusCode; }
        catch (HttpRequestException) { return false; }
    }

    /// <summary>A channel of its own (its own HTTP/2 connection) acting with the given roles (admin when none are named).</summary>
    public CallInvoker As(params string[] roles)
    {
        var channel = GrpcChannel.ForAddress(GrpcAddress, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
        _channels.Add(channel);
        var token = TestTokens.For(roles.Length == 0 ? [Roles.Admin] : roles);
        return channel.Intercept(metadata =>
        {
            metadata.Add("authorization", "Bearer " + token);
            return metadata;
        });
    }

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
