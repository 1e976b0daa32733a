using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

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
    public ObservationBulkWriter OpenBulkWriter(DbConnection connection, DbTransaction transaction, DateTime recordTime) =>
        database.Dialect.Provider == StorageProvider.SqlServer
            ? new SqlServerBulkWriter((SqlConnection)connection, (SqlTransaction)transaction, recordTime)
            : new SqliteBulkWriter((SqliteConnection)connection, (SqliteTransaction)transaction, _sql.InsertObservation, recordTime);

    /// <summary>Text form of a date as <see cref="DbValues"/> stores it on SQLite.</summary>
    internal static string SqliteDate(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>Writes validated observations in bulk; everything it wrote stays in the caller's transaction.</summary>
public abstract class ObservationBulkWriter : IAsyncDisposable
{
    public abstract ValueTask AddAsync(NewObservation observation, CancellationToken ct);

    /// <summary>Writes what is still buffered; call before committing.</summary>
    public abstract ValueTask FlushAsync(CancellationToken ct);

    public abstract ValueTask DisposeAsync();
}

/// <summary>SQLite: one prepared INSERT, its parameters rebound per row, in the import's single transaction.</summary>
internal sealed class SqliteBulkWriter : ObservationBulkWriter
{
    private readonly SqliteCommand _command;
    private readonly SqliteParameter _indicator, _area, _date, _dimensions, _value, _status, _comment;

    public SqliteBulkWriter(SqliteConnection connection, SqliteTransaction transaction, string insert, DateTime recordTime)
    {
        _command = connection.CreateCommand();
        _command.Transaction = transaction;
        _command.CommandText = insert;
        _indicator = _command.Parameters.Add("@IndicatorId", SqliteType.Text);
        _area = _command.Parameters.Add("@AreaId", SqliteType.Text);
        _date = _command.Parameters.Add("@ReferenceDate", SqliteType.Text);
        _dimensions = _command.Parameters.Add("@Dimensions", SqliteType.Text);
        _value = _command.Parameters.Add("@Value", SqliteType.Real);
        _status = _command.Parameters.Add("@Status", SqliteType.Text);
        _comment = _command.Parameters.Add("@Comment", SqliteType.Text);
        // A DateTime value, formatted by Microsoft.Data.Sqlite exactly as Dapper's DateTime parameters
        // (known_at) are, so text comparisons agree.
        _command.Parameters.Add("@RecordTime", SqliteType.Text).Value = DateTime.SpecifyKind(recordTime, DateTimeKind.Unspecified);
        _command.Prepare();
    }

    public override ValueTask AddAsync(NewObservation o, CancellationToken ct)
    {
        _indicator.Value = o.IndicatorId;
        _area.Value = o.AreaId;
        _date.Value = ObservationRepository.SqliteDate(o.ReferenceDate);
        _dimensions.Value = o.Dimensions;
        _value.Value = o.Value;
        _status.Value = o.Status;
        _comment.Value = (object?)o.Comment ?? DBNull.Value;
        // Microsoft.Data.Sqlite runs synchronously anyway; the sync call avoids a Task per row.
        _command.ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public override ValueTask FlushAsync(CancellationToken ct) => ValueTask.CompletedTask;

    public override ValueTask DisposeAsync() => _command.DisposeAsync();
}

/// <summary>SQL Server: SqlBulkCopy in the import's transaction, fed in chunks so the stream is never held whole.</summary>
internal sealed class SqlServerBulkWriter : ObservationBulkWriter
{
    private const int ChunkRows = 10_000;
    private readonly SqlBulkCopy _bulkCopy;
    private readonly DataTable _chunk = new();
    private readonly DateTime _recordTime;

    public SqlServerBulkWriter(SqlConnection connection, SqlTransaction transaction, DateTime recordTime)
    {
        _recordTime = DateTime.SpecifyKind(recordTime, DateTimeKind.Unspecified);
        _bulkCopy = new SqlBulkCopy(connection, SqlBulkCopyOptions.CheckConstraints, transaction)
        {
            DestinationTableName = "observations",
            BatchSize = ChunkRows,
            BulkCopyTimeout = 0,
        };
        AddColumn("indicator_id", typeof(string));
        AddColumn("area_id", typeof(string));
        AddColumn("reference_date", typeof(DateTime));
        AddColumn("dimensions", typeof(string));
        AddColumn("value", typeof(double));
        AddColumn("status", typeof(string));
        AddColumn("comment", typeof(string));
        AddColumn("record_time", typeof(DateTime));
    }

    private void AddColumn(string name, Type type)
    {
        _chunk.Columns.Add(name, type);
        _bulkCopy.ColumnMappings.Add(name, name);
    }

    public override async ValueTask AddAsync(NewObservation o, CancellationToken ct)
    {
        _chunk.Rows.Add(o.IndicatorId, o.AreaId, o.ReferenceDate.ToDateTime(TimeOnly.MinValue), o.Dimensions, o.Value,
            o.Status, (object?)o.Comment ?? DBNull.Value, _recordTime);
        if (_chunk.Rows.Count >= ChunkRows) await FlushAsync(ct);
    }

    public override async ValueTask FlushAsync(CancellationToken ct)
    {
        if (_chunk.Rows.Count == 0) return;
        await _bulkCopy.WriteToServerAsync(_chunk, ct);
        _chunk.Clear();
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

    public static IReadOnlyDictionary<string, string> Decode(string text) =>
        text.Length == 0
            ? new Dictionary<string, string>()
            : System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(text) ?? [];
}
