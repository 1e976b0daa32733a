using System.Data;
using System.Data.Common;
using System.Text;
using Dapper;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace IntegrationServices.Demographics.Storage;

/// <summary>Reads observations (with time travel) and opens the dialect's bulk path for imports.</summary>
public sealed class ObservationRepository(Database database)
{
    private readonly DemographicsSql _sql = new(database.Dialect);

    public Database Database => database;

    /// <summary>The keyset position after the last row of a page.</summary>
    public sealed record PageKey(string Indicator, string Area, string Dimensions, DateOnly ReferenceDate);

    public async Task<IReadOnlyList<ObservationRow>> PageAsync(string where, DynamicParameters parameters,
        DateOnly? asOf, DateTime knownAt, PageKey? after, int limit, CancellationToken ct)
    {
        parameters.Add("AsOf", asOf ?? DateOnly.MaxValue);
        parameters.Add("LatestOnly", asOf is null ? 0 : 1);
        // DateTime2, as DbValues maps every DateTime parameter (kept explicit: this query compares instants).
        parameters.Add("KnownAt", knownAt, DbType.DateTime2);
        parameters.Add("Limit", limit);
        if (after is not null)
        {
            parameters.Add("KeyIndicator", after.Indicator);
            parameters.Add("KeyArea", after.Area);
            parameters.Add("KeyDimensions", after.Dimensions);
            parameters.Add("KeyReferenceDate", after.ReferenceDate);
        }
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QueryAsync<ObservationRow>(new CommandDefinition(
            _sql.ObservationPage(where, keyset: after is not null), parameters, cancellationToken: ct))).ToList();
    }

    /// <summary>Per area and indicator the current total (no dimensions) as of the date, as known at the instant.</summary>
    public async Task<IReadOnlyList<ObservationRow>> LatestTotalsAsync(DateOnly asOf, DateTime knownAt, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var parameters = new DynamicParameters(new
        {
            AsOf = asOf,
            LatestOnly = 1,
            Limit = int.MaxValue,
            PopulationTotal = Indicators.PopulationTotal,
            ForeignNationals = Indicators.ForeignNationals,
            PopulationWithMigrationBackground = Indicators.PopulationWithMigrationBackground,
        });
        parameters.Add("KnownAt", knownAt, DbType.DateTime2);
        return (await connection.QueryAsync<ObservationRow>(new CommandDefinition(_sql.LatestTotals, parameters, cancellationToken: ct))).ToList();
    }

    public async Task<bool> AnyAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(_sql.AnyObservation, cancellationToken: ct)) is not null;
    }

    /// <summary>The dialect's bulk path, inside the caller's transaction.</summary>
    public async Task<ObservationBulkWriter> OpenBulkWriterAsync(DbConnection connection, DbTransaction transaction,
        DateTime recordTime, CancellationToken ct) =>
        database.Dialect.Provider == StorageProvider.SqlServer
            ? await SqlServerBulkWriter.OpenAsync((SqlConnection)connection, (SqlTransaction)transaction, _sql, recordTime, database.CommandTimeout, ct)
            : new SqliteBulkWriter((SqliteConnection)connection, _sql, recordTime);
}

/// <summary>Writes validated observations in bulk; everything it wrote stays in the caller's transaction.</summary>
public abstract class ObservationBulkWriter : IAsyncDisposable
{
    public abstract ValueTask AddAsync(NewObservation observation, CancellationToken ct);

    /// <summary>Writes what is still buffered; call before committing.</summary>
    public abstract ValueTask FlushAsync(CancellationToken ct);

    public abstract ValueTask DisposeAsync();
}

/// <summary>
/// SQLite: prepared statements, reused for every row, in the import's single transaction. They run on
/// SQLitePCL (the layer under Microsoft.Data.Sqlite, on the same connection and transaction) because
/// the ADO.NET command looks up and rebinds every named parameter per execution, which measured as a
/// third of the whole insert. Each series is looked up (or created) once per import.
/// </summary>
internal sealed class SqliteBulkWriter : ObservationBulkWriter
{
    private readonly sqlite3 _db;
    private readonly Statement _insert, _findSeries, _insertSeries;
    private readonly int _seriesId, _referenceDate, _value, _status, _comment;
    private readonly Dictionary<int, byte[]> _dates = [];
    private readonly Dictionary<string, byte[]> _statuses = new(StringComparer.Ordinal);
    private ImportSeries? _boundSeries;
    private DateOnly? _boundDate;
    private string? _boundStatus;
    private string? _boundComment; // unbound parameters are NULL

