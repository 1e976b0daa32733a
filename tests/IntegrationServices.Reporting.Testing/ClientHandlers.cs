using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Contracts.Measures.V1;

namespace IntegrationServices.Reporting.Testing;

/// <summary>
/// Points the snapshot computation's typed gRPC clients at test servers: their primary HTTP handler is
/// replaced through the standard HttpClientFactory options of each named client (post-configured, so
/// after the component's own configuration). AddGrpcClient names a client after its type.
/// </summary>
public static class ClientHandlers
{
    public static IServiceCollection UseSnapshotClientHandlers(this IServiceCollection services,
        Func<HttpMessageHandler> measures, Func<HttpMessageHandler> demographics)
    {
        services.PostConfigure<HttpClientFactoryOptions>(nameof(MeasuresService.MeasuresServiceClient), o => o.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = measures()));
        services.PostConfigure<HttpClientFactoryOptions>(nameof(DemographicsService.DemographicsServiceClient), o => o.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = demographics()));
        return services;
    }
}

/// <summary>Switches a dependency off: its calls then fail as a refused connection would (UNAVAILABLE).</summary>
public sealed class DependencySwitch
{
    private volatile bool _down;

    public bool Down { get => _down; set => _down = value; }

    /// <summary>What every call waits for before the switch decides (a test orders a failure after another event).</summary>
    public Task Gate { get; set; } = Task.CompletedTask;
}

public sealed class SwitchableHandler(DependencySwitch @switch, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await @switch.Gate.WaitAsync(cancellationToken);
        return @switch.Down
            ? throw new HttpRequestException(HttpRequestError.ConnectionError,
                "Connection refused (the test switched the dependency off)", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused))
            : await base.SendAsync(request, cancellationToken);
    }
}
