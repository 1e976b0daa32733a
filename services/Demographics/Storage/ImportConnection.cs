using System.Data;
using System.Data.Common;
using IntegrationServices.ServiceDefaults.Storage;

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
    /// </summary>
    public async Task BeginWriteAsync(CancellationToken ct) =>
        _transaction ??= await _connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);

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
