using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Demographics.Storage;

/// <summary>Every statement of the Demographics service, valid on SQLite and SQL Server.</summary>
[SqlStatements]
public sealed class DemographicsSql(SqlDialect dialect)
{
    public string AllAreas => $"SELECT {Fragments.AreaColumns} FROM areas ORDER BY id";

    public string AreaById => $"SELECT {Fragments.AreaColumns} FROM areas WHERE id = @Id";

    /// <summary>A page of areas after <c>@After</c>; with <c>@AnyDate = 1</c> regardless of validity.</summary>
    public string AreaPage => $"""
        SELECT {Fragments.AreaColumns}
        FROM areas
        WHERE id > @After
          AND (@AnyDate = 1 OR ((valid_from IS NULL OR valid_from <= @AsOf) AND (valid_to IS NULL OR valid_to >= @AsOf)))
        ORDER BY id
        {dialect.Limit("@Limit")}
        """;

    public string AllSuccessors => "SELECT area_id AS AreaId, successor_id AS SuccessorId FROM area_successors ORDER BY area_id, successor_id";

    public string InsertArea => """
        INSERT INTO areas (id, code, title, kind, parent_id, valid_from, valid_to, description)
        VALUES (@Id, @Code, @Title, @Kind, @ParentId, @ValidFrom, @ValidTo, @Description)
        """;

    public string InsertSuccessor => "INSERT INTO area_successors (area_id, successor_id) VALUES (@AreaId, @SuccessorId)";

    public string AllIndicators => $"SELECT {Fragments.IndicatorColumns} FROM indicators ORDER BY id";

    public string IndicatorById => $"SELECT {Fragments.IndicatorColumns} FROM indicators WHERE id = @Id";

    public string IndicatorPage => $"""
        SELECT {Fragments.IndicatorColumns}
        FROM indicators
        WHERE id > @After
        ORDER BY id
        {dialect.Limit("@Limit")}
        """;

    public string InsertIndicator => """
        INSERT INTO indicators (id, title, unit, definition, source)
        VALUES (@Id, @Title, @Unit, @Definition, @Source)
        """;

    // The bulk path. SQLite: each series of an import is looked up (or created) once through the two
    // series statements, then every row goes in with the prepared single-row insert. SQL Server: the rows
    // are bulk-copied into a staging table, from which two set-based statements add the new series and
    // the observations.

    public string SeriesId => "SELECT series_id FROM series WHERE indicator_id = @IndicatorId AND area_id = @AreaId AND dimensions = @Dimensions";

    public string InsertSeries => "INSERT INTO series (indicator_id, area_id, dimensions) VALUES (@IndicatorId, @AreaId, @Dimensions)";

    public string InsertObservation => """
        INSERT INTO observations (series_id, reference_date, value, status, comment, record_time)
        VALUES (@SeriesId, @ReferenceDate, @Value, @Status, @Comment, @RecordTime)
        """;

    /// <summary>SQL Server: the import's staging table; its texts compare in the database's collation, not tempdb's.</summary>
    public string CreateImportStaging => $"""
        CREATE TABLE {SqlServerBulkWriter.StagingTable} (
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
        FROM {SqlServerBulkWriter.StagingTable} AS i
        WHERE NOT EXISTS (SELECT 1 FROM series AS s WITH (UPDLOCK, HOLDLOCK)
                          WHERE s.indicator_id = i.indicator_id AND s.area_id = i.area_id AND s.dimensions = i.dimensions)
        """;

    public string InsertStagedObservations => $"""
        INSERT INTO observations (series_id, reference_date, value, status, comment, record_time)
        SELECT s.series_id, i.reference_date, i.value, i.status, i.comment, @RecordTime
        FROM {SqlServerBulkWriter.StagingTable} AS i
        JOIN series AS s ON s.indicator_id = i.indicator_id AND s.area_id = i.area_id AND s.dimensions = i.dimensions
        """;

    public string DropImportStaging => $"DROP TABLE {SqlServerBulkWriter.StagingTable}";

    public string AnyObservation => $"SELECT id FROM observations ORDER BY id {dialect.Limit("1")}";

    /// <summary>
    /// Time travel over observations: per key (series, reference_date) the latest
    /// revision recorded at or before <c>@KnownAt</c>; then, with <c>@LatestOnly = 1</c>, per series
    /// (indicator, area, dimensions: one <c>series</c> row) only the latest reference date &lt;= <c>@AsOf</c>.
    /// <paramref name="where"/> holds extra conditions (" AND …", built from fixed column names and
    /// parameters only); <paramref name="keyset"/> adds the paging condition.
    /// </summary>
    public string ObservationPage(string where, bool keyset) => $"""
        WITH revisions AS (
            SELECT o.id, o.series_id, s.indicator_id, s.area_id, o.reference_date, s.dimensions, o.value, o.status, o.comment, o.record_time,
                   ROW_NUMBER() OVER (PARTITION BY o.series_id, o.reference_date
                                      ORDER BY o.record_time DESC, o.id DESC) AS revision_rank
            FROM observations AS o
            JOIN series AS s ON s.series_id = o.series_id
            WHERE o.record_time <= @KnownAt AND o.reference_date <= @AsOf{where}
        ), current_rows AS (
            SELECT id, indicator_id, area_id, reference_date, dimensions, value, status, comment, record_time,
                   ROW_NUMBER() OVER (PARTITION BY series_id
                                      ORDER BY reference_date DESC) AS date_rank
            FROM revisions
            WHERE revision_rank = 1
        )
        SELECT id AS Id, indicator_id AS IndicatorId, area_id AS AreaId, reference_date AS ReferenceDate,
               dimensions AS Dimensions, value AS Value, status AS Status, comment AS Comment, record_time AS RecordTime
        FROM current_rows
        WHERE (@LatestOnly = 0 OR date_rank = 1){(keyset ? Fragments.KeysetCondition : "")}
        ORDER BY indicator_id, area_id, dimensions, reference_date
        {dialect.Limit("@Limit")}
        """;

    /// <summary>For the T-SQL fidelity test: the page query with every optional part.</summary>
    public string ObservationPageWithAllParts =>
        ObservationPage(" AND indicator_id = @f0 AND area_id <> @f1 AND reference_date >= @f2", keyset: true);

    /// <summary>The summary's input: the current totals (no dimensions) of the summarized indicators.</summary>
    public string LatestTotals => ObservationPage(
        " AND dimensions = '' AND indicator_id IN (@PopulationTotal, @ForeignNationals, @PopulationWithMigrationBackground)",
        keyset: false);

    /// <summary>Pieces of statements (not statements themselves, so outside the checked class's members).</summary>
    private static class Fragments
    {
        public const string AreaColumns = """
            id AS Id, code AS Code, title AS Title, kind AS Kind, parent_id AS ParentId,
            valid_from AS ValidFrom, valid_to AS ValidTo, description AS Description
            """;

        public const string IndicatorColumns = "id AS Id, title AS Title, unit AS Unit, definition AS Definition, source AS Source";

        public const string KeysetCondition = """

              AND (indicator_id > @KeyIndicator OR (indicator_id = @KeyIndicator AND (area_id > @KeyArea
                   OR (area_id = @KeyArea AND (dimensions > @KeyDimensions
                   OR (dimensions = @KeyDimensions AND reference_date > @KeyReferenceDate))))))
            """;
    }
}
