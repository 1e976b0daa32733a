using IntegrationServices.Reporting.Core.Storage;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Extensions.Logging;

namespace IntegrationServices.Reporting.Core.Application;

/// <summary>
/// A running attempt's sign of life: renews its run's heartbeat every interval until disposed, so that
/// no other replica takes a live run for abandoned however long the attempt takes. A renewal that fails
/// (the database busy or away) is logged and made again at the next beat.
/// </summary>
internal sealed class RunHeartbeat : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _beating;

    private RunHeartbeat(Func<CancellationToken, Task> beat, TimeSpan interval, TimeProvider clock, ILogger logger) =>
        _beating = BeatAsync(beat, interval, clock, logger);

    public static RunHeartbeat Start(Database database, SnapshotRunStore runs, long runId, TimeSpan interval, TimeProvider clock, ILogger logger) =>
        new(ct => database.WriteAsync(db => runs.HeartbeatAsync(db, runId, clock.GetUtcNow().UtcDateTime, ct), ct), interval, clock, logger);

    private async Task BeatAsync(Func<CancellationToken, Task> beat, TimeSpan interval, TimeProvider clock, ILogger logger)
    {
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, clock, stop);
                await beat(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Could not renew the heartbeat of a snapshot run: {Error}; the next beat tries again", SnapshotProducer.Describe(e));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _beating;
        _stop.Dispose();
    }
}
