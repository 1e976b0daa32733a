using IntegrationServices.Demographics.Domain;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Demographics.Storage;

/// <summary>The reading statements over observations (time travel), valid on SQLite and SQL Server.</summary>
[SqlStatements]
public sealed class ObservationSql(SqlDialect dialect)
{
    /// <summary>ListObservations' filter fields: indicator and area by name or id (= and !=), reference_date (all operators).</summary>
    public static readonly FilterSpec Filters = new(new Dictionary<string, FilterField>
    {
        ["indicator"] = new("indicator_id", v => DemographicsNames.Indicators.IdOf(v), OrderedOperators: false),
        ["area"] = new("area_id", v => DemographicsNames.Areas.IdOf(v), OrderedOperators: false),
        ["reference_date"] = new("reference_date", v => DateOnly.ParseExact(v, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
    });

    /// <summary>
    /// A page of observations as known at <c>@KnownAt</c> (with <c>@LatestOnly = 1</c> only the latest
    /// reference date &lt;= <c>@AsOf</c> per series), narrowed by the caller's <paramref name="filter"/>; with
    /// <paramref name="keyset"/> after the position <c>@KeyIndicator, @KeyArea, @KeyDimensions, @KeyReferenceDate</c>.
    /// </summary>
    public string ObservationPage(SqlFilter filter, bool keyset) =>
        TimeTravel.Query(dialect, filter.Sql, keyset ? TimeTravel.KeysetCondition : "");

    /// <summary>The summary's input: the current totals (no dimensions) of the summarized indicators.</summary>
    public string LatestTotals => Latest.Query(dialect,
        "s.dimensions = '' AND s.indicator_id IN (@PopulationTotal, @ForeignNationals, @PopulationWithMigrationBackground)");

    /// <summary>The summary's city-level figure summed over breakdowns: every current series of @Indicator on @AreaId (e.g. one per housing site).</summary>
    public string LatestSeriesOfArea => Latest.Query(dialect, "s.indicator_id = @Indicator AND s.area_id = @AreaId");

    public string AnyObservation => $"SELECT id FROM observations ORDER BY id {dialect.Limit("1")}";

    /// <summary>The time-travel query of ListObservations (a template, not a statement: outside the checked class's members).</summary>
    private static class TimeTravel
    {
        /// <summary>
        /// Per key (series, reference_date) the latest revision recorded at or before <c>@KnownAt</c>; then,
        /// with <c>@LatestOnly = 1</c>, per series (indicator, area, dimensions: one <c>series</c> row) only the
        /// latest reference date &lt;= <c>@AsOf</c>. <paramref name="conditions"/> narrow the revisions (" AND …",
        /// fixed columns and parameters only), <paramref name="after"/> the result.
        /// </summary>
        public static string Query(SqlDialect dialect, string conditions, string after) => $"""
            WITH revisions AS (
                SELECT o.id, o.series_id, s.indicator_id, s.area_id, o.reference_date, s.dimensions, o.value, o.status, o.comment, o.example, b.record_time,
                       ROW_NUMBER() OVER (PARTITION BY o.series_id, o.reference_date
                                          ORDER BY b.record_time DESC, o.id DESC) AS revision_rank
                FROM observations AS o
                JOIN series AS s ON s.series_id = o.series_id
                JOIN import_batches AS b ON b.id = o.batch_id
                WHERE b.record_time <= @KnownAt AND o.reference_date <= @AsOf{conditions}
            ), current_rows AS (
                SELECT id, indicator_id, area_id, reference_date, dimensions, value, status, comment, example, record_time,
                       ROW_NUMBER() OVER (PARTITION BY series_id
                                          ORDER BY reference_date DESC) AS date_rank
                FROM revisions
                WHERE revision_rank = 1
            )
            SELECT id AS Id, indicator_id AS IndicatorId, area_id AS AreaId, reference_date AS ReferenceDate,
                   dimensions AS Dimensions, value AS Value, status AS Status, comment AS Comment, example AS Example, record_time AS RecordTime
            FROM current_rows
            WHERE (@LatestOnly = 0 OR date_rank = 1){after}
            ORDER BY indicator_id, area_id, dimensions, reference_date
            {dialect.Limit("@Limit")}
            """;

        public const string KeysetCondition = """

              AND (indicator_id > @KeyIndicator OR (indicator_id = @KeyIndicator AND (area_id > @KeyArea
                   OR (area_id = @KeyArea AND (dimensions > @KeyDimensions
                   OR (dimensions = @KeyDimensions AND reference_date > @KeyReferenceDate))))))
            """;
    }

    /// <summary>The per-series lookup both summary inputs share (a template, not a statement: outside the checked class's members).</summary>
    private static class Latest
    {
        /// <summary>
        /// Per series that <paramref name="series"/> selects (conditions on <c>series AS s</c>: fixed columns and
        /// parameters only), the observation <see cref="TimeTravel"/> answers with <c>@LatestOnly = 1</c>: of the
        /// latest reference date &lt;= <c>@AsOf</c> that has a revision recorded at or before <c>@KnownAt</c>, the
        /// latest such revision. Two lookups per series on <c>ix_observations_series</c>, newest date first,
        /// so the summary reads one date per series however long the series' history is.
        /// </summary>
        public static string Query(SqlDialect dialect, string series) => $"""
            SELECT o.id AS Id, s.indicator_id AS IndicatorId, s.area_id AS AreaId, o.reference_date AS ReferenceDate,
                   s.dimensions AS Dimensions, o.value AS Value, o.status AS Status, o.comment AS Comment, o.example AS Example, b.record_time AS RecordTime
            FROM series AS s
            JOIN observations AS o ON o.id = (
                SELECT revision.id
                FROM observations AS revision
                JOIN import_batches AS revision_batch ON revision_batch.id = revision.batch_id
                WHERE revision.series_id = s.series_id AND revision_batch.record_time <= @KnownAt
                  AND revision.reference_date = (
                      SELECT dated.reference_date
                      FROM observations AS dated
                      JOIN import_batches AS dated_batch ON dated_batch.id = dated.batch_id
                      WHERE dated.series_id = s.series_id AND dated.reference_date <= @AsOf AND dated_batch.record_time <= @KnownAt
                      ORDER BY dated.reference_date DESC
                      {dialect.Limit("1")})
                ORDER BY revision_batch.record_time DESC, revision.id DESC
                {dialect.Limit("1")})
            JOIN import_batches AS b ON b.id = o.batch_id
            WHERE {series}
            ORDER BY s.indicator_id, s.area_id, s.dimensions
            """;
    }
}
