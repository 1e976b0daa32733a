using Google.Protobuf.Reflection;
using IntegrationServices.Demographics;
using IntegrationServices.Measures;
using IntegrationServices.Reporting;
using IntegrationServices.Testing;
using Microsoft.AspNetCore.Builder;
using Xunit;

namespace Security.Tests;

/// <summary>Every service of the suite on its own test host, with the service descriptors they serve.</summary>
public sealed class SuiteUnderTest : IAsyncLifetime
{
    public static readonly IReadOnlyList<(ServiceDescriptor Service, Action<WebApplicationBuilder> Add, Action<WebApplication> Map)> Services =
    [
        (IntegrationServices.Contracts.Measures.V1.MeasuresService.Descriptor, b => b.AddMeasuresService(), a => a.MapMeasuresService()),
        (IntegrationServices.Contracts.Demographics.V1.DemographicsService.Descriptor, b => b.AddDemographicsService(), a => a.MapDemographicsService()),
        (IntegrationServices.Contracts.Reporting.V1.ReportingCyclesService.Descriptor, b => b.AddReportingService(), a => a.MapReportingService()),
        (IntegrationServices.Contracts.Reporting.V1.SnapshotsService.Descriptor, b => b.AddReportingService(), a => a.MapReportingService()),
    ];

    public Dictionary<string, TestHost> Hosts { get; } = new();

    public async ValueTask InitializeAsync()
    {
        foreach (var (service, add, map) in Services)
            Hosts[service.FullName] = await TestHost.StartAsync(add, map);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Hosts.Values) await host.DisposeAsync();
    }
}
