using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;

namespace IntegrationServices.Suite.Tests.Hostile;

/// <summary>Measures, Demographics and Reporting, each on its own real sockets (Jwt mode), for one test class.</summary>
public sealed class HostileHosts : IAsyncLifetime
{
    public SocketHost Measures { get; private set; } = null!;
    public SocketHost Demographics { get; private set; } = null!;
    public SocketHost Reporting { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Measures = await SocketHost.StartAsync(SuiteComponents.Measures);
        Demographics = await SocketHost.StartAsync(SuiteComponents.Demographics);
        Reporting = await SocketHost.StartAsync(SuiteComponents.Reporting);
    }

    public async ValueTask DisposeAsync()
    {
        await Measures.DisposeAsync();
        await Demographics.DisposeAsync();
        await Reporting.DisposeAsync();
    }

    public static string AdminToken => TestTokens.For([Roles.Admin]);
}
