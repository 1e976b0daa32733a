using System.Text;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Data.Sqlite;

namespace IntegrationServices.Demographics.Storage;

/// <summary>
/// SQLite: prepared statements (<see cref="SqliteStatement"/>), reused for every row, in the import's single
/// transaction. Each series is looked up (or created) once per import.
/// </summary>
internal sealed class SqliteObservationWriter : ObservationBulkWriter
{
    private readonly SqliteStatement _insert, _findSeries, _insertSeries;
    private readonly int _seriesId, _referenceDate, _value, _status, _comment;
    private readonly Dictionary<int, byte[]> _dates = [];
    private readonly Dictionary<string, byte[]> _statuses = new(StringComparer.Ordinal);
    private ImportSeries? _boundSeries;
    private DateOnly? _boundDate;
    private string? _boundStatus;
    private string? _boundComment; // unbound parameters are NULL

    public SqliteObservationWriter(SqliteConnection connection, ObservationBulkSql sql, DateTime recordTime)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        _insert = new SqliteStatement(db, sql.InsertObservation);
        _findSeries = new SqliteStatement(db, sql.SeriesId);
        _insertSeries = new SqliteStatement(db, sql.InsertSeries);
        _insert.Text(_insert.Index("@RecordTime"), DbValues.SqliteText(recordTime));
        (_seriesId, _referenceDate, _value, _status, _comment) = (_insert.Index("@SeriesId"), _insert.Index("@ReferenceDate"),
            _insert.Index("@Value"), _insert.Index("@Status"), _insert.Index("@Comment"));
    }

    public override ValueTask AddAsync(NewObservation o, CancellationToken ct)
    {
        // A parameter is bound again only when it changes: within an import, series, dates, statuses and
        // comments mostly repeat from row to row, and each bind is a call into SQLite.
        if (!ReferenceEquals(o.Series, _boundSeries))
            _insert.Int64(_seriesId, (_boundSeries = o.Series).StoredId ??= SeriesId(o.Series));
        if (o.ReferenceDate != _boundDate)
            _insert.Text(_referenceDate, Utf8(_dates, (_boundDate = o.ReferenceDate).Value.DayNumber, o.ReferenceDate, static d => DbValues.SqliteText(d)));
        _insert.Double(_value, o.Value);
        if (!string.Equals(o.Status, _boundStatus, StringComparison.Ordinal))
            _insert.Text(_status, Utf8(_statuses, _boundStatus = o.Status, o.Status, static s => s));
        if (!string.Equals(o.Comment, _boundComment, StringComparison.Ordinal))
        {
            if ((_boundComment = o.Comment) is { } comment) _insert.Text(_comment, comment);
            else _insert.Null(_comment);
        }
        _insert.Execute();
        return ValueTask.CompletedTask;
    }

    /// <summary>Once per series and import: the stored series, or a new one in this transaction.</summary>
    private long SeriesId(ImportSeries series) =>
        WithKey(_findSeries, series).QueryInt64() ?? WithKey(_insertSeries, series).ExecuteReturningRowId();

    private static SqliteStatement WithKey(SqliteStatement statement, ImportSeries series)
    {
        statement.Text(statement.Index("@IndicatorId"), series.IndicatorId);
        statement.Text(statement.Index("@AreaId"), series.AreaId);
        statement.Text(statement.Index("@Dimensions"), series.Dimensions);
        return statement;
    }

    /// <summary>Dates and statuses repeat throughout an import: each is encoded once.</summary>
    private static byte[] Utf8<TKey, TValue>(Dictionary<TKey, byte[]> cache, TKey key, TValue value, Func<TValue, string> text)
        where TKey : notnull
    {
        if (!cache.TryGetValue(key, out var bytes)) cache[key] = bytes = Encoding.UTF8.GetBytes(text(value));
        return bytes;
    }

    public override ValueTask FlushAsync(CancellationToken ct) => ValueTask.CompletedTask;

    public override ValueTask DisposeAsync()
    {
        _insert.Dispose();
        _findSeries.Dispose();
        _insertSeries.Dispose();
        return ValueTask.CompletedTask;
    }
}
