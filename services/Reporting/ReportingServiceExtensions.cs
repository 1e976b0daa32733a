using IntegrationServices.Reporting.Cycles;
using IntegrationServices.Reporting.OParl;
using IntegrationServices.Reporting.Snapshots;
using IntegrationServices.ServiceDefaults.Hosting;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Reporting;

/// <summary>Composition of the Reporting service, reused unchanged by the Suite host.</summary>
public static class ReportingServiceExtensions
{
    public static readonly ServiceIdentity Identity = new("integration.reporting.v1.ReportingCyclesService", "reporting");
    public static readonly DefaultPorts Ports = new(5103, 5203);

    public static WebApplicationBuilder AddReportingService(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults(Identity, Ports);
        builder.Services.AddOptions<OParlOptions>().Bind(builder.Configuration.GetSection(OParlOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<OParlExporter>();
        builder.Services.AddSingleton<ReportingCycleRepository>();
        builder.Services.AddSnapshotComputation(builder.Configuration, subject: "reporting-service");
        return builder;
    }

    public static WebApplication MapReportingService(this WebApplication app)
    {
        app.MigrateDatabase(typeof(ReportingServiceExtensions).Assembly);
        app.MapServiceDefaults();
        app.MapGrpcService<ReportingCyclesService>();
        app.MapGrpcService<SnapshotsService>();
        app.MapReportRoutes();
        return app;
    }
}
