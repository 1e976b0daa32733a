using Microsoft.AspNetCore.Builder;

namespace IntegrationServices.ServiceDefaults.Hosting;

/// <summary>
/// One component of the suite as a host starts it: its composition (<c>Add…</c>/<c>Map…</c>, reused
/// unchanged by its Program.cs, the Suite and multi-service tests) and its demo data, if it has any.
/// </summary>
public sealed record Component(
    string Name,
    Action<WebApplicationBuilder> Add,
    Action<WebApplication> Map,
    Func<IServiceProvider, CancellationToken, Task>? SeedDemoData = null);
