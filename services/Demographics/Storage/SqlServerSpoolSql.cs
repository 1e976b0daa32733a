using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Demographics.Storage;

/// <summary>
/// SQL Server's statements of the import spool (<see cref="SqlServerObservationSpool"/>): two temporary tables
/// of the import's connection, and the move from them into the service's tables.
/// </summary>
[SqlStatements]
public sealed class SqlServerSpoolSql
{
    public const string SeriesTable = "#import_series";
    public const string RowsTable = "#import_rows";

    /// <summary>The staging tables; their texts compare in the database's collation, not tempdb's.</summary>
    public string Create => $"""
        CREATE TABLE {SeriesTable} (
            spool_id     INT           NOT NULL PRIMARY KEY,
            indicator_id NVARCHAR(64)  COLLATE DATABASE_DEFAULT NOT NULL,
            area_id      NVARCHAR(64)  COLLATE DATABASE_DEFAULT NOT NULL,
            dimensions   NVARCHAR(700) COLLATE DATABASE_DEFAULT NOT NULL,
            series_id    INT           NULL
        );
        CREATE TABLE {RowsTable} (
            spool_series   INT            NOT NULL,
            reference_date DATE           NOT NULL,
            value          FLOAT          NOT NULL,
            status         NVARCHAR(16)   COLLATE DATABASE_DEFAULT NOT NULL,
            comment        NVARCHAR(2000) COLLATE DATABASE_DEFAULT NULL,
            example        BIT            NOT NULL
        );
        """;

    public string Drop => $"DROP TABLE IF EXISTS {RowsTable}; DROP TABLE IF EXISTS {SeriesTable};";

    /// <summary>The move, step 1: the staged series not stored yet; the key-range lock keeps a concurrent import from adding the same one.</summary>
    public string AddNewSeries => $"""
        INSERT INTO series (indicator_id, area_id, dimensions)
        SELECT n.indicator_id, n.area_id, n.dimensions
        FROM {SeriesTable} AS n
        WHERE NOT EXISTS (SELECT 1 FROM series AS s WITH (UPDLOCK, HOLDLOCK)
                          WHERE s.indicator_id = n.indicator_id AND s.area_id = n.area_id AND s.dimensions = n.dimensions)
        """;

    /// <summary>The move, step 2: every staged series learns its stored id.</summary>
    public string ResolveSeries => $"""
        UPDATE {SeriesTable}
        SET series_id = s.series_id
        FROM {SeriesTable}
        JOIN series AS s ON s.indicator_id = {SeriesTable}.indicator_id AND s.area_id = {SeriesTable}.area_id
                        AND s.dimensions = {SeriesTable}.dimensions
        """;

    /// <summary>The move, step 3: the rows, as observations of the import's batch.</summary>
    public string AddRows => $"""
        INSERT INTO observations (series_id, reference_date, value, status, comment, example, batch_id)
        SELECT n.series_id, r.reference_date, r.value, r.status, r.comment, r.example, @BatchId
        FROM {RowsTable} AS r
        JOIN {SeriesTable} AS n ON n.spool_id = r.spool_series
        """;
}
