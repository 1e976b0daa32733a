using System.Collections.Concurrent;

namespace IntegrationServices.ServiceDefaults.Storage;

/// <summary>
/// SQLite: the connections of <see cref="Database.ReadAsync{T}"/>, kept open between reads so that they keep
/// their prepared statements (<see cref="StatementCachingConnection"/>). Microsoft.Data.Sqlite compiles every
/// statement again on every execution by a new command (dotnet/efcore#14044), and compiling the time-travel
/// view costs more than running it for one measure. At most <see cref="IdleCapacity"/> connections wait here;
/// a read that finds none opens another (through Microsoft.Data.Sqlite's own pool), and one returned to a full
/// pool is closed. A connection whose read failed is closed, not returned: nothing of a broken read (an
/// interrupted statement, an open reader) reaches the next one.
/// </summary>
internal sealed class SqliteReadConnections(string connectionString) : IDisposable
{
    /// <summary>
    /// A read runs synchronously from start to end (SQLite does no I/O asynchronously), so as many reads run at
    /// once as the thread pool has threads in them, which grows past the core count under load; each kept
    /// connection holds its page cache and its prepared statements.
    /// </summary>
    public static readonly int IdleCapacity = Math.Max(16, 4 * Environment.ProcessorCount);

    private readonly ConcurrentBag<StatementCachingConnection> _idle = [];
    private int _idleCount;
    private volatile bool _disposed;

    public async ValueTask<StatementCachingConnection> RentAsync(CancellationToken ct)
    {
        if (_idle.TryTake(out var idle))
        {
            Interlocked.Decrement(ref _idleCount);
            return idle;
        }
        var connection = new StatementCachingConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Takes the connection back after a read that succeeded; closes it when the pool is full or gone.</summary>
    public void Return(StatementCachingConnection connection)
    {
        if (_disposed || Interlocked.Increment(ref _idleCount) > IdleCapacity)
        {
            if (!_disposed) Interlocked.Decrement(ref _idleCount);
            connection.Dispose();
            return;
        }
        _idle.Add(connection);
        if (_disposed) Drain(); // disposed while it was being added
    }

    public void Dispose()
    {
        _disposed = true;
        Drain();
    }

    private void Drain()
    {
        while (_idle.TryTake(out var connection)) connection.Dispose();
    }
}
