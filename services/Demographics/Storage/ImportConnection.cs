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
    /// <para>SQLite: the transaction checks no foreign key (<see cref="UncheckedReferences"/>).</para>
    /// </summary>
    public async Task BeginWriteAsync(CancellationToken ct)
    {
        if (_transaction is not null) return;
        if (_connection is SqliteConnection)
        {
            await using var command = _connection.CreateCommand();
            command.CommandText = UncheckedReferences;
            await command.ExecuteNonQueryAsync(ct);
        }
        _transaction = await _connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
    }

    /// <summary>
    /// An import's write transaction on SQLite runs without foreign key checks, which cost a lookup of the
    /// series and of the batch for every row written, a quarter of SQLite's work in a large import. Every
    /// reference it writes holds without them: a row names a series and the batch that the same transaction
    /// found or added, with the write lock held; a new series names an indicator and an area the validation
    /// found in the catalogue, which never deletes an entry. The setting is the connection's (it cannot
    /// change inside a transaction), and lasts until the connection is opened again: Microsoft.Data.Sqlite sets
    /// <c>foreign_keys</c> on every open when the connection string asks for it, as the service's does.
    /// </summary>
    private const string UncheckedReferences = "PRAGMA foreign_keys = OFF";

    /// <summary>Commits the write transaction, then asks for the checkpoint the commit left out.</summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        if (_transaction is null) throw new InvalidOperationException("No write transaction to commit.");
        await _transaction.CommitAsync(ct);
        _checkpointer.Request();
    }

    public async ValueTask DisposeAsync()
    {
        if (_transaction is not null) await _transaction.DisposeAsync();
        _deferredCheckpoint?.Dispose(); // the connection goes back to the pool: it checkpoints as usual again
        await _connection.DisposeAsync();
    }
}
