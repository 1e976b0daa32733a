using System.Globalization;
using System.Threading.Channels;
using Grpc.Core;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.Demographics.Storage;
using IntegrationServices.ServiceDefaults.Errors;

namespace IntegrationServices.Demographics.Application;

/// <summary>What an import may take: rows at most, and time without a row at most.</summary>
internal sealed record ImportLimits(long MaxRows, TimeSpan IdleTimeout, TimeProvider Clock);

/// <summary>
/// The receiving phase of an import: reading and validating its rows, and spooling the valid ones, run side
/// by side, handing over batches through a queue (16 × 1,024 rows, enough to ride out a pause of either
/// side): each is about half of the phase's work, so with two cores it takes as long as the slower half.
/// Only the spooling side touches the connection until the phase has ended. Nothing here touches the
/// service's tables.
/// </summary>
internal static class ImportPipeline
{
    /// <summary>Valid rows travel from the validation to the spool in batches of this many.</summary>
    private const int BatchRows = 1024;

    private const int QueuedBatches = 16;

    /// <summary>
    /// Validates every row and spools the valid ones while no row is bad. Returns when the rows have ended and
    /// the spool holds every valid row (complete, when no row was bad). Ends early, and throws, when the
    /// client passes the row limit (RESOURCE_EXHAUSTED) or sends nothing for the idle timeout
    /// (DEADLINE_EXCEEDED), or when it cancels. A failure of the spool is thrown once the rows have ended:
    /// the rest of them is read and dropped, so that the caller's answer does not depend on how far a
    /// streaming client had got when the spool gave up.
    /// </summary>
    public static async Task RunAsync(IAsyncEnumerable<ImportRow> rows, ObservationValidation validation, ObservationSpool spool,
        ImportLimits limits, CancellationToken ct)
    {
        using var idle = new IdleWatch(limits.Clock, limits.IdleTimeout);
        using var receiving = CancellationTokenSource.CreateLinkedTokenSource(ct, idle.Token);
        var pipe = Channel.CreateBounded<List<NewObservation>>(new BoundedChannelOptions(QueuedBatches) { SingleReader = true, SingleWriter = true });
        var spooling = SpoolAsync(pipe, spool, ct);
        try
        {
            var batch = new List<NewObservation>(BatchRows);
            var spoolFailed = false;
            await foreach (var row in rows.WithCancellation(receiving.Token))
            {
                idle.Progress();
                if (validation.Rows >= limits.MaxRows) throw TooManyRows(limits.MaxRows);
                // Once a row is bad (or the spool has failed) the import fails anyway: the rest is only validated, to report it.
                if (validation.Check(row) is not { } valid || validation.BadRows > 0 || spoolFailed) continue;
                batch.Add(valid);
                if (batch.Count < BatchRows) continue;
                spoolFailed = !await TrySendAsync(pipe, batch, ct);
                batch = new List<NewObservation>(BatchRows);
                idle.Progress(); // the wait for the spool was not the client's
            }
            // A stream that ends because its client went away is no complete import.
            ct.ThrowIfCancellationRequested();
            if (!spoolFailed && validation.BadRows == 0 && batch.Count > 0) await TrySendAsync(pipe, batch, ct);
            pipe.Writer.TryComplete();
        }
        catch (Exception e)
        {
            pipe.Writer.TryComplete();
            await spooling.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing); // let the spool stop; this error is the one to report
            if (e is OperationCanceledException && idle.Expired && !ct.IsCancellationRequested) throw IdleTimeout(idle.Timeout);
            throw;
        }
        await spooling;
        if (validation.BadRows == 0) await spool.CompleteAsync(ct);
    }

    /// <summary>Queues a batch; false when the spooling side has failed and closed the queue (its error is reported by <see cref="RunAsync"/>).</summary>
    private static async Task<bool> TrySendAsync(Channel<List<NewObservation>> pipe, List<NewObservation> batch, CancellationToken ct)
    {
        try
        {
            await pipe.Writer.WriteAsync(batch, ct);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>The spooling half: drains the queue into the spool; on failure closes the queue so the reading half stops sending.</summary>
    private static async Task SpoolAsync(Channel<List<NewObservation>> pipe, ObservationSpool spool, CancellationToken ct)
    {
        try
        {
            await foreach (var batch in pipe.Reader.ReadAllAsync(ct))
                foreach (var observation in batch)
                    await spool.AddAsync(observation, ct);
        }
        catch (Exception e)
        {
            pipe.Writer.TryComplete(e);
            throw;
        }
    }

    private static ServiceException TooManyRows(long limit) =>
        new(StatusCode.ResourceExhausted, "IMPORT_TOO_LARGE", string.Create(CultureInfo.InvariantCulture,
            $"The import has more than {limit:N0} rows, the most one import may have (Demographics:MaxImportRows); nothing was imported. Split it into several imports."));

    private static ServiceException IdleTimeout(TimeSpan timeout) =>
        new(StatusCode.DeadlineExceeded, "IMPORT_IDLE_TIMEOUT", string.Create(CultureInfo.InvariantCulture,
            $"The import received no row for {timeout.TotalSeconds:N0} s (Demographics:ImportIdleTimeout) and was ended; nothing was imported."));
}
