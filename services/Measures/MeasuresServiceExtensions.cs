using IntegrationServices.Measures.Api;
using IntegrationServices.Measures.Application;
using IntegrationServices.Measures.Storage;
using IntegrationServices.ServiceDefaults.Hosting;

namespace IntegrationServices.Measures;

/// <summary>The Measures service's composition, reused unchanged by Program.cs, the Suite host and tests.</summary>
public static class MeasuresServiceExtensions
{
    public static readonly ServiceIdentity Identity = new("integration.measures.v1.MeasuresService", "measures");
    public static readonly DefaultPorts Ports = new(Grpc: 5101, Http: 5201);

    public static WebApplicationBuilder AddMeasuresService(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults(Identity, Ports);
        builder.Services.AddSingleton<MeasureRepository>();
        builder.Services.AddSingleton<CatalogueRepository>();
        builder.Services.AddSingleton<MeasureChecks>();
        builder.Services.AddSingleton<MeasureApplication>();
        builder.Services.AddSingleton<CatalogueApplication>();
        return builder;
    }

    public static WebApplication MapMeasuresService(this WebApplication app)
    {
        app.MigrateDatabase(typeof(MeasuresService).Assembly);
        app.MapServiceDefaults();
        app.MapGrpcService<MeasuresService>();
        return app;
    }
}
