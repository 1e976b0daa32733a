using System.Text;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace IntegrationServices.Demographics.Storage;

/// <summary>
/// SQLite: the rows wait in a flat temporary file (<see cref="ObservationSpoolFile"/>), the series in memory,
/// so that each row is written into SQLite once, by the move: the series first (each looked up, or added, in
/// the order the import named them), then the rows in the order they arrived, through prepared statements
/// (<see cref="SqliteStatement"/>) reused for every row. Filling the spool does not touch the connection.
/// </summary>
internal sealed class SqliteObservationSpool(ImportConnection connection, ObservationSpoolFile file) : ObservationSpool
{
    /// <summary>The move looks at its cancellation token once per this many rows.</summary>
    private const int RowsPerCancellationCheck = 4096;

    private readonly List<ImportSeries> _series = [];

    /// <summary>A new, empty spool whose file is in <paramref name="directory"/>.</summary>
    public static SqliteObservationSpool Create(ImportConnection connection, string directory) =>
        new(connection, ObservationSpoolFile.Create(directory));

    public override ValueTask AddAsync(NewObservation o, CancellationToken ct)
    {
        file.Add(o.Series.SpoolId ??= Spool(o.Series), o);
        return ValueTask.CompletedTask;
    }

    /// <summary>Once per series and import: its number, the next.</summary>
    private int Spool(ImportSeries series)
    {
        _series.Add(series);
        return _series.Count;
    }

    public override ValueTask CompleteAsync(CancellationToken ct)
    {
        file.Flush();
        return ValueTask.CompletedTask;
    }

    public override Task MoveAsync(long batchId, CancellationToken ct)
    {
        var db = ((SqliteConnection)connection.Scope.Connection).Handle ?? throw new InvalidOperationException("The connection is not open.");
        var seriesIds = StoreSeries(db, ct);
        using var insert = new RowInsert(db, batchId);
        file.Rewind();
        for (var rows = 1; file.TryRead(out var row, out var comment); rows++)
        {
            if (rows % RowsPerCancellationCheck == 0) ct.ThrowIfCancellationRequested();
            insert.Execute(seriesIds[row.Series], row, comment);
        }
        return Task.CompletedTask;
    }

    /// <summary>The stored id of every spooled series (by its number), adding those not stored yet, in the order the import named them.</summary>
    private long[] StoreSeries(sqlite3 db, CancellationToken ct)
    {
        var ids = new long[_series.Count + 1];
        using var find = new SqliteStatement(db, SqliteSpoolSql.SeriesId);
        using var add = new SqliteStatement(db, SqliteSpoolSql.InsertSeries);
        foreach (var series in _series)
        {
            if (series.SpoolId!.Value % RowsPerCancellationCheck == 0) ct.ThrowIfCancellationRequested();
            ids[series.SpoolId!.Value] = WithKey(find, series).QueryInt64() ?? WithKey(add, series).ExecuteReturningRowId();
        }
        return ids;
    }

    private static SqliteStatement WithKey(SqliteStatement statement, ImportSeries series)
    {
        statement.Text(statement.Index("@IndicatorId"), series.IndicatorId);
        statement.Text(statement.Index("@AreaId"), series.AreaId);
        statement.Text(statement.Index("@Dimensions"), series.Dimensions);
        return statement;
    }

    public override ValueTask DisposeAsync()
    {
        file.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The insert of one observation of the batch. A parameter is bound again only when it changes: within an
    /// import, series, dates, statuses and comments mostly repeat from row to row, and each bind is a call into SQLite.
    /// </summary>
    private sealed class RowInsert : IDisposable
    {
        private readonly SqliteStatement _insert;
        private readonly int _seriesId, _referenceDate, _value, _status, _comment, _example;
        private readonly Dictionary<int, byte[]> _dates = [];
        private readonly Dictionary<string, byte[]> _statuses = new(StringComparer.Ordinal);
        private long _boundSeries = -1;
        private int _boundDay = -1;
        private string? _boundStatus;
        private byte[]? _boundComment; // unbound parameters are NULL
        private int _boundExample = -1;

        public RowInsert(sqlite3 db, long batchId)
        {
            _insert = new SqliteStatement(db, SqliteSpoolSql.InsertObservation);
            _insert.Int64(_insert.Index("@BatchId"), batchId);
            (_seriesId, _referenceDate, _value, _status, _comment, _example) = (_insert.Index("@SeriesId"), _insert.Index("@ReferenceDate"),
                _insert.Index("@Value"), _insert.Index("@Status"), _insert.Index("@Comment"), _insert.Index("@Example"));
        }

        public void Execute(long seriesId, in SpooledRow row, ReadOnlySpan<byte> comment)
        {
            if (seriesId != _boundSeries) _insert.Int64(_seriesId, _boundSeries = seriesId);
            if (row.Day != _boundDay) _insert.Text(_referenceDate, Utf8(_dates, _boundDay = row.Day, static d => DbValues.SqliteText(DateOnly.FromDayNumber(d))));
            _insert.Double(_value, row.Value);
            if (!ReferenceEquals(row.Status, _boundStatus)) _insert.Text(_status, Utf8(_statuses, _boundStatus = row.Status, static s => s));
            if (!row.HasComment ? _boundComment is not null : _boundComment is null || !comment.SequenceEqual(_boundComment))
            {
                _boundComment = row.HasComment ? comment.ToArray() : null;
                if (_boundComment is null) _insert.Null(_comment);
                else _insert.Text(_comment, _boundComment);
            }
            if ((row.Example ? 1 : 0) != _boundExample) _insert.Int64(_example, _boundExample = row.Example ? 1 : 0);
            _insert.Execute();
        }

        /// <summary>Dates and statuses repeat throughout an import: each is encoded once.</summary>
        private static byte[] Utf8<TKey>(Dictionary<TKey, byte[]> cache, TKey key, Func<TKey, string> text) where TKey : notnull
        {
            if (!cache.TryGetValue(key, out var bytes)) cache[key] = bytes = Encoding.UTF8.GetBytes(text(key));
            return bytes;
        }

        public void Dispose() => _insert.Dispose();
    }
}
