using System.Globalization;

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

    /// <summary>Adds the series; adds nothing when it is stored already (the move then looks it up).</summary>
    public const string InsertSeries = """
        INSERT INTO series (indicator_id, area_id, dimensions)
        VALUES (@IndicatorId, @AreaId, @Dimensions)
        ON CONFLICT (indicator_id, area_id, dimensions) DO NOTHING
        """;

    /// <summary>A series added from @FirstAdded on whose indicator or area is not in the catalogue, if any.</summary>
    public const string SeriesOutsideCatalogue = """
        SELECT s.series_id FROM series AS s
        WHERE s.series_id >= @FirstAdded
          AND (NOT EXISTS (SELECT 1 FROM indicators AS i WHERE i.id = s.indicator_id)
               OR NOT EXISTS (SELECT 1 FROM areas AS a WHERE a.id = s.area_id))
        LIMIT 1
        """;

    /// <summary>
    /// The insert of <paramref name="rows"/> observations of one batch, numbered parameters: ?1 to ?6 the first
    /// row's series, reference date, value, status, comment and example mark, ?7 to ?12 the second's, and so on;
    /// the batch last. OR FAIL: a statement that could stop part-way (the default, OR ABORT) keeps a statement
    /// journal, a copy of every page it changes that the transaction had changed before, so that it can undo
    /// itself alone; blocks appended one after another change the same last pages of the table and its index,
    /// so nearly every page of every block was copied. A failing block fails the whole import, whose transaction
    /// is rolled back: the rows of the block that went in before the failure need no undoing of their own.
    /// </summary>
    public static string InsertObservations(int rows) =>
        "INSERT OR FAIL INTO observations (series_id, reference_date, value, status, comment, example, batch_id) VALUES\n" +
        string.Join(",\n", Enumerable.Range(0, rows).Select(r => string.Create(CultureInfo.InvariantCulture,
            $"(?{6 * r + 1}, ?{6 * r + 2}, ?{6 * r + 3}, ?{6 * r + 4}, ?{6 * r + 5}, ?{6 * r + 6}, ?{6 * rows + 1})")));
}
