using System.Net;
using IntegrationServices.Suite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace IntegrationServices.Suite.Tests;

/// <summary>The Suite host's real composition on real Kestrel sockets, on free loopback ports.</summary>
[CollectionDefinition(Name)]
public sealed class SuiteCollectionDefinition : ICollectionFixture<SuiteFixture>
{
    public const string Name = "suite";
}

public sealed class SuiteFixture : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "suite-tests", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, (int Grpc, int Http)> _ports = new();
    private SuiteHost _suite = null!;

    public IReadOnlyDictionary<string, (int Grpc, int Http)> Ports => _ports;

    public async ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:Mode"] = "Development",
            ["Storage:DataDirectory"] = _dataDirectory,
            ["Suite:DemoData"] = "true",
        };
        // Port 0: the kernel picks free ports at bind time, so parallel test processes never collide.
        foreach (var component in SuiteComponents.All)
        {
            settings[$"Components:{component.Name}:Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0";
            settings[$"Components:{component.Name}:Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0";
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        _suite = new SuiteHost(configuration, NullLogger<SuiteHost>.Instance);
        await _suite.StartAsync(CancellationToken.None);

        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version11, Timeout = TimeSpan.FromSeconds(10) };
        foreach (var (component, app) in SuiteComponents.All.Zip(_suite.Running))
        {
            var ports = app.Urls.Select(u => new Uri(u).Port).ToList();
            Assert.Equal(2, ports.Count);
            // The HTTP/1.1 endpoint is the one that answers /healthz; the other is h2c-only gRPC.
            var httpPort = await AnswersHttp1(http, ports[0]) ? ports[0] : ports[1];
            _ports[component.Name] = (ports.Single(p => p != httpPort), httpPort);
        }
    }

    private static async Task<bool> AnswersHttp1(HttpClient http, int port)
    {
        try { return (await http.GetAsync($"http://127.0.0.1:{port}/healthz")).IsSuccessStatusCode; }
        catch (HttpRequestException) { return false; }
    }

    public async ValueTask DisposeAsync()
    {
        await _suite.StopAsync(CancellationToken.None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

}
