using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;

namespace IntegrationServices.Suite.Tests.Hostile;

/// <summary>Measures, Demographics and Reporting, each on its own real sockets (Jwt mode), for one test class.</summary>
public sealed class HostileHosts : IAsyncLifetime
{
    public TestHost Measures { get; private set; } = null!;
    public TestHost Demographics { get; private set; } = null!;
    public TestHost Reporting { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Measures = await TestHost.StartAsync(SuiteComponents.Measures, sockets: true);
        Demographics = await TestHost.StartAsync(SuiteComponents.Demographics, sockets: true);
        Reporting = await TestHost.StartAsync(SuiteComponents.Reporting, sockets: true);
    }

    public async ValueTask DisposeAsync()
    {
        await Measures.DisposeAsync();
        await Demographics.DisposeAsync();
        await Reporting.DisposeAsync();
    }

    public static string AdminToken => TestTokens.For([Roles.Admin]);
}
