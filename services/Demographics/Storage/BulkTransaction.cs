using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Demographics.Storage;

/// <summary>
/// The write transaction of a bulk load: one connection and one transaction that stay open while the rows
/// stream in (the bulk path needs the raw connection, hence not <see cref="Database.WriteAsync{T}"/>). On
/// SQLite a large load's commit would copy the whole write-ahead log into the database file before it
/// returns; here the commit leaves that to <see cref="WalCheckpointer"/> in the background (the data is
/// durable in the log at the commit). Disposing without <see cref="CommitAsync"/> rolls everything back.
/// </summary>
public sealed class BulkTransaction : IAsyncDisposable
{
    private readonly DbConnection _connection;
    private readonly IDisposable? _deferredCheckpoint;
    private readonly DbTransaction _transaction;
    private readonly WalCheckpointer _checkpointer;

    private BulkTransaction(DbConnection connection, IDisposable? deferredCheckpoint, DbTransaction transaction, WalCheckpointer checkpointer, int timeout)
    {
        (_connection, _deferredCheckpoint, _transaction, _checkpointer) = (connection, deferredCheckpoint, transaction, checkpointer);
        Scope = new DbScope(connection, transaction, timeout);
    }

    /// <summary>The connection and transaction, for the repositories and the audit trail.</summary>
    public DbScope Scope { get; }

    /// <summary>Opens a connection and begins the transaction (on SQLite IMMEDIATE: other writers wait for the load).</summary>
    public static async Task<BulkTransaction> BeginAsync(Database database, WalCheckpointer checkpointer, CancellationToken ct,
        [CallerMemberName] string operation = "")
    {
        var connection = await database.OpenAsync(ct, operation);
        IDisposable? deferral = null;
        try
        {
            deferral = WalCheckpointer.Defer(connection);
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
            return new BulkTransaction(connection, deferral, transaction, checkpointer, database.CommandTimeout);
        }
        catch
        {
            deferral?.Dispose();
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Commits, then asks for the checkpoint the commit left out.</summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        await _transaction.CommitAsync(ct);
        _checkpointer.Request();
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        _deferredCheckpoint?.Dispose(); // the connection goes back to the pool: it checkpoints as usual again
        await _connection.DisposeAsync();
    }
}
