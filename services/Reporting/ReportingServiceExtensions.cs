using IntegrationServices.Reporting.Api;
using IntegrationServices.Reporting.Core;
using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.ServiceDefaults.Hosting;

namespace IntegrationServices.Reporting;

/// <summary>Composition of the Reporting service, reused unchanged by the Suite host.</summary>
public static class ReportingServiceExtensions
{
    public static readonly ServiceIdentity Identity = new("integration.reporting.v1.ReportingCyclesService", "reporting");
    public static readonly DefaultPorts Ports = new(5103, 5203);

    public static WebApplicationBuilder AddReportingService(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults(Identity, Ports);
        builder.Services.AddReportingCore(builder.Configuration, subject: "reporting-service");
        return builder;
    }

    public static WebApplication MapReportingService(this WebApplication app)
    {
        app.MigrateDatabase(ReportingCoreExtensions.MigrationsAssembly);
        app.Services.GetRequiredService<SnapshotFaultPoint>().WarnIfSet();
        app.MapServiceDefaults();
        app.MapGrpcService<ReportingCyclesService>();
        app.MapGrpcService<SnapshotsService>();
        app.MapReportRoutes();
        app.MapOParlRoutes();
        return app;
    }
}
