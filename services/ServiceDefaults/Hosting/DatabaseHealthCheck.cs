using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IntegrationServices.ServiceDefaults.Hosting;

/// <summary>
/// Readiness: the service's own database answers a round trip. Probes, load balancers and clients that wait
/// for readiness may ask many times a second, and every gRPC <c>Health/Check</c> runs the check: an answer
/// is reused for <see cref="Fresh"/> (an orchestrator probes every few seconds, so it never sees an older
/// one), the first answer is always asked for. Registered as a singleton, so that it keeps its last answer.
/// </summary>
public sealed class DatabaseHealthCheck(Database database, TimeProvider clock) : IHealthCheck
{
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1);

    private sealed record Answer(long At, HealthCheckResult Result);

    private volatile Answer? _last;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_last is { } last && clock.GetElapsedTime(last.At) < Fresh) return last.Result;
        var asked = clock.GetTimestamp();
        var result = await PingAsync(cancellationToken);
        // A check cancelled by its caller says nothing of the database.
        if (!cancellationToken.IsCancellationRequested) _last = new Answer(asked, result);
        return result;
    }

    private async Task<HealthCheckResult> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await database.PingAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.", e);
        }
    }
}
