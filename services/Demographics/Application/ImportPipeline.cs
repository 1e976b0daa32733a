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
/// The receiving phase of an import, in two halves side by side: one receives the rows (for the CSV path
/// that includes reading the text) and hands them over in batches through a queue (16 × 1,024 rows, enough
/// to ride out a pause of either side); the other validates them and spools the valid ones. Each half is
/// about half of the phase's work, so on more than one core the phase takes as long as the slower half, not
/// the sum. Only the validating half touches the validation and the spool, and only the spool touches the
/// connection until the phase has ended. Nothing here touches the service's tables.
/// </summary>
internal static class ImportPipeline
{
    /// <summary>Rows travel from the receiving half to the validating half in batches of this many.</summary>
    private const int BatchRows = 1024;

    private const int QueuedBatches = 16;

    /// <summary>
    /// Validates every row and spools the valid ones while no row is bad. Returns when the rows have ended and
    /// the spool holds every valid row (complete, when no row was bad). Ends early, and throws, when the
    /// client passes the row limit (RESOURCE_EXHAUSTED) or sends nothing for the idle timeout
    /// (DEADLINE_EXCEEDED), or when it cancels. A failure of the validating half (the spool's) is thrown once
    /// the rows have ended: the rest of them is read and dropped, so that the caller's answer does not depend
    /// on how far a streaming client had got when the spool gave up.
    /// </summary>
    public static async Task RunAsync(IAsyncEnumerable<ImportRow> rows, ObservationValidation validation, ObservationSpool spool,
        ImportLimits limits, CancellationToken ct)
    {
        using var idle = new IdleWatch(limits.Clock, limits.IdleTimeout);
        using var receiving = CancellationTokenSource.CreateLinkedTokenSource(ct, idle.Token);
        var pipe = Channel.CreateBounded<List<ImportRow>>(new BoundedChannelOptions(QueuedBatches) { SingleReader = true, SingleWriter = true });
        var validating = ValidateAndSpoolAsync(pipe, validation, spool, ct);
        try
        {
            var batch = new List<ImportRow>(BatchRows);
            var (received, validatingFailed) = (0L, false);
            await foreach (var row in rows.WithCancellation(receiving.Token))
            {
                idle.Progress();
                if (received++ >= limits.MaxRows) throw TooManyRows(limits.MaxRows);
                if (validatingFailed) continue;
                batch.Add(row);
                if (batch.Count < BatchRows) continue;
                validatingFailed = !await TrySendAsync(pipe, batch, ct);
                batch = new List<ImportRow>(BatchRows);
                idle.Progress(); // the wait for the other half was not the client's
            }
            // A stream that ends because its client went away is no complete import.
            ct.ThrowIfCancellationRequested();
            if (!validatingFailed && batch.Count > 0) await TrySendAsync(pipe, batch, ct);
            pipe.Writer.TryComplete();
        }
        catch (Exception e)
        {
            pipe.Writer.TryComplete();
            await validating.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing); // let the other half stop; this error is the one to report
            if (e is OperationCanceledException && idle.Expired && !ct.IsCancellationRequested) throw IdleTimeout(idle.Timeout);
            throw;
        }
        await validating;
        if (validation.BadRows == 0) await spool.CompleteAsync(ct);
    }

    /// <summary>Queues a batch; false when the validating half has failed and closed the queue (its error is reported by <see cref="RunAsync"/>).</summary>
    private static async Task<bool> TrySendAsync(Channel<List<ImportRow>> pipe, List<ImportRow> batch, CancellationToken ct)
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

    /// <summary>
    /// The validating half: checks every row of the queue and spools the valid ones while no row is bad (once
    /// one is, the import fails anyway: the rest is only validated, to report it). On failure closes the
    /// queue, so that the receiving half stops sending.
    /// </summary>
    private static async Task ValidateAndSpoolAsync(Channel<List<ImportRow>> pipe, ObservationValidation validation, ObservationSpool spool,
        CancellationToken ct)
    {
        try
        {
            await foreach (var batch in pipe.Reader.ReadAllAsync(ct))
                foreach (var row in batch)
                    if (validation.Check(row) is { } valid && validation.BadRows == 0)
                        await spool.AddAsync(valid, ct);
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
