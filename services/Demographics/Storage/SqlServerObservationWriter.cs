using System.Data;
using IntegrationServices.Demographics.Domain;
using Microsoft.Data.SqlClient;

namespace IntegrationServices.Demographics.Storage;

/// <summary>
/// SQL Server: SqlBulkCopy into a staging table in the import's transaction, fed in chunks so the
/// stream is never held whole; on flush two set-based statements add the new series and the rows.
/// </summary>
internal sealed class SqlServerObservationWriter : ObservationBulkWriter
{
    /// <summary>The import's staging table: a temporary table of the import's connection.</summary>
    public const string StagingTable = "#observations_import";

    private const int ChunkRows = 10_000;
    /// <summary>The set-based statements move the whole import at once: they get this many times the usual command timeout.</summary>
    private const int SetStatementTimeoutFactor = 10;
    private readonly SqlConnection _connection;
    private readonly SqlTransaction _transaction;
    private readonly ObservationBulkSql _sql;
    private readonly int _timeout;
    private readonly SqlBulkCopy _bulkCopy;
    private readonly DataTable _chunk = new();
    private readonly DateTime _recordTime;

    private SqlServerObservationWriter(SqlConnection connection, SqlTransaction transaction, ObservationBulkSql sql, DateTime recordTime, int timeout)
    {
        (_connection, _transaction, _sql, _timeout) = (connection, transaction, sql, timeout);
        _recordTime = DateTime.SpecifyKind(recordTime, DateTimeKind.Unspecified);
        _bulkCopy = new SqlBulkCopy(connection, SqlBulkCopyOptions.Default, transaction)
        {
            DestinationTableName = StagingTable,
            BatchSize = ChunkRows,
            BulkCopyTimeout = 0,
        };
        AddColumn("indicator_id", typeof(string));
        AddColumn("area_id", typeof(string));
        AddColumn("dimensions", typeof(string));
        AddColumn("reference_date", typeof(DateTime));
        AddColumn("value", typeof(double));
        AddColumn("status", typeof(string));
        AddColumn("comment", typeof(string));
    }

    public static async Task<SqlServerObservationWriter> OpenAsync(SqlConnection connection, SqlTransaction transaction, ObservationBulkSql sql,
        DateTime recordTime, int timeout, CancellationToken ct)
    {
        var writer = new SqlServerObservationWriter(connection, transaction, sql, recordTime, timeout);
        await writer.RunAsync(sql.CreateImportStaging, null, ct);
        return writer;
    }

    private void AddColumn(string name, Type type)
    {
        _chunk.Columns.Add(name, type);
        _bulkCopy.ColumnMappings.Add(name, name);
    }

    public override async ValueTask AddAsync(NewObservation o, CancellationToken ct)
    {
        _chunk.Rows.Add(o.Series.IndicatorId, o.Series.AreaId, o.Series.Dimensions, o.ReferenceDate.ToDateTime(TimeOnly.MinValue),
            o.Value, o.Status, (object?)o.Comment ?? DBNull.Value);
        if (_chunk.Rows.Count >= ChunkRows) await WriteChunkAsync(ct);
    }

    public override async ValueTask FlushAsync(CancellationToken ct)
    {
        await WriteChunkAsync(ct);
        await RunAsync(_sql.InsertStagedSeries, null, ct);
        await RunAsync(_sql.InsertStagedObservations, _recordTime, ct);
        await RunAsync(_sql.DropImportStaging, null, ct);
    }

    private async Task WriteChunkAsync(CancellationToken ct)
    {
        if (_chunk.Rows.Count == 0) return;
        await _bulkCopy.WriteToServerAsync(_chunk, ct);
        _chunk.Clear();
    }

    private async Task RunAsync(string sql, DateTime? recordTime, CancellationToken ct)
    {
        await using var command = new SqlCommand(sql, _connection, _transaction) { CommandTimeout = _timeout * SetStatementTimeoutFactor };
        if (recordTime is { } t) command.Parameters.Add("@RecordTime", SqlDbType.DateTime2).Value = t;
        await command.ExecuteNonQueryAsync(ct);
    }

    public override ValueTask DisposeAsync()
    {
        ((IDisposable)_bulkCopy).Dispose();
        _chunk.Dispose();
        return ValueTask.CompletedTask;
    }
}
