namespace IntegrationServices.Demographics.Storage;

/// <summary>
/// SQLite's statements of the move out of an import's spool (<see cref="SqliteObservationSpool"/>), each
/// prepared once per import and run once per series or row. SQLite only, so not a [SqlStatements] class:
/// SQL Server's spool moves its rows with set-based statements (<see cref="SqlServerSpoolSql"/>).
/// </summary>
internal static class SqliteSpoolSql
{
    public const string SeriesId = """
        SELECT series_id FROM series
        WHERE indicator_id = @IndicatorId AND area_id = @AreaId AND dimensions = @Dimensions
        """;

    public const string InsertSeries = """
        INSERT INTO series (indicator_id, area_id, dimensions)
        VALUES (@IndicatorId, @AreaId, @Dimensions)
        """;

    public const string InsertObservation = """
        INSERT INTO observations (series_id, reference_date, value, status, comment, example, batch_id)
        VALUES (@SeriesId, @ReferenceDate, @Value, @Status, @Comment, @Example, @BatchId)
        """;
}
