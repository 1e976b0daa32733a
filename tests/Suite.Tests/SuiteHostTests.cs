using System.Net;
using System.Net.Sockets;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Suite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Suite.Tests;

/// <summary>
/// The Suite host's real composition on real Kestrel sockets (free loopback ports): the h2c gRPC
/// endpoint, the HTTP/1.1 probe endpoint, health, reflection and the demo data.
/// </summary>
public sealed class SuiteHostTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "suite-tests", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, (int Grpc, int Http)> _ports = new();
    private SuiteHost _suite = null!;

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

    [Fact]
    public async Task Measures_is_serving_over_h2c_with_health_and_reflection()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_ports["Measures"].Grpc}");

        var health = new Health.HealthClient(channel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving,
            (await health.CheckAsync(new HealthCheckRequest { Service = "integration.measures.v1.MeasuresService" })).Status);

        var reflection = new ServerReflection.ServerReflectionClient(channel);
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("integration.measures.v1.MeasuresService", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    [Fact]
    public async Task Development_mode_serves_demo_data_without_a_token()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_ports["Measures"].Grpc}");
        var client = new MeasuresService.MeasuresServiceClient(channel);
        var fields = await client.ListFieldsOfActionAsync(new ListFieldsOfActionRequest());
        Assert.Equal(8, fields.FieldsOfAction.Count);
        var measures = await client.ListMeasuresAsync(new ListMeasuresRequest { PageSize = 1000 });
        Assert.NotEmpty(measures.Measures);
        Assert.All(measures.Measures, m => Assert.StartsWith("Beispiel", m.Title));
        Assert.Equal(Enumerable.Range(1, 8), measures.Measures.Select(m => m.FieldOfAction).Distinct().Order());
    }

    [Fact]
    public async Task Probes_answer_on_the_http1_port()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_ports["Measures"].Http}") };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        var ready = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
