using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Demographics.Storage;

/// <summary>
/// The bulk path's statements. SQLite (<see cref="SqliteObservationWriter"/>): each series of an import is
/// looked up (or created) once through the two series statements, then every row goes in with the prepared
/// single-row insert. SQL Server (<see cref="SqlServerObservationWriter"/>): the rows are bulk-copied into a
/// staging table, from which two set-based statements add the new series and the observations.
/// </summary>
[SqlStatements]
public sealed class ObservationBulkSql
{
    public string SeriesId => "SELECT series_id FROM series WHERE indicator_id = @IndicatorId AND area_id = @AreaId AND dimensions = @Dimensions";

    public string InsertSeries => "INSERT INTO series (indicator_id, area_id, dimensions) VALUES (@IndicatorId, @AreaId, @Dimensions)";

    public string InsertObservation => """
        INSERT INTO observations (series_id, reference_date, value, status, comment, record_time)
        VALUES (@SeriesId, @ReferenceDate, @Value, @Status, @Comment, @RecordTime)
        """;

    /// <summary>SQL Server: the staging table; its texts compare in the database's collation, not tempdb's.</summary>
    public string CreateImportStaging => $"""
        CREATE TABLE {SqlServerObservationWriter.StagingTable} (
            indicator_id   NVARCHAR(64)   COLLATE DATABASE_DEFAULT NOT NULL,
            area_id        NVARCHAR(64)   COLLATE DATABASE_DEFAULT NOT NULL,
            dimensions     NVARCHAR(700)  COLLATE DATABASE_DEFAULT NOT NULL,
            reference_date DATE           NOT NULL,
            value          FLOAT          NOT NULL,
            status         NVARCHAR(16)   COLLATE DATABASE_DEFAULT NOT NULL,
            comment        NVARCHAR(2000) COLLATE DATABASE_DEFAULT NULL
        )
        """;

    /// <summary>SQL Server: the staged series not stored yet; the key-range lock keeps a concurrent import from adding the same one.</summary>
    public string InsertStagedSeries => $"""
        INSERT INTO series (indicator_id, area_id, dimensions)
        SELECT DISTINCT i.indicator_id, i.area_id, i.dimensions
        FROM {SqlServerObservationWriter.StagingTable} AS i
        WHERE NOT EXISTS (SELECT 1 FROM series AS s WITH (UPDLOCK, HOLDLOCK)
                          WHERE s.indicator_id = i.indicator_id AND s.area_id = i.area_id AND s.dimensions = i.dimensions)
        """;

    public string InsertStagedObservations => $"""
        INSERT INTO observations (series_id, reference_date, value, status, comment, record_time)
        SELECT s.series_id, i.reference_date, i.value, i.status, i.comment, @RecordTime
        FROM {SqlServerObservationWriter.StagingTable} AS i
        JOIN series AS s ON s.indicator_id = i.indicator_id AND s.area_id = i.area_id AND s.dimensions = i.dimensions
        """;

    public string DropImportStaging => $"DROP TABLE {SqlServerObservationWriter.StagingTable}";
}
