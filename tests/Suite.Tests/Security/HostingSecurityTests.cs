using Grpc.Core;
using IntegrationServices.Contracts.Measures.V1;
using MeasuresClient = IntegrationServices.Contracts.Measures.V1.MeasuresService.MeasuresServiceClient;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;
using Microsoft.Extensions.Options;

namespace IntegrationServices.Suite.Tests.Security;

/// <summary>What the hosting defaults refuse before any method runs.</summary>
public sealed class HostingSecurityTests
{
    [Fact]
    public async Task Development_mode_refuses_a_non_loopback_binding()
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(SuiteComponents.Measures,
            new Dictionary<string, string?>
            {
                ["Auth:Mode"] = "Development",
                ["Kestrel:Endpoints:Grpc:Url"] = "http://0.0.0.0:5101",
            }));
        Assert.Contains("loopback", e.Message);
        Assert.Contains("0.0.0.0", e.Message);
    }

    [Fact]
    public async Task Development_mode_on_loopback_serves_token_less_calls_but_still_validates_tokens()
    {
        await using var host = await TestHost.StartAsync(SuiteComponents.Measures,
            new Dictionary<string, string?> { ["Auth:Mode"] = "Development" });
        var anonymous = new MeasuresClient(host.Invoker());
        Assert.Equal(8, (await anonymous.ListFieldsOfActionAsync(new ListFieldsOfActionRequest())).FieldsOfAction.Count);

        var forged = new MeasuresClient(host.Invoker(TestTokens.WronglySigned(Roles.Admin)));
        var e = await Assert.ThrowsAsync<RpcException>(() => forged.ListFieldsOfActionAsync(new ListFieldsOfActionRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
    }

    [Fact]
    public async Task Jwt_mode_refuses_a_short_signing_key_on_start()
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(SuiteComponents.Measures,
            new Dictionary<string, string?> { ["Auth:SigningKey"] = "too-short" }));
        Assert.Contains("32 bytes", e.Message);
    }

    [Fact]
    public async Task Jwt_mode_without_authority_or_key_refuses_to_start()
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(SuiteComponents.Measures,
            new Dictionary<string, string?> { ["Auth:SigningKey"] = "" }));
        Assert.Contains("Auth:Authority", e.Message);
    }

    [Fact]
    public async Task Health_and_probes_stay_anonymous_in_jwt_mode()
    {
        await using var host = await TestHost.StartAsync(SuiteComponents.Measures);
        var health = new Grpc.Health.V1.Health.HealthClient(host.Invoker());
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving,
            (await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest())).Status);
        using var http = host.Http();
        Assert.True((await http.GetAsync("/healthz")).IsSuccessStatusCode);
        Assert.True((await http.GetAsync("/readyz")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task Oversized_messages_are_refused_with_a_clear_status()
    {
        await using var host = await TestHost.StartAsync(SuiteComponents.Measures,
            new Dictionary<string, string?> { ["Limits:MaxMessageBytes"] = "4096" });
        var client = new MeasuresClient(host.As(Roles.Admin));
        var e = await Assert.ThrowsAsync<RpcException>(() => client.CreateMeasureAsync(new CreateMeasureRequest
        {
            Measure = new Measure { Title = new string('x', 10_000) },
        }).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
    }
}
