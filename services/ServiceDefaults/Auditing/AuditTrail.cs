using System.Data.Common;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dapper;
using Grpc.Core;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.ServiceDefaults.Auditing;

/// <summary>
/// The append-only audit trail of a service. Writes append in the same transaction as the change
/// they describe, so there is no change without its record and no record without its change.
/// </summary>
public sealed class AuditTrail(Database database, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private readonly AuditSql _sql = new(database.Dialect);

    private static readonly IReadOnlyDictionary<string, FilterField> FilterFields = new Dictionary<string, FilterField>
    {
        ["resource"] = new("resource", v => v, OrderedOperators: false),
        ["subject"] = new("subject", v => v, OrderedOperators: false),
        ["time"] = new("time", v => DateTime.Parse(v, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal)),
    };

    public Task AppendAsync(DbConnection connection, DbTransaction transaction, ServerCallContext context,
        string resource, object change, CancellationToken ct) =>
        AppendAsync(connection, transaction, Caller.From(context), context.Method, resource, change, ct);

    public async Task AppendAsync(DbConnection connection, DbTransaction transaction, Caller caller, string method,
        string resource, object change, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(_sql.Insert, new
        {
            Time = clock.GetUtcNow().UtcDateTime,
            caller.Subject,
            SubjectName = caller.Name,
            Method = method,
            Resource = resource,
            Change = change as string ?? JsonSerializer.Serialize(change, Json),
        }, transaction, cancellationToken: ct));
    }

    public async Task<ListAuditRecordsResponse> ListAsync(ListAuditRecordsRequest request, CancellationToken ct)
    {
        var pageSize = Paging.PageSize(request.PageSize);
        var terms = Filter.Parse(request.Filter, FilterFields);
        var selection = Paging.Selection("audit", request.Filter);
        var after = Paging.Decode<long?>(request.PageToken, selection) ?? 0;

        var where = new StringBuilder("id > @After");
        var parameters = new DynamicParameters(new { After = after, Limit = pageSize + 1 });
        Filter.AppendSql(terms, FilterFields, where, parameters);

        await using var connection = await database.OpenAsync(ct);
        var rows = (await connection.QueryAsync<AuditRow>(new CommandDefinition(_sql.Page(where.ToString()), parameters, cancellationToken: ct))).ToList();
        var response = new ListAuditRecordsResponse();
        response.AuditRecords.AddRange(rows.Take(pageSize).Select(r => new AuditRecord
        {
            Time = DbValues.Utc(r.Time).ToProto(),
            Subject = r.Subject,
            SubjectName = r.SubjectName ?? "",
            Method = r.Method,
            Resource = r.Resource,
            Change = r.Change,
        }));
        if (rows.Count > pageSize) response.NextPageToken = Paging.Encode<long?>(rows[pageSize - 1].Id, selection);
        return response;
    }

    private sealed record AuditRow
    {
        public long Id { get; init; }
        public DateTime Time { get; init; }
        public string Subject { get; init; } = "";
        public string? SubjectName { get; init; }
        public string Method { get; init; } = "";
        public string Resource { get; init; } = "";
        public string Change { get; init; } = "";
    }
}

[SqlStatements]
public sealed class AuditSql(SqlDialect dialect)
{
    public string Insert => """
        INSERT INTO audit_records (time, subject, subject_name, method, resource, change)
        VALUES (@Time, @Subject, @SubjectName, @Method, @Resource, @Change)
        """;

    public string Page(string where) => $"""
        SELECT id AS Id, time AS Time, subject AS Subject, subject_name AS SubjectName, method AS Method,
               resource AS Resource, change AS Change
        FROM audit_records
        WHERE {where}
        ORDER BY id
        {dialect.Limit("@Limit")}
        """;

    /// <summary>For the T-SQL fidelity test: the page query with every filter field.</summary>
    public string PageWithAllFilters => Page("id > @After AND resource = @f0 AND subject <> @f1 AND time >= @f2");
}