    public SqliteBulkWriter(SqliteConnection connection, DemographicsSql sql, DateTime recordTime)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        _insert = new Statement(_db, sql.InsertObservation);
        _findSeries = new Statement(_db, sql.SeriesId);
        _insertSeries = new Statement(_db, sql.InsertSeries);
        _insert.Text(_insert.Index("@RecordTime"), DbValues.SqliteText(recordTime));
        (_seriesId, _referenceDate, _value, _status, _comment) = (_insert.Index("@SeriesId"), _insert.Index("@ReferenceDate"),
            _insert.Index("@Value"), _insert.Index("@Status"), _insert.Index("@Comment"));
    }

    public override ValueTask AddAsync(NewObservation o, CancellationToken ct)
    {
        // A value stays bound from one execution to the next (sqlite3_reset keeps bindings), so a parameter
        // is bound again only when it changes: within an import, series, dates, statuses and comments
        // mostly repeat from row to row, and each bind is a call into SQLite.
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

    private static Statement WithKey(Statement statement, ImportSeries series)
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

    /// <summary>A prepared statement; errors become SqliteException, as from Microsoft.Data.Sqlite.</summary>
    private sealed class Statement : IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _statement;

        public Statement(sqlite3 db, string sql)
        {
            _db = db;
            Check(raw.sqlite3_prepare_v2(db, sql, out _statement));
        }

        /// <summary>
        /// The position of a named parameter. The row insert resolves its positions once and binds by
        /// position per row; the series statements, run once per series, look theirs up each time.
        /// </summary>
        public int Index(string name) => raw.sqlite3_bind_parameter_index(_statement, name) is > 0 and var index
            ? index
            : throw new InvalidOperationException($"The statement has no parameter {name}.");

        public void Text(int index, string value) => Check(raw.sqlite3_bind_text(_statement, index, value));

        public void Text(int index, ReadOnlySpan<byte> utf8) => Check(raw.sqlite3_bind_text(_statement, index, utf8));

        public void Int64(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

        public void Double(int index, double value) => Check(raw.sqlite3_bind_double(_statement, index, value));

        public void Null(int index) => Check(raw.sqlite3_bind_null(_statement, index));

        public void Execute()
        {
            var rc = raw.sqlite3_step(_statement);
            raw.sqlite3_reset(_statement);
            if (rc != raw.SQLITE_DONE) Check(rc);
        }

        public long ExecuteReturningRowId()
        {
            Execute();
            return raw.sqlite3_last_insert_rowid(_db);
        }

        public long? QueryInt64()
        {
            var rc = raw.sqlite3_step(_statement);
            long? result = rc == raw.SQLITE_ROW ? raw.sqlite3_column_int64(_statement, 0) : null;
            raw.sqlite3_reset(_statement);
            if (rc is not raw.SQLITE_ROW and not raw.SQLITE_DONE) Check(rc);
            return result;
        }

        private void Check(int rc) => SqliteException.ThrowExceptionForRC(rc, _db);

        public void Dispose() => _statement.Dispose();
    }
}

/// <summary>
/// SQL Server: SqlBulkCopy into a staging table in the import's transaction, fed in chunks so the
/// stream is never held whole; on flush two set-based statements add the new series and the rows.
/// </summary>
internal sealed class SqlServerBulkWriter : ObservationBulkWriter
{
    public const string StagingTable = "#observations_import";
    private const int ChunkRows = 10_000;
    /// <summary>The set-based statements move the whole import at once: they get this many times the usual command timeout.</summary>
    private const int SetStatementTimeoutFactor = 10;
    private readonly SqlConnection _connection;
    private readonly SqlTransaction _transaction;
    private readonly DemographicsSql _sql;
    private readonly int _timeout;
    private readonly SqlBulkCopy _bulkCopy;
    private readonly DataTable _chunk = new();
    private readonly DateTime _recordTime;

    private SqlServerBulkWriter(SqlConnection connection, SqlTransaction transaction, DemographicsSql sql, DateTime recordTime, int timeout)
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

    public static async Task<SqlServerBulkWriter> OpenAsync(SqlConnection connection, SqlTransaction transaction, DemographicsSql sql,
        DateTime recordTime, int timeout, CancellationToken ct)
    {
        var writer = new SqlServerBulkWriter(connection, transaction, sql, recordTime, timeout);
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

/// <summary>The indicator ids the service itself relies on (seeded by migration).</summary>
public static class Indicators
{
    public const string NamePrefix = "indicators/";
    public const string PopulationTotal = "population_total";
    public const string PopulationOfficialUpdate = "population_official_update";
    public const string ForeignNationals = "foreign_nationals";
    public const string GermansWithMigrationBackground = "germans_with_migration_background";
    public const string PopulationWithMigrationBackground = "population_with_migration_background";
    public const string RefugeesInMunicipalHousing = "refugees_in_municipal_housing";

    public static string IdOf(string nameOrId) =>
        nameOrId.StartsWith(NamePrefix, StringComparison.Ordinal) ? nameOrId[NamePrefix.Length..] : nameOrId;

    public static string NameOf(string id) => NamePrefix + id;
}

/// <summary>Canonical text of an observation's dimensions: JSON with keys in ordinal order; "" = total.</summary>
public static class Dimensions
{
    public static string Encode(IReadOnlyCollection<KeyValuePair<string, string>> dimensions)
    {
        if (dimensions.Count == 0) return "";
        var sorted = dimensions.Count == 1 ? dimensions : dimensions.OrderBy(d => d.Key, StringComparer.Ordinal).ToList();
        // Most keys and values are plain printable ASCII, which JSON writes as it is: built directly, the
        // same text as the writer below produces, without its buffers (this runs once per imported row).
        var plain = new StringBuilder("{");
        foreach (var (key, value) in sorted)
        {
            if (!Plain(key) || !Plain(value)) { plain = null; break; }
            plain.Append(plain.Length > 1 ? ",\"" : "\"").Append(key).Append("\":\"").Append(value).Append('"');
        }
        if (plain is not null) return plain.Append('}').ToString();
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer,
                   new System.Text.Json.JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in sorted) writer.WriteString(key, value);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Characters JSON (with the relaxed encoder) never escapes: printable ASCII except quote and backslash.</summary>
    private static bool Plain(string text)
    {
        foreach (var c in text)
            if (c is < ' ' or > '~' or '"' or '\\') return false;
        return true;
    }

    public static IReadOnlyDictionary<string, string> Decode(string text) =>
        text.Length == 0
            ? new Dictionary<string, string>()
            : System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(text) ?? [];
}
