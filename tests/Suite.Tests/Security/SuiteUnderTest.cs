using Google.Protobuf.Reflection;
using IntegrationServices.ServiceDefaults.Hosting;
using IntegrationServices.Testing;

namespace IntegrationServices.Suite.Tests.Security;

/// <summary>Every service of the suite on its own test host, with the service descriptors they serve.</summary>
public sealed class SuiteUnderTest : IAsyncLifetime
{
    /// <summary>Every gRPC service the suite serves, with the component that serves it.</summary>
    public static readonly IReadOnlyList<(ServiceDescriptor Service, Component Component)> Services =
    [
        (IntegrationServices.Contracts.Measures.V1.MeasuresService.Descriptor, SuiteComponents.Measures),
        (IntegrationServices.Contracts.Demographics.V1.DemographicsService.Descriptor, SuiteComponents.Demographics),
        (IntegrationServices.Contracts.Reporting.V1.ReportingCyclesService.Descriptor, SuiteComponents.Reporting),
        (IntegrationServices.Contracts.Reporting.V1.SnapshotsService.Descriptor, SuiteComponents.Reporting),
    ];

    public Dictionary<string, TestHost> Hosts { get; } = new();

    public async ValueTask InitializeAsync()
    {
        foreach (var (service, component) in Services)
            Hosts[service.FullName] = await TestHost.StartAsync(component);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Hosts.Values) await host.DisposeAsync();
    }
}
