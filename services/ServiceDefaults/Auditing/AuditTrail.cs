using Dapper;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.ServiceDefaults.Auditing;

/// <summary>
/// The append-only audit trail of a service. Writes append in the same transaction as the change
/// they describe, so there is no change without its record and no record without its change.
/// </summary>
public sealed class AuditTrail(Database database, TimeProvider clock)
{
    private readonly AuditSql _sql = new(database.Dialect);

    /// <summary>Appends the record of a write, in the write's own transaction.</summary>
    public Task AppendAsync(DbScope db, WriteContext writer, string resource, AuditChange change, CancellationToken ct) =>
        db.ExecuteAsync(_sql.Insert, new
        {
            Time = clock.GetUtcNow().UtcDateTime,
            writer.Caller.Subject,
            SubjectName = writer.Caller.Name,
            writer.Method,
            Resource = resource,
            Change = change.ToJson(),
        }, ct);

    /// <summary>ListAuditRecords: the records in the order they were written, filtered by resource, subject or time.</summary>
    public async Task<ListAuditRecordsResponse> ListAsync(ListAuditRecordsRequest request, CancellationToken ct)
    {
        var filter = AuditSql.Filters.Parse(request.Filter);
        var page = await Paging.Page<AuditRow, long>(request.PageSize, request.PageToken, Paging.Selection("audit", request.Filter), clock,
            cursor => database.ReadAsync(db => db.QueryAsync<AuditRow>(_sql.Page(filter),
                filter.AddTo(new DynamicParameters(new { After = cursor.After, cursor.Limit })), ct), ct),
            row => row.Id);
        var response = new ListAuditRecordsResponse { NextPageToken = page.NextPageToken };
        response.AuditRecords.AddRange(page.Rows.Select(r => new AuditRecord
        {
            Time = DbValues.Utc(r.Time).ToProto(),
            Subject = r.Subject,
            SubjectName = r.SubjectName ?? "",
            Method = r.Method,
            Resource = r.Resource,
            Change = r.Change,
        }));
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
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static",
    Justification = "Every statement is read through the dialect's instance, also those that read the same on both dialects.")]
public sealed class AuditSql(SqlDialect dialect)
{
    public string Insert => """
        INSERT INTO audit_records (time, subject, subject_name, method, resource, change)
        VALUES (@Time, @Subject, @SubjectName, @Method, @Resource, @Change)
        """;

    public static readonly FilterSpec Filters = new(new Dictionary<string, FilterField>
    {
        ["resource"] = new("resource", v => v, OrderedOperators: false),
        ["subject"] = new("subject", v => v, OrderedOperators: false),
        ["time"] = new("time", v => DateTime.Parse(v, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal)),
    });

    public string Page(SqlFilter filter) => $"""
        SELECT id AS Id, time AS Time, subject AS Subject, subject_name AS SubjectName, method AS Method,
               resource AS Resource, change AS Change
        FROM audit_records
        WHERE id > @After{filter.Sql}
        ORDER BY id
        {dialect.Limit("@Limit")}
        """;
}
