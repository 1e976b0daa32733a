using IntegrationServices.ServiceDefaults.Hosting;
using Microsoft.Extensions.Configuration.Memory;

namespace IntegrationServices.Suite;

/// <summary>Section "Suite".</summary>
public sealed class SuiteOptions
{
    /// <summary>Seed demo data (real reference data plus examples labelled as such) on first start.</summary>
    public bool DemoData { get; set; } = true;
}

/// <summary>
/// Starts every component as its own WebApplication on its own ports, each with the Suite's shared
/// configuration (Auth, Storage, Limits, …) overlaid by its section <c>Components:&lt;Name&gt;</c>.
/// </summary>
public sealed class SuiteHost(IConfiguration configuration, ILogger<SuiteHost> logger) : IHostedService
{
    private readonly List<WebApplication> _running = [];

    /// <summary>Lets tests put components on a test server or other ports.</summary>
    public Action<string, WebApplicationBuilder>? Customize { get; init; }

    public IReadOnlyList<WebApplication> Running => _running;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = configuration.GetSection("Suite").Get<SuiteOptions>() ?? new SuiteOptions();
        foreach (var component in SuiteComponents.All)
        {
            var app = BuildComponent(component);
            component.Map(app);
            if (options.DemoData && component.SeedDemoData is { } seed) await seed(app.Services, cancellationToken);
            await app.StartAsync(cancellationToken);
            _running.Add(app);
            logger.LogInformation("{Component} is listening on {Urls}", component.Name,
                string.Join(", ", configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"])
                    .Concat(app.Urls)));
        }
    }

    private WebApplication BuildComponent(Component component)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = configuration["Environment"] ?? Environments.Production,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.Sources.Add(new MemoryConfigurationSource { InitialData = Flatten(configuration, component.Name) });
        Customize?.Invoke(component.Name, builder);
        component.Add(builder);
        return builder.Build();
    }

    /// <summary>The shared settings (minus other components' sections), overlaid by the component's own.</summary>
    private static Dictionary<string, string?> Flatten(IConfiguration configuration, string component)
    {
        var settings = configuration.AsEnumerable()
            .Where(kv => kv.Value is not null && !kv.Key.StartsWith("Components:", StringComparison.OrdinalIgnoreCase)
                         && !kv.Key.StartsWith("Kestrel:", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        var prefix = $"Components:{component}:";
        foreach (var (key, value) in configuration.AsEnumerable().Where(kv => kv.Value is not null && kv.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            settings[key[prefix.Length..]] = value;
        return settings;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var app in Enumerable.Reverse(_running))
        {
            await app.StopAsync(cancellationToken);
            await app.DisposeAsync();
        }
        _running.Clear();
    }
}
