namespace IntegrationServices.Demographics.Storage;

/// <summary>
/// SQLite's statements of one import's spool (<see cref="SqliteObservationSpool"/>): its two tables in the
/// spool database attached to the import's connection (<see cref="ImportConnection"/>), numbered per
/// connection (the administrative path runs several imports on one), and the move out of them. SQLite
/// only, so not a [SqlStatements] class: ATTACH and schema-qualified spool tables are no T-SQL.
/// </summary>
internal sealed class SqliteSpoolSql(int spool)
{
    private const string Schema = ImportConnection.SpoolSchema;

    /// <summary>
    /// A private temporary database (the empty file name): SQLite deletes it when it is detached or the
    /// connection closes, tables and all, at no cost (dropping a spool of a million rows costs 0.4 s, so
    /// spools are never dropped). Its rollback journal is kept in memory: the spool is never needed after a crash.
    /// </summary>
    public const string Attach = $"""
        ATTACH DATABASE '' AS {Schema};
        PRAGMA {Schema}.journal_mode = MEMORY;
        """;

    public const string Detach = $"DETACH DATABASE {Schema}";

    private string Series => $"{Schema}.series_{spool}";

    private string Rows => $"{Schema}.rows_{spool}";

    /// <summary>The spool's series (resolved to stored series ids in the move) and its rows.</summary>
    public string Create => $"""
        CREATE TABLE {Series} (
            spool_id     INTEGER PRIMARY KEY,
            indicator_id TEXT NOT NULL,
            area_id      TEXT NOT NULL,
            dimensions   TEXT NOT NULL,
            series_id    INTEGER NULL
        );
        CREATE TABLE {Rows} (
            spool_series   INTEGER NOT NULL,
            reference_date TEXT NOT NULL,
            value          REAL NOT NULL,
            status         TEXT NOT NULL,
            comment        TEXT NULL,
            example        INTEGER NOT NULL
        );
        """;

    public string InsertSeries => $"""
        INSERT INTO {Series} (spool_id, indicator_id, area_id, dimensions)
        VALUES (@SpoolId, @IndicatorId, @AreaId, @Dimensions)
        """;

    public string InsertRow => $"""
        INSERT INTO {Rows} (spool_series, reference_date, value, status, comment, example)
        VALUES (@SpoolSeries, @ReferenceDate, @Value, @Status, @Comment, @Example)
        """;

    /// <summary>The move, step 1: the spooled series the service does not store yet.</summary>
    public string AddNewSeries => $"""
        INSERT INTO main.series (indicator_id, area_id, dimensions)
        SELECT n.indicator_id, n.area_id, n.dimensions
        FROM {Series} AS n
        WHERE NOT EXISTS (SELECT 1 FROM main.series AS s
                          WHERE s.indicator_id = n.indicator_id AND s.area_id = n.area_id AND s.dimensions = n.dimensions)
        ORDER BY n.spool_id
        """;

    /// <summary>The move, step 2: every spooled series learns its stored id.</summary>
    public string ResolveSeries => $"""
        UPDATE {Series} AS n
        SET series_id = s.series_id
        FROM main.series AS s
        WHERE s.indicator_id = n.indicator_id AND s.area_id = n.area_id AND s.dimensions = n.dimensions
        """;

    /// <summary>
    /// The move, step 3: the rows, in the order they arrived (CROSS JOIN makes the spooled rows the outer
    /// loop, read in rowid order, with one primary-key lookup of their series each).
    /// </summary>
    public string AddRows => $"""
        INSERT INTO main.observations (series_id, reference_date, value, status, comment, example, batch_id)
        SELECT n.series_id, r.reference_date, r.value, r.status, r.comment, r.example, @BatchId
        FROM {Rows} AS r
        CROSS JOIN {Series} AS n
        WHERE n.spool_id = r.spool_series
        """;
}
