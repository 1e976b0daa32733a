using Dapper;
using IntegrationServices.Reporting;
using IntegrationServices.Reporting.Snapshots;
using IntegrationServices.ServiceDefaults.Hosting;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

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
        builder.Services.AddOptions<WorkerOptions>().Bind(builder.Configuration.GetSection(WorkerOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSnapshotComputation(builder.Configuration, subject: "snapshot-worker");
        builder.Services.AddSingleton<SnapshotWorkerMetrics>();
        builder.Services.AddSingleton<SnapshotWorkerService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SnapshotWorkerService>());
        builder.Services.AddHealthChecks().AddCheck<ReportingSchemaHealthCheck>("reporting-schema", tags: [HostingDefaults.ReadyTag]);
        return builder;
    }

    /// <summary>
    /// Health and metrics endpoints. The Reporting service owns the reporting schema: the worker
    /// migrates it only when <c>Storage:MigrateOnStart</c> is set explicitly to true.
    /// </summary>
    public static WebApplication MapSnapshotWorker(this WebApplication app)
    {
        if (string.Equals(app.Configuration[$"{StorageOptions.Section}:{nameof(StorageOptions.MigrateOnStart)}"], "true", StringComparison.OrdinalIgnoreCase))
            app.MigrateDatabase(typeof(ReportingServiceExtensions).Assembly);
        app.MapServiceDefaults();
        return app;
    }
}

/// <summary>Readiness: the reporting schema the worker writes into is there (migrated by the Reporting service).</summary>
public sealed class ReportingSchemaHealthCheck(Database database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await using var connection = await database.OpenAsync(timeout.Token);
            await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                new SnapshotSql(database.Dialect).SchemaProbe, cancellationToken: timeout.Token));
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("The reporting database is not reachable or not migrated (the Reporting service migrates it).", e);
        }
    }
}
