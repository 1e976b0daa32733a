using System.Data;
using System.Data.Common;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Data.Sqlite;

namespace IntegrationServices.Demographics.Storage;

/// <summary>
/// The one connection of an import, from its first row to its commit, in two phases. While the client
/// sends, the rows go into a spool (<see cref="ObservationSpool"/>) and nothing touches the service's tables,
/// so no client can hold a lock by sending slowly; then <see cref="BeginWriteAsync"/> begins the short write
/// transaction that moves the spool in, and <see cref="CommitAsync"/> ends it. Disposing without committing
/// rolls everything back.
/// <para>SQLite: the spool is a private temporary database attached to this connection (SQLite puts it in its
/// temporary directory, SQLITE_TMPDIR or /var/tmp, and unlinks the file as soon as it is open, so not even a
/// crash leaves it behind). Its rows are written in a transaction of their own that touches only the spool.
/// The commit leaves the WAL checkpoint to <see cref="WalCheckpointer"/>, in the background (a large import's
/// commit would otherwise copy the whole log into the database file before it returns).</para>
/// </summary>
public sealed class ImportConnection : IAsyncDisposable
{
    /// <summary>The schema name of the spool database attached to an SQLite import connection.</summary>
    public const string SpoolSchema = "import_spool";

    private readonly DbConnection _connection;
    private readonly IDisposable? _deferredCheckpoint;
    private readonly WalCheckpointer _checkpointer;
    private readonly int _timeout;
    private DbTransaction? _transaction;
    private bool _writing;
    private int _spools;

    private ImportConnection(DbConnection connection, IDisposable? deferredCheckpoint, WalCheckpointer checkpointer, int timeout)
    {
        (_connection, _deferredCheckpoint, _checkpointer, _timeout) = (connection, deferredCheckpoint, checkpointer, timeout);
    }

    /// <summary>The connection and its current transaction (none before the first phase begins), for the repositories.</summary>
    public DbScope Scope => new(_connection, _transaction, _timeout);

    /// <summary>The number of the next spool on this connection (SQLite: its tables' suffix in the spool database).</summary>
    public int NextSpool() => ++_spools;

    /// <summary>Opens the connection (SQLite: with its spool attached); no transaction yet.</summary>
    public static async Task<ImportConnection> OpenAsync(Database database, WalCheckpointer checkpointer, CancellationToken ct)
    {
        var connection = await database.OpenAsync(ct, "Import");
        IDisposable? deferral = null;
        try
        {
            if (connection is SqliteConnection sqlite)
            {
                await Execute(sqlite, SqliteSpoolSql.Attach, ct);
                deferral = WalCheckpointer.Defer(connection);
            }
            return new ImportConnection(connection, deferral, checkpointer, database.CommandTimeout);
        }
        catch
        {
            deferral?.Dispose();
            await DetachAndCloseAsync(connection);
            throw;
        }
    }

    /// <summary>
    /// SQLite: begins the spool's transaction, DEFERRED, so that it takes no lock until it writes, and then
    /// only on the spool (statements on the service's tables must not run in it). SQL Server: nothing; the
    /// staging tables fill without a transaction. Does nothing once the write transaction has begun.
    /// </summary>
    public void BeginSpooling()
    {
        if (_transaction is null && _connection is SqliteConnection sqlite) _transaction = sqlite.BeginTransaction(deferred: true);
    }

    /// <summary>
    /// Ends the spooling phase and begins the write transaction (SQLite: IMMEDIATE, writers wait for each other
    /// here, never while a client sends). Does nothing when it has begun already.
    /// </summary>
    public async Task BeginWriteAsync(CancellationToken ct)
    {
        if (_writing) return;
        if (_transaction is not null)
        {
            await _transaction.CommitAsync(ct); // the spool's own transaction: its rows are complete
            await _transaction.DisposeAsync();
            _transaction = null;
        }
        _transaction = await _connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        _writing = true;
    }

    /// <summary>Commits the write transaction, then asks for the checkpoint the commit left out.</summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        if (!_writing || _transaction is null) throw new InvalidOperationException("No write transaction to commit.");
        await _transaction.CommitAsync(ct);
        _checkpointer.Request();
    }

    public async ValueTask DisposeAsync()
    {
        if (_transaction is not null) await _transaction.DisposeAsync();
        _deferredCheckpoint?.Dispose(); // the connection goes back to the pool: it checkpoints as usual again
        await DetachAndCloseAsync(_connection);
    }

    /// <summary>
    /// The connection goes back to the pool without its spool (detaching deletes it). Should that fail, the
    /// connection is not pooled again: closing it is what deletes the spool then.
    /// </summary>
    private static async Task DetachAndCloseAsync(DbConnection connection)
    {
        if (connection is SqliteConnection { State: ConnectionState.Open } sqlite)
        {
            try
            {
                await Execute(sqlite, SqliteSpoolSql.Detach, CancellationToken.None);
            }
            catch (SqliteException)
            {
                SqliteConnection.ClearPool(sqlite);
            }
        }
        await connection.DisposeAsync();
    }

    private static async Task Execute(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }
}
