using System.Security.Cryptography;
using Google.Protobuf;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.ServiceDefaults.Auditing;

/// <summary>
/// AIP-155 request ids: a create retried with the same <c>request_id</c> returns the first result and
/// creates nothing new. An id belongs to its caller (two callers may pick the same UUID without seeing
/// each other's resources) and to its request: the same id with another payload or method is
/// INVALID_ARGUMENT, never a silent answer to a different question. The id is stored in the create's own
/// transaction, so a create that rolls back leaves no id behind.
/// </summary>
public sealed class RequestIds(Database database, TimeProvider clock)
{
    /// <summary>Validates the optional id: empty, or a UUID.</summary>
    public static string? Normalize(string? requestId, string field = "request_id")
    {
        if (string.IsNullOrEmpty(requestId)) return null;
        if (!Guid.TryParse(requestId, out var guid)) throw ServiceException.Invalid(field, "must be a UUID");
        return guid.ToString("D");
    }

    /// <summary>
    /// Runs an idempotent create in one write transaction: returns the resource a previous call of this
    /// caller with this id created, else runs <paramref name="create"/> (which returns the new name) and
    /// remembers the id with a hash of <paramref name="request"/>. A concurrent duplicate loses on the
    /// primary key and then reads the winner's result.
    /// </summary>
    public async Task<string> CreateOnceAsync(WriteContext writer, string? requestId, IMessage request,
        Func<DbScope, Task<string>> create, CancellationToken ct)
    {
        var id = Normalize(requestId);
        var key = id is null ? null : new Key(writer.Caller.Subject, id, writer.Method, Hash(request));
        try
        {
            return await database.WriteAsync(async db =>
            {
                if (key is not null && await FindAsync(db, key, ct) is { } existing) return existing;
                var name = await create(db);
                if (key is not null)
                    await db.ExecuteAsync(RequestIdSql.Insert, new
                    {
                        key.Subject, key.RequestId, key.Method, key.RequestHash, Resource = name, CreateTime = clock.GetUtcNow().UtcDateTime,
                    }, ct);
                return name;
            }, ct);
        }
        catch (Exception e) when (key is not null && database.Dialect.IsUniqueViolation(e))
        {
            if (await database.ReadAsync(db => FindAsync(db, key, ct), ct) is { } winner) return winner;
            throw;
        }
    }

    private sealed record Key(string Subject, string RequestId, string Method, string RequestHash);

    private static async Task<string?> FindAsync(DbScope db, Key key, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<StoredRow>(RequestIdSql.Find, new { key.Subject, key.RequestId }, ct);
        if (row is null) return null;
        if (row.Method != key.Method || row.RequestHash != key.RequestHash)
            throw ServiceException.Invalid("request_id",
                $"was already used for another request ({row.Method}); a retry must repeat the request exactly, a new request needs a new UUID");
        return row.Resource;
    }

    /// <summary>The request as the caller meant it: its bytes without the request id (whose spelling may vary, e.g. in case).</summary>
    private static string Hash(IMessage request)
    {
        var payload = request.Descriptor.FindFieldByName("request_id") is { } field ? Without(request, field) : request;
        return Convert.ToHexStringLower(SHA256.HashData(payload.ToByteArray()));
    }

    private static IMessage Without(IMessage request, Google.Protobuf.Reflection.FieldDescriptor field)
    {
        var copy = request.Descriptor.Parser.ParseFrom(request.ToByteString());
        field.Accessor.Clear(copy);
        return copy;
    }

    private sealed record StoredRow
    {
        public string Method { get; init; } = "";
        public string RequestHash { get; init; } = "";
        public string Resource { get; init; } = "";
    }
}

[SqlStatements]
public static class RequestIdSql
{
    public const string Find = """
        SELECT method AS Method, request_hash AS RequestHash, resource AS Resource
        FROM request_ids WHERE subject = @Subject AND request_id = @RequestId
        """;

    public const string Insert = """
        INSERT INTO request_ids (subject, request_id, method, request_hash, resource, create_time)
        VALUES (@Subject, @RequestId, @Method, @RequestHash, @Resource, @CreateTime)
        """;
}
