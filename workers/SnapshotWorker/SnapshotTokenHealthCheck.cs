using IntegrationServices.Reporting.Core.Application;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IntegrationServices.SnapshotWorker;

/// <summary>
/// Readiness: the worker can present a token to Measures and Demographics (obtained from the identity
/// provider, minted, fixed, or not needed). While it cannot, every attempt would fail UNAUTHENTICATED.
/// </summary>
public sealed class SnapshotTokenHealthCheck(SnapshotCredentials credentials) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await credentials.TokenAsync(timeout.Token);
            return HealthCheckResult.Healthy($"token: {credentials.Source}");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var why = e is OperationCanceledException ? "no answer within 10 s" : SnapshotProducer.Describe(e);
            return HealthCheckResult.Unhealthy($"The worker cannot obtain its token ({credentials.Source}): {why}");
        }
    }
}
