using System.Data;
using IntegrationServices.Demographics.Domain;
using Microsoft.Data.SqlClient;

namespace IntegrationServices.Demographics.Storage;

/// <summary>
/// SQL Server: the spool is two temporary tables of the import's connection (in tempdb, so filling them
/// locks nothing of the service's), fed by SqlBulkCopy in chunks so the stream is never held whole; the
/// move is three set-based statements (<see cref="SqlServerSpoolSql"/>). Outside a transaction the bulk copy
/// commits each chunk to tempdb on its own; inside one (the administrative path) it joins it.
/// </summary>
internal sealed class SqlServerObservationSpool : ObservationSpool
{
    private const int ChunkRows = 10_000;

    /// <summary>The set-based statements move the whole import at once: they get this many times the usual command timeout.</summary>
    private const int SetStatementTimeoutFactor = 10;

    private static readonly SqlServerSpoolSql Sql = new();

    private readonly ImportConnection _connection;
    private readonly SqlBulkCopy _copyRows, _copySeries;
    private readonly DataTable _rows = new(), _series = new();
    private int _seriesCount;

    private SqlServerObservationSpool(ImportConnection connection)
    {
        _connection = connection;
        var (sql, transaction) = ((SqlConnection)connection.Scope.Connection, (SqlTransaction?)connection.Scope.Transaction);
        _copyRows = Copy(sql, transaction, SqlServerSpoolSql.RowsTable, _rows,
            ("spool_series", typeof(int)), ("reference_date", typeof(DateTime)), ("value", typeof(double)), ("status", typeof(string)), ("comment", typeof(string)),
            ("example", typeof(bool)));
        _copySeries = Copy(sql, transaction, SqlServerSpoolSql.SeriesTable, _series,
            ("spool_id", typeof(int)), ("indicator_id", typeof(string)), ("area_id", typeof(string)), ("dimensions", typeof(string)));
    }

    /// <summary>Creates the staging tables on the import's connection.</summary>
    public static async Task<SqlServerObservationSpool> CreateAsync(ImportConnection connection, CancellationToken ct)
    {
        var spool = new SqlServerObservationSpool(connection);
        await spool.RunAsync(Sql.Create, null, ct);
        return spool;
    }

    private static SqlBulkCopy Copy(SqlConnection connection, SqlTransaction? transaction, string table, DataTable chunk, params (string Name, Type Type)[] columns)
    {
        var copy = new SqlBulkCopy(connection, SqlBulkCopyOptions.TableLock, transaction)
        {
            DestinationTableName = table,
            BatchSize = ChunkRows,
            BulkCopyTimeout = 0,
        };
        foreach (var (name, type) in columns)
        {
            chunk.Columns.Add(name, type);
            copy.ColumnMappings.Add(name, name);
        }
        return copy;
    }

    public override async ValueTask AddAsync(NewObservation o, CancellationToken ct)
    {
        if (o.Series.SpoolId is not { } series)
        {
            o.Series.SpoolId = series = ++_seriesCount;
            _series.Rows.Add(series, o.Series.IndicatorId, o.Series.AreaId, o.Series.Dimensions);
            if (_series.Rows.Count >= ChunkRows) await WriteAsync(_copySeries, _series, ct);
        }
        _rows.Rows.Add(series, o.ReferenceDate.ToDateTime(TimeOnly.MinValue), o.Value, o.Status, (object?)o.Comment ?? DBNull.Value, o.Example);
        if (_rows.Rows.Count >= ChunkRows) await WriteAsync(_copyRows, _rows, ct);
    }

    public override async ValueTask CompleteAsync(CancellationToken ct)
    {
        await WriteAsync(_copySeries, _series, ct);
        await WriteAsync(_copyRows, _rows, ct);
    }

    private static async Task WriteAsync(SqlBulkCopy copy, DataTable chunk, CancellationToken ct)
    {
        if (chunk.Rows.Count == 0) return;
        await copy.WriteToServerAsync(chunk, ct);
        chunk.Clear();
    }

    public override async Task MoveAsync(long batchId, CancellationToken ct)
    {
        await RunAsync(Sql.AddNewSeries, null, ct);
        await RunAsync(Sql.ResolveSeries, null, ct);
        await RunAsync(Sql.AddRows, batchId, ct);
    }

    private async Task RunAsync(string sql, long? batchId, CancellationToken ct)
    {
        var scope = _connection.Scope;
        await using var command = new SqlCommand(sql, (SqlConnection)scope.Connection, (SqlTransaction?)scope.Transaction)
        {
            CommandTimeout = scope.CommandTimeoutSeconds * SetStatementTimeoutFactor,
        };
        if (batchId is { } id) command.Parameters.Add("@BatchId", SqlDbType.BigInt).Value = id;
        await command.ExecuteNonQueryAsync(ct);
    }

    public override async ValueTask DisposeAsync()
    {
        ((IDisposable)_copyRows).Dispose();
        ((IDisposable)_copySeries).Dispose();
        _rows.Dispose();
        _series.Dispose();
        try
        {
            await RunAsync(Sql.Drop, null, CancellationToken.None);
        }
        catch (SqlException)
        {
            // The connection's temporary tables go with its session anyway (a pooled connection is reset before reuse).
        }
    }
}
