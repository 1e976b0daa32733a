using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SQLitePCL;

namespace IntegrationServices.ServiceDefaults.Storage;

/// <summary>
/// SQLite only: takes the write-ahead log's checkpoint of a bulk write off the caller's path. Once the log
/// has grown past 1,000 pages, the commit that follows copies all of it into the database file before it
/// returns: for an import of a million rows tens of megabytes, which the caller would wait for
/// although the data is already durable in the log. A bulk writer <see cref="Defer"/>s it on its
/// connection and <see cref="Request"/>s it after the commit; it then runs here, in the background and
/// PASSIVE, so it never blocks a reader or writer (SQLite's advice for applications that checkpoint in a
/// thread of their own). On SQL Server both do nothing.
/// </summary>
public sealed class WalCheckpointer(Database database, ILogger<WalCheckpointer> logger) : BackgroundService
{
    /// <summary>SQLite's own default for <c>wal_autocheckpoint</c>, restored when a deferral ends.</summary>
    public const int DefaultAutoCheckpointPages = 1000;

    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite }); // one pending request covers all

    /// <summary>Checkpoints run so far (for tests and diagnostics).</summary>
    public int Completed => _completed;

    private int _completed;

    /// <summary>
    /// Until the result is disposed, commits on <paramref name="connection"/> leave the checkpoint to
    /// <see cref="Request"/>; null (nothing to dispose) for a connection that is not SQLite.
    /// </summary>
    public static IDisposable? Defer(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } handle }) return null;
        SqliteException.ThrowExceptionForRC(raw.sqlite3_wal_autocheckpoint(handle, 0), handle);
        // The connection goes back to the pool afterwards: it must checkpoint as usual again.
        return new Deferral(handle);
    }

    /// <summary>Asks for a checkpoint soon; returns at once.</summary>
    public void Request()
    {
        if (database.Dialect.Provider == StorageProvider.Sqlite) _requests.Writer.TryWrite(true);
    }

    /// <summary>One PASSIVE checkpoint: copies what no reader still needs from the log into the database file.</summary>
    public async Task CheckpointAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        await using var result = await command.ExecuteReaderAsync(ct);
        if (await result.ReadAsync(ct))
            logger.LogDebug("WAL checkpoint: {Copied} of {Frames} log frames copied into the database file", result.GetInt64(2), result.GetInt64(1));
        Interlocked.Increment(ref _completed);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var _ in _requests.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await CheckpointAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Nothing is lost: the data is in the log, and the next commit past 1,000 pages checkpoints.
                logger.LogWarning(e, "The background WAL checkpoint failed; a later commit will checkpoint instead.");
            }
        }
    }

    private sealed class Deferral(sqlite3 handle) : IDisposable
    {
        public void Dispose()
        {
            if (!handle.IsClosed) raw.sqlite3_wal_autocheckpoint(handle, DefaultAutoCheckpointPages);
        }
    }
}
