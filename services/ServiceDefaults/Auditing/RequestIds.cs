using System.Data.Common;
using Dapper;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.ServiceDefaults.Auditing;

/// <summary>
/// AIP-155 request ids: a create retried with the same <c>request_id</c> returns the first result
/// and creates nothing new. The id is stored in the create's own transaction, so a create that
/// rolls back leaves no id behind.
/// </summary>
public sealed class RequestIds(Database database, TimeProvider clock)
{
    private readonly RequestIdSql _sql = new(database.Dialect);

    /// <summary>Validates the optional id: empty, or a UUID.</summary>
    public static string? Normalize(string? requestId, string field = "request_id")
    {
        if (string.IsNullOrEmpty(requestId)) return null;
        if (!Guid.TryParse(requestId, out var guid)) throw ServiceException.Invalid(field, "must be a UUID");
        return guid.ToString("D");
    }

    /// <summary>The resource a previous call with this id created, or null.</summary>
    public async Task<string?> FindAsync(DbConnection connection, DbTransaction? transaction, string? requestId, string method, CancellationToken ct)
    {
        if (requestId is null) return null;
        var row = await connection.QuerySingleOrDefaultAsync<(string Method, string Resource)?>(
            new CommandDefinition(_sql.Find, new { RequestId = requestId }, transaction, cancellationToken: ct));
        if (row is null) return null;
        if (row.Value.Method != method)
            throw ServiceException.Invalid("request_id", $"was already used for another method ({row.Value.Method}); use a new UUID per request");
        return row.Value.Resource;
    }

    public async Task RememberAsync(DbConnection connection, DbTransaction transaction, string? requestId, string method, string resource, CancellationToken ct)
    {
        if (requestId is null) return;
        await connection.ExecuteAsync(new CommandDefinition(_sql.Insert,
            new { RequestId = requestId, Method = method, Resource = resource, CreateTime = clock.GetUtcNow().UtcDateTime },
            transaction, cancellationToken: ct));
    }

    /// <summary>
    /// Runs an idempotent create: returns the existing resource's name when the id was seen, else runs
    /// <paramref name="create"/> (which returns the new name) and remembers the id in the same
    /// transaction. A concurrent duplicate loses on the primary key and then reads the winner's result.
    /// </summary>
    public async Task<string> CreateOnceAsync(string? requestId, string method,
        Func<DbConnection, DbTransaction, Task<string>> create, CancellationToken ct)
    {
        try
        {
            return await database.InTransactionAsync(async (connection, transaction) =>
            {
                if (await FindAsync(connection, transaction, requestId, method, ct) is { } existing) return existing;
                var name = await create(connection, transaction);
                await RememberAsync(connection, transaction, requestId, method, name, ct);
                return name;
            }, ct);
        }
        catch (Exception e) when (requestId is not null && database.Dialect.IsUniqueViolation(e))
        {
            await using var connection = await database.OpenAsync(ct);
            if (await FindAsync(connection, null, requestId, method, ct) is { } winner) return winner;
            throw;
        }
    }
}

[SqlStatements]
public sealed class RequestIdSql(SqlDialect dialect)
{
    public SqlDialect Dialect { get; } = dialect;

    public string Find => "SELECT method AS Method, resource AS Resource FROM request_ids WHERE request_id = @RequestId";

    public string Insert => """
        INSERT INTO request_ids (request_id, method, resource, create_time)
        VALUES (@RequestId, @Method, @Resource, @CreateTime)
        """;
}
