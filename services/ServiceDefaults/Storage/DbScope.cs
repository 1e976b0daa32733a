using System.Data.Common;
using Dapper;

namespace IntegrationServices.ServiceDefaults.Storage;

/// <summary>
/// A connection and, for writes, its transaction: what every repository method takes, so that the
/// application layer decides where a unit of work begins and ends. The Dapper calls here carry the
/// transaction, the statement timeout and the caller's cancellation every time.
/// </summary>
public readonly record struct DbScope(DbConnection Connection, DbTransaction? Transaction, int CommandTimeoutSeconds)
{
    public CommandDefinition Command(string sql, object? parameters, CancellationToken ct, CommandFlags flags = CommandFlags.Buffered) =>
        new(sql, parameters, Transaction, CommandTimeoutSeconds, flags: flags, cancellationToken: ct);

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters, CancellationToken ct) =>
        (await Connection.QueryAsync<T>(Command(sql, parameters, ct))).AsList();

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? parameters, CancellationToken ct) =>
        Connection.QuerySingleOrDefaultAsync<T>(Command(sql, parameters, ct));

    public Task<T?> QueryFirstOrDefaultAsync<T>(string sql, object? parameters, CancellationToken ct) =>
        Connection.QueryFirstOrDefaultAsync<T>(Command(sql, parameters, ct));

    public Task<int> ExecuteAsync(string sql, object? parameters, CancellationToken ct) =>
        Connection.ExecuteAsync(Command(sql, parameters, ct));

    public Task<T?> ExecuteScalarAsync<T>(string sql, object? parameters, CancellationToken ct) =>
        Connection.ExecuteScalarAsync<T>(Command(sql, parameters, ct));
}
