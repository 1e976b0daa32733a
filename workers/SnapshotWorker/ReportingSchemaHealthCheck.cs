using IntegrationServices.Reporting.Core.Storage;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IntegrationServices.SnapshotWorker;

/// <summary>Readiness: the reporting schema the worker writes into is there (migrated by the Reporting service).</summary>
public sealed class ReportingSchemaHealthCheck(Database database) : IHealthCheck
{
    private readonly SnapshotRunSql _sql = new(database.Dialect);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await database.ReadAsync(db => db.ExecuteScalarAsync<long>(_sql.SchemaProbe, null, timeout.Token), timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("The reporting database is not reachable or not migrated (the Reporting service migrates it).", e);
        }
    }
}
