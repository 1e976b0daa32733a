using System.Net;
using System.Net.Sockets;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Suite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace IntegrationServices.Suite.Tests;

/// <summary>
/// The Suite host's real composition on real Kestrel sockets (free loopback ports): the h2c gRPC
/// endpoint, the HTTP/1.1 probe endpoint, health, reflection and the demo data.
/// </summary>
[Collection(SuiteCollectionDefinition.Name)]
public sealed class SuiteHostTests(SuiteFixture suite)
{
    private readonly IReadOnlyDictionary<string, (int Grpc, int Http)> _ports = suite.Ports;

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

    [Fact]
    public async Task Metrics_show_grpc_calls_per_method_and_status_and_database_durations()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_ports["Measures"].Grpc}");
        var client = new MeasuresService.MeasuresServiceClient(channel);
        await client.ListFieldsOfActionAsync(new ListFieldsOfActionRequest());
        await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => client.GetMeasureAsync(new GetMeasureRequest { Name = "measures/999999" }).ResponseAsync);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_ports["Measures"].Http}") };
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("rpc_server_duration_seconds_count{", metrics);
        Assert.Matches("rpc_server_duration_seconds_count\\{[^}]*rpc_grpc_status_code=\"OK\"[^}]*rpc_method=\"ListFieldsOfAction\"", metrics);
        Assert.Matches("rpc_server_duration_seconds_count\\{[^}]*rpc_grpc_status_code=\"NotFound\"[^}]*rpc_method=\"GetMeasure\"", metrics);
        Assert.Matches("db_client_operation_duration_seconds_count\\{[^}]*db_operation=\"ListFieldsOfActionAsync\"", metrics);
    }

    [Fact]
    public async Task Read_methods_are_served_as_json_on_the_http_port()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_ports["Measures"].Http}") };
        using var fields = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/v1/fieldsOfAction"));
        Assert.Equal(8, fields.RootElement.GetProperty("fieldsOfAction").GetArrayLength());
        Assert.Equal("Bildung und Sprachförderung", fields.RootElement.GetProperty("fieldsOfAction")[0].GetProperty("title").GetString());

        using var page = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/v1/measures?page_size=2"));
        Assert.Equal(2, page.RootElement.GetProperty("measures").GetArrayLength());
        var name = page.RootElement.GetProperty("measures")[0].GetProperty("name").GetString();
        using var one = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"/v1/{name}"));
        Assert.Equal(name, one.RootElement.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/v1/measures/999999")).StatusCode);
    }

}
