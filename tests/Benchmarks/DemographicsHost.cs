using System.Net;
using System.Net.Sockets;
using IntegrationServices.Demographics;

namespace IntegrationServices.Benchmarks;

/// <summary>The loopback addresses of a Demographics host started by a benchmark.</summary>
public sealed record DemographicsUrls(string Grpc, string Http);

/// <summary>A Demographics host as it runs (Production environment, Kestrel on loopback, SQLite), for the benchmarks.</summary>
public static class DemographicsHost
{
    /// <summary>Starts the service's composition on free loopback ports over the SQLite files in <paramref name="dataDirectory"/>.</summary>
    public static async Task<(WebApplication App, DemographicsUrls Urls)> StartAsync(string dataDirectory)
    {
        var urls = NewUrls();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(Settings(dataDirectory, urls));
        builder.AddDemographicsService();
        var app = builder.Build();
        app.MapDemographicsService();
        await app.StartAsync();
        return (app, urls);
    }

    /// <summary>Two free loopback ports: gRPC and HTTP.</summary>
    public static DemographicsUrls NewUrls() => new($"http://127.0.0.1:{FreePort()}", $"http://127.0.0.1:{FreePort()}");

    /// <summary>The host's configuration (in this process, or as environment variables of the service's own).</summary>
    public static Dictionary<string, string?> Settings(string dataDirectory, DemographicsUrls urls) => new()
    {
        ["Storage:DataDirectory"] = dataDirectory,
        ["Auth:Mode"] = "Development",
        ["Kestrel:Endpoints:Grpc:Url"] = urls.Grpc,
        ["Kestrel:Endpoints:Http:Url"] = urls.Http,
        ["Logging:LogLevel:Default"] = "Warning",
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
