using System.Text;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Data.Sqlite;

namespace IntegrationServices.Demographics.Storage;

/// <summary>
/// SQLite: the spool is two tables of the spool database attached to the import's connection
/// (<see cref="ImportConnection"/>), filled through prepared statements (<see cref="SqliteStatement"/>)
/// reused for every row; the move is three set-based statements (<see cref="SqliteSpoolSql"/>).
/// </summary>
internal sealed class SqliteObservationSpool : ObservationSpool
{
    private readonly ImportConnection _connection;
    private readonly SqliteSpoolSql _sql;
    private readonly SqliteStatement _insertRow, _insertSeries;
    private readonly int _spoolSeries, _referenceDate, _value, _status, _comment, _example;
    private readonly Dictionary<int, byte[]> _dates = [];
    private readonly Dictionary<string, byte[]> _statuses = new(StringComparer.Ordinal);
    private int _seriesCount;
    private ImportSeries? _boundSeries;
    private DateOnly? _boundDate;
    private string? _boundStatus;
    private string? _boundComment; // unbound parameters are NULL
    private bool? _boundExample;

    private SqliteObservationSpool(ImportConnection connection, SqliteSpoolSql sql)
    {
        (_connection, _sql) = (connection, sql);
        var db = ((SqliteConnection)connection.Scope.Connection).Handle ?? throw new InvalidOperationException("The connection is not open.");
        _insertRow = new SqliteStatement(db, sql.InsertRow);
        _insertSeries = new SqliteStatement(db, sql.InsertSeries);
        (_spoolSeries, _referenceDate, _value, _status, _comment) = (_insertRow.Index("@SpoolSeries"), _insertRow.Index("@ReferenceDate"),
            _insertRow.Index("@Value"), _insertRow.Index("@Status"), _insertRow.Index("@Comment"));
        _example = _insertRow.Index("@Example");
    }

    /// <summary>Creates the spool's tables (the connection's next) in the spool database attached to <paramref name="connection"/>.</summary>
    public static async Task<SqliteObservationSpool> CreateAsync(ImportConnection connection, CancellationToken ct)
    {
        var sql = new SqliteSpoolSql(connection.NextSpool());
        await connection.Scope.ExecuteAsync(sql.Create, null, ct);
        return new SqliteObservationSpool(connection, sql);
    }

    public override ValueTask AddAsync(NewObservation o, CancellationToken ct)
    {
        // A parameter is bound again only when it changes: within an import, series, dates, statuses and
        // comments mostly repeat from row to row, and each bind is a call into SQLite.
        if (!ReferenceEquals(o.Series, _boundSeries))
            _insertRow.Int64(_spoolSeries, (_boundSeries = o.Series).SpoolId ??= Spool(o.Series));
        if (o.ReferenceDate != _boundDate)
            _insertRow.Text(_referenceDate, Utf8(_dates, (_boundDate = o.ReferenceDate).Value.DayNumber, o.ReferenceDate, static d => DbValues.SqliteText(d)));
        _insertRow.Double(_value, o.Value);
        if (!string.Equals(o.Status, _boundStatus, StringComparison.Ordinal))
            _insertRow.Text(_status, Utf8(_statuses, _boundStatus = o.Status, o.Status, static s => s));
        if (!string.Equals(o.Comment, _boundComment, StringComparison.Ordinal))
        {
            if ((_boundComment = o.Comment) is { } comment) _insertRow.Text(_comment, comment);
            else _insertRow.Null(_comment);
        }
        if (o.Example != _boundExample) _insertRow.Int64(_example, (_boundExample = o.Example).Value ? 1 : 0);
        _insertRow.Execute();
        return ValueTask.CompletedTask;
    }

    /// <summary>Once per series and import: its row in the spool, under the next number.</summary>
    private int Spool(ImportSeries series)
    {
        var id = ++_seriesCount;
        _insertSeries.Int64(_insertSeries.Index("@SpoolId"), id);
        _insertSeries.Text(_insertSeries.Index("@IndicatorId"), series.IndicatorId);
        _insertSeries.Text(_insertSeries.Index("@AreaId"), series.AreaId);
        _insertSeries.Text(_insertSeries.Index("@Dimensions"), series.Dimensions);
        _insertSeries.Execute();
        return id;
    }

    /// <summary>Dates and statuses repeat throughout an import: each is encoded once.</summary>
    private static byte[] Utf8<TKey, TValue>(Dictionary<TKey, byte[]> cache, TKey key, TValue value, Func<TValue, string> text)
        where TKey : notnull
    {
        if (!cache.TryGetValue(key, out var bytes)) cache[key] = bytes = Encoding.UTF8.GetBytes(text(value));
        return bytes;
    }

    public override ValueTask CompleteAsync(CancellationToken ct) => ValueTask.CompletedTask;

    public override async Task MoveAsync(long batchId, CancellationToken ct)
    {
        var db = _connection.Scope;
        await db.ExecuteAsync(_sql.AddNewSeries, null, ct);
        await db.ExecuteAsync(_sql.ResolveSeries, null, ct);
        await db.ExecuteAsync(_sql.AddRows, new { BatchId = batchId }, ct);
    }

    /// <summary>The statements go; the spool's tables stay until the connection detaches the spool database.</summary>
    public override ValueTask DisposeAsync()
    {
        _insertRow.Dispose();
        _insertSeries.Dispose();
        return ValueTask.CompletedTask;
    }
}
