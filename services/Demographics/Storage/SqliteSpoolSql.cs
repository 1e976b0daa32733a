namespace IntegrationServices.Demographics.Storage;

/// <summary>
/// SQLite's statements of the import spool (<see cref="SqliteObservationSpool"/>, <see cref="ImportConnection"/>).
/// SQLite only, so not a [SqlStatements] class: ATTACH and schema-qualified spool tables are no T-SQL.
/// </summary>
internal static class SqliteSpoolSql
{
    /// <summary>
    /// A private temporary database (the empty file name): SQLite deletes it when it is detached or the
    /// connection closes. Its rollback journal is kept in memory: the spool is never needed after a crash,
    /// and a rolled-back spool is discarded anyway.
    /// </summary>
    public const string Attach = $"""
        ATTACH DATABASE '' AS {ImportConnection.SpoolSchema};
        PRAGMA {ImportConnection.SpoolSchema}.journal_mode = MEMORY;
        """;

    public const string Detach = $"DETACH DATABASE {ImportConnection.SpoolSchema}";

    /// <summary>One import's spool: its series (resolved to stored series ids in the move) and its rows.</summary>
    public const string Create = $"""
        CREATE TABLE {ImportConnection.SpoolSchema}.series (
            spool_id     INTEGER PRIMARY KEY,
            indicator_id TEXT NOT NULL,
            area_id      TEXT NOT NULL,
            dimensions   TEXT NOT NULL,
            series_id    INTEGER NULL
        );
        CREATE TABLE {ImportConnection.SpoolSchema}.rows (
            spool_series   INTEGER NOT NULL,
            reference_date TEXT NOT NULL,
            value          REAL NOT NULL,
            status         TEXT NOT NULL,
            comment        TEXT NULL
        );
        """;

    public const string Drop = $"""
        DROP TABLE IF EXISTS {ImportConnection.SpoolSchema}.rows;
        DROP TABLE IF EXISTS {ImportConnection.SpoolSchema}.series;
        """;

    public const string InsertSeries = $"""
        INSERT INTO {ImportConnection.SpoolSchema}.series (spool_id, indicator_id, area_id, dimensions)
        VALUES (@SpoolId, @IndicatorId, @AreaId, @Dimensions)
        """;

    public const string InsertRow = $"""
        INSERT INTO {ImportConnection.SpoolSchema}.rows (spool_series, reference_date, value, status, comment)
        VALUES (@SpoolSeries, @ReferenceDate, @Value, @Status, @Comment)
        """;

    /// <summary>The move, step 1: the spooled series the service does not store yet.</summary>
    public const string AddNewSeries = $"""
        INSERT INTO main.series (indicator_id, area_id, dimensions)
        SELECT n.indicator_id, n.area_id, n.dimensions
        FROM {ImportConnection.SpoolSchema}.series AS n
        WHERE NOT EXISTS (SELECT 1 FROM main.series AS s
                          WHERE s.indicator_id = n.indicator_id AND s.area_id = n.area_id AND s.dimensions = n.dimensions)
        ORDER BY n.spool_id
        """;

    /// <summary>The move, step 2: every spooled series learns its stored id.</summary>
    public const string ResolveSeries = $"""
        UPDATE {ImportConnection.SpoolSchema}.series
        SET series_id = (SELECT s.series_id FROM main.series AS s
                         WHERE s.indicator_id = {ImportConnection.SpoolSchema}.series.indicator_id
                           AND s.area_id = {ImportConnection.SpoolSchema}.series.area_id
                           AND s.dimensions = {ImportConnection.SpoolSchema}.series.dimensions)
        """;

    /// <summary>
    /// The move, step 3: the rows, in the order they arrived (CROSS JOIN makes the spooled rows the outer
    /// loop, read in rowid order, with one primary-key lookup of their series each).
    /// </summary>
    public const string AddRows = $"""
        INSERT INTO main.observations (series_id, reference_date, value, status, comment, batch_id)
        SELECT n.series_id, r.reference_date, r.value, r.status, r.comment, @BatchId
        FROM {ImportConnection.SpoolSchema}.rows AS r
        CROSS JOIN {ImportConnection.SpoolSchema}.series AS n
        WHERE n.spool_id = r.spool_series
        """;
}
