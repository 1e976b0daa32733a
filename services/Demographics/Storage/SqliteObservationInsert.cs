using System.Text;
using IntegrationServices.ServiceDefaults.Storage;
using SQLitePCL;

namespace IntegrationServices.Demographics.Storage;

/// <summary>
/// The insert of an import's rows, read back from its spool, as observations of its batch (in the connection's
/// write transaction), in the order they are added. The rows go in blocks of <see cref="BlockRows"/> through one
/// multi-row statement: each execution opens the table's and the index's cursors once for the whole block, which
/// a statement per row does for every row; the last rows, fewer than a block, go one by one.
/// </summary>
internal sealed class SqliteObservationInsert : IDisposable
{
    public const int BlockRows = 32;

    private readonly Slots _block, _single;
    private readonly Row[] _pending = new Row[BlockRows];
    private readonly Dictionary<int, byte[]> _dates = [];
    private readonly Dictionary<string, byte[]> _statuses = new(StringComparer.Ordinal);
    private int _count;

    public SqliteObservationInsert(sqlite3 db, long batchId)
    {
        _block = new Slots(new SqliteStatement(db, SqliteSpoolSql.InsertObservations(BlockRows)), BlockRows, batchId);
        _single = new Slots(new SqliteStatement(db, SqliteSpoolSql.InsertObservations(1)), 1, batchId);
    }

    private readonly record struct Row(long SeriesId, SpooledRow Values, byte[]? Comment);

    /// <summary>Adds a row of the series stored as <paramref name="seriesId"/>; it is written with its block.</summary>
    public void Add(long seriesId, in SpooledRow row, ReadOnlySpan<byte> comment)
    {
        _pending[_count++] = new Row(seriesId, row, row.HasComment ? comment.ToArray() : null);
        if (_count < BlockRows) return;
        for (var slot = 0; slot < BlockRows; slot++) Bind(_block, slot, _pending[slot]);
        _block.Statement.Execute();
        _count = 0;
    }

    /// <summary>Writes the rows of the last, incomplete block.</summary>
    public void Complete()
    {
        for (var i = 0; i < _count; i++)
        {
            Bind(_single, 0, _pending[i]);
            _single.Statement.Execute();
        }
        _count = 0;
    }

    /// <summary>
    /// A parameter is bound again only when it changes: within an import, dates, statuses and comments mostly
    /// repeat from row to row, and each bind is a call into SQLite.
    /// </summary>
    private void Bind(Slots s, int slot, in Row row)
    {
        var (statement, index, values) = (s.Statement, slot * Slots.Columns + 1, row.Values);
        if (row.SeriesId != s.Series[slot]) statement.Int64(index, s.Series[slot] = row.SeriesId);
        if (values.Day != s.Days[slot]) statement.Text(index + 1, Utf8(_dates, s.Days[slot] = values.Day, static d => DbValues.SqliteText(DateOnly.FromDayNumber(d))));
        statement.Double(index + 2, values.Value);
        if (!ReferenceEquals(values.Status, s.Statuses[slot])) statement.Text(index + 3, Utf8(_statuses, s.Statuses[slot] = values.Status, static t => t));
        if (row.Comment is null ? s.Comments[slot] is not null : s.Comments[slot] is null || !row.Comment.AsSpan().SequenceEqual(s.Comments[slot]))
        {
            if ((s.Comments[slot] = row.Comment) is { } comment) statement.Text(index + 4, comment);
            else statement.Null(index + 4);
        }
        var example = values.Example ? 1 : 0;
        if (example != s.Examples[slot]) statement.Int64(index + 5, s.Examples[slot] = example);
    }

    /// <summary>Dates and statuses repeat throughout an import: each is encoded once.</summary>
    private static byte[] Utf8<TKey>(Dictionary<TKey, byte[]> cache, TKey key, Func<TKey, string> text) where TKey : notnull
    {
        if (!cache.TryGetValue(key, out var bytes)) cache[key] = bytes = Encoding.UTF8.GetBytes(text(key));
        return bytes;
    }

    public void Dispose()
    {
        _block.Statement.Dispose();
        _single.Statement.Dispose();
    }

    /// <summary>A prepared insert of <c>rows</c> rows and what each of its row slots has bound (nothing bound: NULL).</summary>
    private sealed class Slots
    {
        /// <summary>Parameters per row: series, reference date, value, status, comment, example.</summary>
        public const int Columns = 6;

        public Slots(SqliteStatement statement, int rows, long batchId)
        {
            Statement = statement;
            statement.Int64(rows * Columns + 1, batchId);
            Series = new long[rows];
            Days = new int[rows];
            Examples = new int[rows];
            Array.Fill(Series, -1);
            Array.Fill(Days, -1);
            Array.Fill(Examples, -1);
            Statuses = new string?[rows];
            Comments = new byte[]?[rows];
        }

        public SqliteStatement Statement { get; }
        public long[] Series { get; }
        public int[] Days { get; }
        public string?[] Statuses { get; }
        public byte[]?[] Comments { get; }
        public int[] Examples { get; }
    }
}
