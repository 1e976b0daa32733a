using System.Data;
using Dapper;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace IntegrationServices.Demographics.Storage;

/// <summary>Reads observations (with time travel) and opens the dialect's bulk path for imports.</summary>
public sealed class ObservationRepository(Database database)
{
    private readonly ObservationSql _sql = new(database.Dialect);
    private readonly ObservationBulkSql _bulkSql = new();

    /// <summary>
    /// Up to <paramref name="limit"/> observations after <paramref name="after"/> in listing order, as known at
    /// <paramref name="knownAt"/>; with <paramref name="asOf"/> only the latest reference date up to it per series.
    /// </summary>
    public Task<IReadOnlyList<ObservationRow>> PageAsync(DbScope db, SqlFilter filter, DateOnly? asOf, DateTime knownAt,
        ObservationKey? after, int limit, CancellationToken ct)
    {
        var parameters = filter.AddTo(new DynamicParameters());
        parameters.Add("AsOf", asOf ?? DateOnly.MaxValue);
        parameters.Add("LatestOnly", asOf is null ? 0 : 1);
        // DateTime2, as DbValues maps every DateTime parameter (kept explicit: this query compares instants).
        parameters.Add("KnownAt", knownAt, DbType.DateTime2);
        parameters.Add("Limit", limit);
        if (after is not null)
        {
            parameters.Add("KeyIndicator", after.IndicatorId);
            parameters.Add("KeyArea", after.AreaId);
            parameters.Add("KeyDimensions", after.Dimensions);
            parameters.Add("KeyReferenceDate", after.ReferenceDate);
        }
        return db.QueryAsync<ObservationRow>(_sql.ObservationPage(filter, keyset: after is not null), parameters, ct);
    }

    /// <summary>Per area and indicator the current total (no dimensions) as of the date, as known at the instant.</summary>
    public Task<IReadOnlyList<AreaTotal>> LatestTotalsAsync(DbScope db, DateOnly asOf, DateTime knownAt, CancellationToken ct)
    {
        var parameters = new DynamicParameters(new
        {
            AsOf = asOf,
            LatestOnly = 1,
            Limit = int.MaxValue,
            PopulationTotal = IndicatorIds.PopulationTotal,
            ForeignNationals = IndicatorIds.ForeignNationals,
            PopulationWithMigrationBackground = IndicatorIds.PopulationWithMigrationBackground,
        });
        parameters.Add("KnownAt", knownAt, DbType.DateTime2);
        return db.QueryAsync<AreaTotal>(_sql.LatestTotals, parameters, ct);
    }

    public async Task<bool> AnyAsync(DbScope db, CancellationToken ct) =>
        await db.ExecuteScalarAsync<long?>(_sql.AnyObservation, null, ct) is not null;

    /// <summary>The dialect's bulk path, inside the transaction of <paramref name="db"/>; every row it writes is stamped <paramref name="recordTime"/>.</summary>
    public async Task<ObservationBulkWriter> OpenBulkWriterAsync(DbScope db, DateTime recordTime, CancellationToken ct) =>
        database.Dialect.Provider == StorageProvider.SqlServer
            ? await SqlServerObservationWriter.OpenAsync((SqlConnection)db.Connection, (SqlTransaction)db.Transaction!, _bulkSql,
                recordTime, db.CommandTimeoutSeconds, ct)
            : new SqliteObservationWriter((SqliteConnection)db.Connection, _bulkSql, recordTime);
}
