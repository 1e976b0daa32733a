using System.Threading.Channels;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.Demographics.Storage;

namespace IntegrationServices.Demographics.Application;

/// <summary>
/// Reading and validating an import's rows and writing them to the database run side by side, handing over
/// batches through a queue (16 × 1,024 rows, enough to ride out a pause of either side): each is about half
/// of an import's work, so with two cores the import takes as long as the slower half, not as both together.
/// Only the writing side touches the connection until it has finished.
/// </summary>
internal static class ImportPipeline
{
    /// <summary>Valid rows travel from the validation to the writer in batches of this many.</summary>
    private const int BatchRows = 1024;

    private const int QueuedBatches = 16;

    /// <summary>
    /// Validates every row and writes the valid ones while no row is bad. Returns when the rows have ended and
    /// the writer has taken every batch; throws the writer's failure, if any, once the rows have ended: after
    /// a storage failure the rest of the rows is read and dropped, so that the caller's answer does not depend
    /// on how far a streaming client had got when the database gave up.
    /// </summary>
    public static async Task RunAsync(IAsyncEnumerable<ImportRow> rows, ObservationValidation validation, ObservationBulkWriter writer,
        CancellationToken ct)
    {
        var pipe = Channel.CreateBounded<List<NewObservation>>(new BoundedChannelOptions(QueuedBatches) { SingleReader = true, SingleWriter = true });
        var writing = WriteAsync(pipe, writer, ct);
        try
        {
            var batch = new List<NewObservation>(BatchRows);
            var storageFailed = false;
            await foreach (var row in rows.WithCancellation(ct))
            {
                if (storageFailed) continue;
                // Once a row is bad the import fails anyway: the rest is only validated, to report it.
                if (validation.Check(row) is not { } valid || validation.BadRows > 0) continue;
                batch.Add(valid);
                if (batch.Count < BatchRows) continue;
                storageFailed = !await TrySendAsync(pipe, batch, ct);
                batch = new List<NewObservation>(BatchRows);
            }
            if (!storageFailed && validation.BadRows == 0 && batch.Count > 0) await TrySendAsync(pipe, batch, ct);
            pipe.Writer.TryComplete();
        }
        catch
        {
            pipe.Writer.TryComplete();
            await writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing); // let the writer stop; this error is the one to report
            throw;
        }
        await writing;
    }

    /// <summary>Queues a batch; false when the writing side has failed and closed the queue (its error is reported by <see cref="RunAsync"/>).</summary>
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

    /// <summary>The writing half: drains the queue into the bulk writer; on failure closes the queue so the reading half stops sending.</summary>
    private static async Task WriteAsync(Channel<List<NewObservation>> pipe, ObservationBulkWriter writer, CancellationToken ct)
    {
        try
        {
            await foreach (var batch in pipe.Reader.ReadAllAsync(ct))
                foreach (var observation in batch)
                    await writer.AddAsync(observation, ct);
        }
        catch (Exception e)
        {
            pipe.Writer.TryComplete(e);
            throw;
        }
    }
}
