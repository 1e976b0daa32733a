using System.Data;
using Dapper;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Demographics.Storage;

/// <summary>Reads observations (with time travel); writes them as import batches through the dialect's spool.</summary>
public sealed class ObservationRepository(Database database)
{
    private readonly ObservationSql _sql = new(database.Dialect);
    private readonly ImportBatchSql _batchSql = new(database.Dialect);

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
            PopulationTotal = IndicatorIds.PopulationTotal,
            ForeignNationals = IndicatorIds.ForeignNationals,
            PopulationWithMigrationBackground = IndicatorIds.PopulationWithMigrationBackground,
        });
        parameters.Add("KnownAt", knownAt, DbType.DateTime2);
        return db.QueryAsync<AreaTotal>(_sql.LatestTotals, parameters, ct);
    }

    /// <summary>Every current series of one indicator on one area (its breakdowns, e.g. housing sites) as of the date, as known at the instant.</summary>
    public Task<IReadOnlyList<AreaTotal>> LatestSeriesAsync(DbScope db, string indicatorId, string areaId, DateOnly asOf, DateTime knownAt, CancellationToken ct)
    {
        var parameters = new DynamicParameters(new { AsOf = asOf, Indicator = indicatorId, AreaId = areaId });
        parameters.Add("KnownAt", knownAt, DbType.DateTime2);
        return db.QueryAsync<AreaTotal>(_sql.LatestSeriesOfArea, parameters, ct);
    }

    public async Task<bool> AnyAsync(DbScope db, CancellationToken ct) =>
        await db.ExecuteScalarAsync<long?>(_sql.AnyObservation, null, ct) is not null;

    /// <summary>
    /// A new, empty spool for the import's connection (see <see cref="ObservationSpool"/>); SQLite's is a file in
    /// <paramref name="spoolDirectory"/>.
    /// </summary>
    public async Task<ObservationSpool> OpenSpoolAsync(ImportConnection connection, string spoolDirectory, CancellationToken ct) =>
        database.Dialect.Provider == StorageProvider.SqlServer
            ? await SqlServerObservationSpool.CreateAsync(connection, ct)
            : SqliteObservationSpool.Create(connection, spoolDirectory);

    /// <summary>Adds an import batch, without a record time yet (see <see cref="StampBatchAsync"/>); returns its id.</summary>
    public Task<long> InsertBatchAsync(DbScope db, CancellationToken ct) =>
        db.ExecuteScalarAsync<long>(_batchSql.Insert, null, ct);

    /// <summary>Gives the batch its record time: the last statement of its import's transaction.</summary>
    public Task StampBatchAsync(DbScope db, long batchId, DateTime recordTime, CancellationToken ct) =>
        db.ExecuteAsync(_batchSql.Stamp, new { Id = batchId, RecordTime = recordTime }, ct);
}
