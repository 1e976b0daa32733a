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
/// that includes reading the text) and hands them over in batches; the other validates them and spools the
/// valid ones. Each half is about half of the phase's work, so on more than one core the phase takes as long
/// as the slower half, not the sum. Only the validating half touches the validation and the spool, and only
/// the spool touches the connection until the phase has ended. Nothing here touches the service's tables.
/// The rows between the halves are not validated yet, so they are bounded by their text as well as their
/// number (see <see cref="Batch"/>): a client cannot make the service hold more than one oversized row at a
/// time.
/// </summary>
internal static class ImportPipeline
{
    /// <summary>A batch is handed over at this many rows, or at <see cref="BatchChars"/>, whichever comes first.</summary>
    internal const int BatchRows = 1024;

    /// <summary>Characters of text (names, comment, dimensions, what the reader found wrong) that close a batch.</summary>
    private const int BatchChars = 128 * 1024;

    /// <summary>How many full batches may wait between the halves (enough to ride out a pause of either side).</summary>
    internal const int QueuedBatches = 16;

    /// <summary>
    /// Validates every row and spools the valid ones while no row is bad. Returns when the rows have ended and
    /// the spool holds every valid row (complete, when no row was bad). Ends early, and throws, when the
    /// client passes the row limit (RESOURCE_EXHAUSTED) or sends nothing for the idle timeout
    /// (DEADLINE_EXCEEDED; a wait for the validating half does not count), or when it cancels. A failure of
    /// the validating half (the spool's) is thrown once the rows have ended: the rest of them is read and
    /// dropped, so that the caller's answer does not depend on how far a streaming client had got when the
    /// spool gave up.
    /// </summary>
    public static async Task RunAsync(IAsyncEnumerable<ImportRow> rows, ObservationValidation validation, ObservationSpool spool,
        ImportLimits limits, CancellationToken ct)
    {
        using var idle = new IdleWatch(limits.Clock, limits.IdleTimeout);
        using var receiving = CancellationTokenSource.CreateLinkedTokenSource(ct, idle.Token);
        using var stopValidating = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // Room between the halves, in full batches: the receiving half takes a batch's weight before it queues
        // the batch, the validating half gives it back once the batch is done.
        using var room = new SemaphoreSlim(QueuedBatches);
        var pipe = Channel.CreateUnbounded<Batch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var validating = ValidateAndSpoolAsync(pipe, room, validation, spool, stopValidating.Token);
        try
        {
            var batch = new Batch();
            var (received, validatingFailed) = (0L, false);
            await foreach (var row in rows.WithCancellation(receiving.Token))
            {
                idle.Progress();
                if (received++ >= limits.MaxRows) throw TooManyRows(limits.MaxRows);
                if (validatingFailed) continue;
                batch.Add(row);
                if (batch.Rows.Count < BatchRows && batch.Chars < BatchChars) continue;
                validatingFailed = !await TrySendAsync(pipe, room, batch, idle, ct);
                batch = new Batch();
            }
            // A stream that ends because its client went away is no complete import.
            ct.ThrowIfCancellationRequested();
            if (!validatingFailed && batch.Rows.Count > 0) await TrySendAsync(pipe, room, batch, idle, ct);
            pipe.Writer.TryComplete();
        }
        catch (Exception e)
        {
            pipe.Writer.TryComplete();
            // The import is over: the rows still queued need no validating, and the error below is the one to report.
            await stopValidating.CancelAsync();
            await validating.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (e is OperationCanceledException && idle.Expired && !ct.IsCancellationRequested) throw IdleTimeout(idle.Timeout);
            throw;
        }
        await validating;
        if (validation.BadRows == 0) await spool.CompleteAsync(ct);
    }

    /// <summary>
    /// Queues a batch once there is room for it; false when the validating half has failed and closed the queue
    /// (its error is reported by <see cref="RunAsync"/>). The wait for room is not the client's: it does not count
    /// towards the idle timeout.
    /// </summary>
    private static async Task<bool> TrySendAsync(Channel<Batch> pipe, SemaphoreSlim room, Batch batch, IdleWatch idle, CancellationToken ct)
    {
        idle.Suspend();
        for (var taken = 0; taken < batch.Weight; taken++) await room.WaitAsync(ct);
        idle.Progress();
        return pipe.Writer.TryWrite(batch);
    }

    /// <summary>
    /// The validating half: checks every row of the queue and spools the valid ones while no row is bad (once
    /// one is, the import fails anyway: the rest is only validated, to report it). On failure closes the
    /// queue and makes room, so that a receiving half waiting to send finds the queue closed and stops sending.
    /// </summary>
    private static async Task ValidateAndSpoolAsync(Channel<Batch> pipe, SemaphoreSlim room, ObservationValidation validation,
        ObservationSpool spool, CancellationToken ct)
    {
        try
        {
            await foreach (var batch in pipe.Reader.ReadAllAsync(ct))
            {
                foreach (var row in batch.Rows)
                    if (validation.Check(row) is { } valid && validation.BadRows == 0)
                        await spool.AddAsync(valid, ct);
                room.Release(batch.Weight);
            }
        }
        catch
        {
            // Closed without the error (a cancellation error would reach the sender as its own): it is reported through this task.
            pipe.Writer.TryComplete();
            room.Release(QueuedBatches);
            throw;
        }
    }

    /// <summary>
    /// Rows on their way to the validating half. Its weight is the room it takes, in full batches: one, or as many
    /// as its text fills at <see cref="BatchChars"/> each, at most all of them (a batch with an oversized row
    /// waits until the queue is empty).
    /// </summary>
    private sealed class Batch
    {
        public List<ImportRow> Rows { get; } = new(BatchRows);

        public long Chars { get; private set; }

        public int Weight => (int)Math.Clamp((Chars + BatchChars - 1) / BatchChars, 1, QueuedBatches);

        public void Add(ImportRow row)
        {
            Rows.Add(row);
            Chars += CharsOf(row);
        }

        private static long CharsOf(ImportRow row)
        {
            long chars = row.Indicator.Length + row.Area.Length + row.Comment.Length;
            for (var i = 0; i < row.Dimensions.Count; i++) chars += row.Dimensions[i].Key.Length + row.Dimensions[i].Value.Length;
            if (row.ReadViolations is { } read)
                foreach (var violation in read) chars += violation.Field.Length + violation.Description.Length;
            return chars;
        }
    }

    private static ServiceException TooManyRows(long limit) =>
        new(StatusCode.ResourceExhausted, "IMPORT_TOO_LARGE", string.Create(CultureInfo.InvariantCulture,
            $"The import has more than {limit:N0} rows, the most one import may have (Demographics:MaxImportRows); nothing was imported. Split it into several imports."));

    private static ServiceException IdleTimeout(TimeSpan timeout) =>
        new(StatusCode.DeadlineExceeded, "IMPORT_IDLE_TIMEOUT", string.Create(CultureInfo.InvariantCulture,
            $"The import received no row for {timeout.TotalSeconds:N0} s (Demographics:ImportIdleTimeout) and was ended; nothing was imported."));
}
