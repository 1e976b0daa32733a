using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Demographics.Storage;

/// <summary>Every statement of the Demographics service, valid on SQLite and SQL Server.</summary>
[SqlStatements]
public sealed class DemographicsSql(SqlDialect dialect)
{
    private const string AreaColumns = """
        id AS Id, code AS Code, title AS Title, kind AS Kind, parent_id AS ParentId,
        valid_from AS ValidFrom, valid_to AS ValidTo, description AS Description
        """;

    public string AllAreas => $"SELECT {AreaColumns} FROM areas ORDER BY id";

    public string AreaById => $"SELECT {AreaColumns} FROM areas WHERE id = @Id";

    /// <summary>A page of areas after <c>@After</c>; with <c>@AnyDate = 1</c> regardless of validity.</summary>
    public string AreaPage => $"""
        SELECT {AreaColumns}
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

    private const string IndicatorColumns = "id AS Id, title AS Title, unit AS Unit, definition AS Definition, source AS Source";

    public string AllIndicators => $"SELECT {IndicatorColumns} FROM indicators ORDER BY id";

    public string IndicatorById => $"SELECT {IndicatorColumns} FROM indicators WHERE id = @Id";

    public string IndicatorPage => $"""
        SELECT {IndicatorColumns}
        FROM indicators
        WHERE id > @After
        ORDER BY id
        {dialect.Limit("@Limit")}
        """;

    public string InsertIndicator => """
        INSERT INTO indicators (id, title, unit, definition, source)
        VALUES (@Id, @Title, @Unit, @Definition, @Source)
        """;

    /// <summary>The bulk path's single-row insert (SQLite: prepared once, reused for every row).</summary>
    public string InsertObservation => """
        INSERT INTO observations (indicator_id, area_id, reference_date, dimensions, value, status, comment, record_time)
        VALUES (@IndicatorId, @AreaId, @ReferenceDate, @Dimensions, @Value, @Status, @Comment, @RecordTime)
        """;

    public string AnyObservation => $"SELECT id FROM observations ORDER BY id {dialect.Limit("1")}";

    /// <summary>
    /// Time travel over observations: per key (indicator, area, dimensions, reference_date) the latest
    /// revision recorded at or before <c>@KnownAt</c>; then, with <c>@LatestOnly = 1</c>, per series
    /// (indicator, area, dimensions) only the latest reference date &lt;= <c>@AsOf</c>.
    /// <paramref name="where"/> holds extra conditions (" AND …", built from fixed column names and
    /// parameters only); <paramref name="keyset"/> adds the paging condition.
    /// </summary>
    public string ObservationPage(string where, bool keyset) => $"""
        WITH revisions AS (
            SELECT id, indicator_id, area_id, reference_date, dimensions, value, status, comment, record_time,
                   ROW_NUMBER() OVER (PARTITION BY indicator_id, area_id, dimensions, reference_date
                                      ORDER BY record_time DESC, id DESC) AS revision_rank
            FROM observations
            WHERE record_time <= @KnownAt AND reference_date <= @AsOf{where}
        ), current_rows AS (
            SELECT id, indicator_id, area_id, reference_date, dimensions, value, status, comment, record_time,
                   ROW_NUMBER() OVER (PARTITION BY indicator_id, area_id, dimensions
                                      ORDER BY reference_date DESC) AS date_rank
            FROM revisions
            WHERE revision_rank = 1
        )
        SELECT id AS Id, indicator_id AS IndicatorId, area_id AS AreaId, reference_date AS ReferenceDate,
               dimensions AS Dimensions, value AS Value, status AS Status, comment AS Comment, record_time AS RecordTime
        FROM current_rows
        WHERE (@LatestOnly = 0 OR date_rank = 1){(keyset ? KeysetCondition : "")}
        ORDER BY indicator_id, area_id, dimensions, reference_date
        {dialect.Limit("@Limit")}
        """;

    private const string KeysetCondition = """

          AND (indicator_id > @KeyIndicator OR (indicator_id = @KeyIndicator AND (area_id > @KeyArea
               OR (area_id = @KeyArea AND (dimensions > @KeyDimensions
               OR (dimensions = @KeyDimensions AND reference_date > @KeyReferenceDate)))))))
        """;

    /// <summary>For the T-SQL fidelity test: the page query with every optional part.</summary>
    public string ObservationPageWithAllParts =>
        ObservationPage(" AND indicator_id = @f0 AND area_id <> @f1 AND reference_date >= @f2", keyset: true);

    /// <summary>The summary's input: the current totals (no dimensions) of the summarized indicators.</summary>
    public string LatestTotals => ObservationPage(
        " AND dimensions = '' AND indicator_id IN (@PopulationTotal, @ForeignNationals, @PopulationWithMigrationBackground)",
        keyset: false);
}
