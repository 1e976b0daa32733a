using IntegrationServices.Reporting.Core;
using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.ServiceDefaults.Hosting;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Extensions.Options;

namespace IntegrationServices.SnapshotWorker;

/// <summary>Composition of the snapshot worker, reused unchanged by the Suite host and tests.</summary>
public static class SnapshotWorkerExtensions
{
    /// <summary>Health name of the worker; its storage is the reporting database.</summary>
    public static readonly ServiceIdentity Identity = new("integration.reporting.v1.SnapshotWorker", "reporting");
    public static readonly DefaultPorts Ports = new(5104, 5204);

    public static WebApplicationBuilder AddSnapshotWorker(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults(Identity, Ports);
        builder.Services.AddReportingCore(builder.Configuration, subject: "snapshot-worker");
        builder.Services.AddOptions<WorkerOptions>().Bind(builder.Configuration.GetSection(WorkerOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidation>();
        builder.Services.AddSingleton<SnapshotWorkerMetrics>();
        builder.Services.AddSingleton<SnapshotWorkerService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SnapshotWorkerService>());
        builder.Services.AddHealthChecks()
            .AddCheck<ReportingSchemaHealthCheck>("reporting-schema", tags: [HostingDefaults.ReadyTag])
            .AddCheck<SnapshotTokenHealthCheck>("snapshot-token", tags: [HostingDefaults.ReadyTag]);
        return builder;
    }

    /// <summary>
    /// Health and metrics endpoints. The Reporting service owns the reporting schema: the worker
    /// migrates it only when <c>Storage:MigrateOnStart</c> is set explicitly to true.
    /// </summary>
    public static WebApplication MapSnapshotWorker(this WebApplication app)
    {
        if (string.Equals(app.Configuration[$"{StorageOptions.Section}:{nameof(StorageOptions.MigrateOnStart)}"], "true", StringComparison.OrdinalIgnoreCase))
            app.MigrateDatabase(ReportingCoreExtensions.MigrationsAssembly);
        app.Services.GetRequiredService<SnapshotFaultPoint>().WarnIfSet();
        app.MapServiceDefaults();
        return app;
    }
}
