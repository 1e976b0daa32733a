using IntegrationServices.Demographics.Api;
using IntegrationServices.Demographics.Application;
using IntegrationServices.Demographics.Storage;
using IntegrationServices.ServiceDefaults.Hosting;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Extensions.Options;

namespace IntegrationServices.Demographics;

/// <summary>Composition of the Demographics service; the Suite host calls these unchanged.</summary>
public static class DemographicsServiceExtensions
{
    public static readonly ServiceIdentity Identity = new("integration.demographics.v1.DemographicsService", "demographics");
    public static readonly DefaultPorts Ports = new(5102, 5202);

    public static WebApplicationBuilder AddDemographicsService(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults(Identity, Ports);
        builder.Services.AddOptions<ImportOptions>().Bind(builder.Configuration.GetSection(ImportOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ImportOptions>, ImportOptions.Validation>();
        builder.Services.AddSingleton<CatalogueRepository>();
        builder.Services.AddSingleton<ObservationRepository>();
        builder.Services.AddSingleton<CatalogueApplication>();
        builder.Services.AddSingleton<ObservationApplication>();
        builder.Services.AddSingleton<ObservationImport>();
        builder.Services.AddSingleton<ImportMetrics>();
        builder.Services.AddSingleton<WalCheckpointer>();
        builder.Services.AddHostedService(services => services.GetRequiredService<WalCheckpointer>());
        return builder;
    }

    public static WebApplication MapDemographicsService(this WebApplication app)
    {
        app.MigrateDatabase(typeof(DemographicsService).Assembly);
        app.MapServiceDefaults();
        app.MapGrpcService<DemographicsService>();
        app.MapObservationCsvImport();
        return app;
    }
}
