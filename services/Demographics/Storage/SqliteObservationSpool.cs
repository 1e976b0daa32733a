using IntegrationServices.Demographics.Domain;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace IntegrationServices.Demographics.Storage;

/// <summary>
/// SQLite: the rows wait in a flat temporary file (<see cref="ObservationSpoolFile"/>), the series in memory,
/// so that each row is written into SQLite once, by the move: the series first (each looked up, or added, in
/// the order the import named them), then the rows in the order they arrived (<see cref="SqliteObservationInsert"/>),
/// through prepared statements (<see cref="SqliteStatement"/>) reused throughout. Filling the spool does not touch the connection.
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
        using var insert = new SqliteObservationInsert(db, batchId);
        file.Rewind();
        for (var rows = 1; file.TryRead(out var row, out var comment); rows++)
        {
            if (rows % RowsPerCancellationCheck == 0) ct.ThrowIfCancellationRequested();
            insert.Add(seriesIds[row.Series], row, comment);
        }
        insert.Complete();
        return Task.CompletedTask;
    }

    /// <summary>
    /// The stored id of every spooled series (by its number), adding those not stored yet, in the order the import
    /// named them. An import's series come in runs, new ones (a first import) or stored ones (a revision): each is
    /// first tried the way the one before it went, added (an insert that does nothing when the series is stored)
    /// after a new one, looked up after a stored one, and the other way only when that fails. A series that goes
    /// like the one before it costs one statement, not a lookup that misses and then an insert.
    /// </summary>
    private long[] StoreSeries(sqlite3 db, CancellationToken ct)
    {
        var ids = new long[_series.Count + 1];
        long? firstAdded = null;
        using var find = new SqliteStatement(db, SqliteSpoolSql.SeriesId);
        using var add = new SqliteStatement(db, SqliteSpoolSql.InsertSeries);
        var adding = false;
        foreach (var series in _series)
        {
            if (series.SpoolId!.Value % RowsPerCancellationCheck == 0) ct.ThrowIfCancellationRequested();
            long id;
            if (adding && WithKey(add, series).ExecuteReturningInsertedRowId() is { } added) id = added;
            else if (WithKey(find, series).QueryInt64() is { } stored) (id, adding) = (stored, false);
            else (id, adding) = (WithKey(add, series).ExecuteReturningInsertedRowId() ?? throw new InvalidOperationException(
                $"The series {series.IndicatorId}/{series.AreaId} {series.Dimensions} was neither found nor added."), true);
            if (adding) firstAdded ??= id;
            ids[series.SpoolId!.Value] = id;
        }
        if (firstAdded is { } first) CheckCatalogue(db, first);
        return ids;
    }

    /// <summary>
    /// The series this import added (ids from <paramref name="firstAdded"/> on: a new id is the largest plus one,
    /// no series is ever deleted, and nobody else adds any while the transaction holds the write lock) name an
    /// indicator and an area the catalogue holds. The validation found them there before the transaction began,
    /// and the transaction checks no foreign key (<see cref="ImportConnection.BeginWriteAsync"/>): this is the
    /// one reference it writes whose target it did not make itself.
    /// </summary>
    private static void CheckCatalogue(sqlite3 db, long firstAdded)
    {
        using var check = new SqliteStatement(db, SqliteSpoolSql.SeriesOutsideCatalogue);
        check.Int64(check.Index("@FirstAdded"), firstAdded);
        if (check.QueryInt64() is { } series)
            throw new InvalidOperationException($"The import's new series {series} names an indicator or area that is not in the catalogue; nothing was imported.");
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
}
