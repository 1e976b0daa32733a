using System.Globalization;
using System.Runtime.CompilerServices;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Demographics.Application;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.Demographics.Storage;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationServices.Demographics.Tests;

/// <summary>
/// The receiving phase of an import with its validating half held up (a spool that waits, as a slow SQL Server
/// staging write would): the receiving half stops taking rows once the queue between them is full, an
/// oversized row is not queued beside others, and the wait does not count as the client's idle time; and the
/// idle limit itself, for a client that sends slowly and then stops. The composition has no seam to hold the
/// spool, so these run the pipeline itself with the real validation.
/// </summary>
public sealed class ImportPipelineTests
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Waiting_for_a_held_up_validation_is_not_the_clients_idle_time()
    {
        var spool = new HeldSpool();
        var rows = new CountedRows(Enumerable.Range(0, 40_000).Select(i => Valid(i)));
        var run = ImportPipeline.RunAsync(rows.ReadAsync(), Validation(), spool, Limits(), CancellationToken.None);

        // The receiving half fills the queue, and the batch after it, and then waits for the validation, held at
        // its first row: it takes no row more.
        await spool.Holding.WaitAsync(TimeSpan.FromSeconds(60));
        var queueAndOneBatch = (ImportPipeline.QueuedBatches + 1) * ImportPipeline.BatchRows;
        await rows.StopsAtAsync(queueAndOneBatch);
        Assert.InRange(rows.Taken, 16 * 1024, 39_999);
        // Far past the idle timeout on the service's clock, while the client would send at once.
        for (var i = 0; i < 12; i++) _clock.Advance(IdleTimeout / 4);

        spool.Release();
        await run.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(40_000, rows.Taken);
        Assert.Equal(40_000, spool.Added);
    }

    [Fact]
    public async Task A_row_larger_than_the_queue_is_not_queued_beside_others_while_the_validation_is_held_up()
    {
        var spool = new HeldSpool();
        // One valid row, then a hundred rows with a comment of four million characters each (made as they are
        // taken), more text than the whole queue between the halves holds.
        var rows = new CountedRows(Enumerable.Range(0, 101).Select(i => i == 0 ? Valid(0) : Valid(i, comment: new string('x', 4_000_000))));
        var validation = Validation();
        var run = ImportPipeline.RunAsync(rows.ReadAsync(), validation, spool, Limits(), CancellationToken.None);

        await spool.Holding.WaitAsync(TimeSpan.FromSeconds(60));
        await rows.StopsAtAsync(3);
        // The first batch (the valid row and the first big one) is with the validation; the next big row waits for it.
        Assert.InRange(rows.Taken, 2, 3);

        spool.Release();
        await run.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(101, rows.Taken);
        Assert.Equal(100, validation.BadRows);
        Assert.All(validation.Violations, v => Assert.EndsWith("].comment", v.Field));
    }

    [Fact]
    public async Task A_client_sending_rows_slowly_within_the_idle_timeout_is_not_cut_off_and_ends_once_it_has_been_quiet_for_it()
    {
        var spool = new HeldSpool();
        spool.Release();
        var client = new SlowClient();
        var run = ImportPipeline.RunAsync(client.ReadAsync(), Validation(), spool, Limits(), CancellationToken.None);

        // A row every three quarters of the timeout, for five timeouts: never quiet for a whole timeout.
        for (var i = 0; i < 7; i++)
        {
            await client.SendAsync(Valid(i));
            for (var step = 0; step < 3; step++) _clock.Advance(IdleTimeout / 4);
        }
        // Time for a cancellation to reach the pipeline, had the last three quarters of a timeout ended the import.
        await Task.WhenAny(run, Task.Delay(TimeSpan.FromMilliseconds(500)));
        Assert.False(run.IsCompleted, "the import ended three quarters of a timeout after its last row");
        // Then quiet: ended by one and a quarter timeouts after the last row.
        for (var step = 0; step < 2; step++) _clock.Advance(IdleTimeout / 4);
        await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(run.IsCompleted, "the import did not end one and a quarter timeouts after its last row");
        var e = await Assert.ThrowsAsync<ServiceDefaults.Errors.ServiceException>(() => run.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("IMPORT_IDLE_TIMEOUT", e.Reason);
    }

    private ImportLimits Limits() => new(MaxRows: 1_000_000, IdleTimeout, _clock);

    private static ObservationValidation Validation() => new(
        new AreaCatalogue([new AreaEntry { Id = "0", Code = "0", Title = "Stadt", Kind = AreaKind.City }]),
        new Dictionary<string, IndicatorEntry>
        {
            ["population_total"] = new() { Id = "population_total", Title = "Bevölkerung", Unit = IndicatorUnit.Persons, Definition = "", Source = "" },
        });

    /// <summary>Row <paramref name="i"/>: its own series and date, so that no two rows are duplicates.</summary>
    private static ImportRow Valid(int i, string? comment = null) => ImportRow.Of(i,
        DemographicsTest.Obs("population_total", "0", new Google.Type.Date { Year = 1000 + i % 1000, Month = 12, Day = 31 }, i, comment,
            ("part", (i / 1000).ToString(CultureInfo.InvariantCulture))));

    /// <summary>A spool whose first row waits until <see cref="Release"/>, holding up the validating half.</summary>
    private sealed class HeldSpool : ObservationSpool
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _added;

        /// <summary>Completes once the validating half has reached the spool and waits there.</summary>
        public Task Holding => _holding.Task;

        public int Added => Volatile.Read(ref _added);

        public void Release() => _released.TrySetResult();

        public override async ValueTask AddAsync(NewObservation observation, CancellationToken ct)
        {
            _holding.TrySetResult();
            await _released.Task.WaitAsync(ct);
            Interlocked.Increment(ref _added);
        }

        public override ValueTask CompleteAsync(CancellationToken ct) => ValueTask.CompletedTask;

        public override Task MoveAsync(long batchId, CancellationToken ct) => Task.CompletedTask;

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>A client that sends each row when the test says so; <see cref="SendAsync"/> returns once the import has taken it.</summary>
    private sealed class SlowClient
    {
        private readonly System.Threading.Channels.Channel<ImportRow> _rows = System.Threading.Channels.Channel.CreateUnbounded<ImportRow>();
        private readonly System.Threading.Channels.Channel<ImportRow> _taken = System.Threading.Channels.Channel.CreateUnbounded<ImportRow>();

        public async Task SendAsync(ImportRow row)
        {
            await _rows.Writer.WriteAsync(row);
            Assert.Same(row, await _taken.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60)));
        }

        /// <summary>The import asks for the next row only when it is done with the one before: then that one counts as taken.</summary>
        public async IAsyncEnumerable<ImportRow> ReadAsync([EnumeratorCancellation] CancellationToken ct = default)
        {
            await foreach (var row in _rows.Reader.ReadAllAsync(ct))
            {
                yield return row;
                _taken.Writer.TryWrite(row);
            }
        }
    }

    /// <summary>A client that sends its rows as fast as they are taken, counting how many were taken.</summary>
    private sealed class CountedRows(IEnumerable<ImportRow> rows)
    {
        private int _taken;

        public int Taken => Volatile.Read(ref _taken);

        /// <summary>Honours the cancellation as a gRPC request stream does: the next row is not read once it is cancelled.</summary>
        public async IAsyncEnumerable<ImportRow> ReadAsync([EnumeratorCancellation] CancellationToken ct = default)
        {
            foreach (var row in rows)
            {
                await Task.Yield();
                ct.ThrowIfCancellationRequested();
                Interlocked.Increment(ref _taken);
                yield return row;
            }
        }

        /// <summary>
        /// Waits (in real time, bounded) until <paramref name="count"/> rows have been taken, then a second more, and
        /// asserts that no row more was taken meanwhile: the receiving half is held, not merely slow.
        /// </summary>
        public async Task StopsAtAsync(int count)
        {
            var limit = DateTime.UtcNow.AddSeconds(60);
            while (Taken < count && DateTime.UtcNow < limit) await Task.Delay(20);
            await Task.Delay(1000);
            Assert.Equal(count, Taken);
        }
    }
}
