using System.Net;
using System.Net.Sockets;
using IntegrationServices.Suite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Suite.Tests;

/// <summary>The Suite host's real composition on real Kestrel sockets, on free loopback ports.</summary>
public sealed class SuiteFixture : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "suite-tests", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, (int Grpc, int Http)> _ports = new();
    private SuiteHost _suite = null!;

    public IReadOnlyDictionary<string, (int Grpc, int Http)> Ports => _ports;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:Mode"] = "Development",
            ["Storage:DataDirectory"] = _dataDirectory,
            ["Suite:DemoData"] = "true",
        };
        foreach (var component in SuiteComponents.All)
        {
            var ports = (FreePort(), FreePort());
            _ports[component.Name] = ports;
            settings[$"Components:{component.Name}:Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{ports.Item1}";
            settings[$"Components:{component.Name}:Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{ports.Item2}";
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        _suite = new SuiteHost(configuration, NullLogger<SuiteHost>.Instance);
        await _suite.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _suite.StopAsync(CancellationToken.None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
