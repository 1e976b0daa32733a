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
/// <para>SQLite: the write transaction checks no foreign key (see <see cref="BeginWriteAsync"/>).</para>
/// <para>SQLite: the commit leaves the WAL checkpoint to <see cref="WalCheckpointer"/>, in the background (a
/// large import's commit would otherwise copy the whole log into the database file before it returns).</para>
/// </summary>
public sealed class ImportConnection : IAsyncDisposable
{
    private readonly DbConnection _connection;
    private readonly IDisposable? _deferredCheckpoint;
    private readonly WalCheckpointer _checkpointer;
    private readonly int _timeout;
    private DbTransaction? _transaction;
    private bool _foreignKeysChecked; // SQLite: the connection checked foreign keys before the write transaction

    private ImportConnection(DbConnection connection, IDisposable? deferredCheckpoint, WalCheckpointer checkpointer, int timeout)
    {
        (_connection, _deferredCheckpoint, _checkpointer, _timeout) = (connection, deferredCheckpoint, checkpointer, timeout);
    }

    /// <summary>The connection and its current transaction (none before the first phase begins), for the repositories.</summary>
    public DbScope Scope => new(_connection, _transaction, _timeout);

    /// <summary>Opens the connection; no transaction yet.</summary>
    public static async Task<ImportConnection> OpenAsync(Database database, WalCheckpointer checkpointer, CancellationToken ct)
    {
        var connection = await database.OpenAsync(ct, "Import");
        try
        {
            return new ImportConnection(connection, WalCheckpointer.Defer(connection), checkpointer, database.CommandTimeout);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Ends the spooling phase and begins the write transaction (SQLite: IMMEDIATE, writers wait for each other
    /// here, never while a client sends). Does nothing when it has begun already.
    /// <para>SQLite: nothing written in the transaction is checked for its foreign keys. The checks cost a lookup
    /// of the series and of the batch for every row, up to a fifth of SQLite's work in a large import, and
    /// could not fail: a row names a series and the batch that the same transaction found or added with the
    /// write lock held. The series an import adds are checked against the catalogue once, by the spool's move.
    /// The setting is the connection's, made before the transaction (SQLite ignores it inside one), and
    /// disposing sets it back before the connection returns to the pool (Microsoft.Data.Sqlite sets it on open
    /// only when the connection string names it).</para>
    /// </summary>
    public async Task BeginWriteAsync(CancellationToken ct)
    {
        if (_transaction is not null) return;
        if (_connection is SqliteConnection sqlite)
        {
            // Read once: a second call after a failed begin finds the setting off already.
            if (!_foreignKeysChecked) _foreignKeysChecked = await PragmaAsync(sqlite, ForeignKeys, ct) is 1L;
            await PragmaAsync(sqlite, ForeignKeysOff, ct);
        }
        _transaction = await _connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
    }

    private const string ForeignKeys = "PRAGMA foreign_keys";
    private const string ForeignKeysOff = "PRAGMA foreign_keys = OFF";
    private const string ForeignKeysOn = "PRAGMA foreign_keys = ON";

    /// <summary>A pragma on its own command, not one the connection keeps prepared: it runs once per import.</summary>
    private static async Task<object?> PragmaAsync(SqliteConnection connection, string pragma, CancellationToken ct)
    {
        await using var command = new SqliteCommand(pragma, connection);
        return await command.ExecuteScalarAsync(ct);
    }

    /// <summary>Commits the write transaction, then asks for the checkpoint the commit left out.</summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        if (_transaction is null) throw new InvalidOperationException("No write transaction to commit.");
        await _transaction.CommitAsync(ct);
        _checkpointer.Request();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_transaction is not null) await _transaction.DisposeAsync();
            // The connection goes back to the pool as it came: checking references and checkpointing as usual.
            if (_foreignKeysChecked) await PragmaAsync((SqliteConnection)_connection, ForeignKeysOn, CancellationToken.None);
        }
        finally
        {
            _deferredCheckpoint?.Dispose();
            await _connection.DisposeAsync();
        }
    }
}
