using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Demographics.Storage;

/// <summary>The statements of the area and indicator catalogue, valid on SQLite and SQL Server.</summary>
[SqlStatements]
public sealed class CatalogueSql(SqlDialect dialect)
{
    /// <summary>Every area recorded at or before <c>@KnownAt</c>.</summary>
    public string AllAreas => $"SELECT {Columns.Area} FROM areas WHERE record_time <= @KnownAt ORDER BY id";

    public string AreaById => $"SELECT {Columns.Area} FROM areas WHERE id = @Id";

    /// <summary>A page of the areas recorded at or before <c>@KnownAt</c>, after <c>@After</c>; with <c>@AnyDate = 1</c> regardless of validity.</summary>
    public string AreaPage => $"""
        SELECT {Columns.Area}
        FROM areas
        WHERE id > @After AND record_time <= @KnownAt
          AND (@AnyDate = 1 OR ((valid_from IS NULL OR valid_from <= @AsOf) AND (valid_to IS NULL OR valid_to >= @AsOf)))
        ORDER BY id
        {dialect.Limit("@Limit")}
        """;

    /// <summary>Every successor link recorded at or before <c>@KnownAt</c>.</summary>
    public string AllSuccessors => """
        SELECT area_id AS AreaId, successor_id AS SuccessorId
        FROM area_successors
        WHERE record_time <= @KnownAt
        ORDER BY area_id, successor_id
        """;

    public string InsertArea => """
        INSERT INTO areas (id, code, title, kind, parent_id, valid_from, valid_to, description, record_time)
        VALUES (@Id, @Code, @Title, @Kind, @ParentId, @ValidFrom, @ValidTo, @Description, @RecordTime)
        """;

    public string InsertSuccessor => """
        INSERT INTO area_successors (area_id, successor_id, record_time)
        VALUES (@AreaId, @SuccessorId, @RecordTime)
        """;

    public string AllIndicators => $"SELECT {Columns.Indicator} FROM indicators ORDER BY id";

    public string IndicatorById => $"SELECT {Columns.Indicator} FROM indicators WHERE id = @Id";

    public string IndicatorPage => $"""
        SELECT {Columns.Indicator}
        FROM indicators
        WHERE id > @After
        ORDER BY id
        {dialect.Limit("@Limit")}
        """;

    public string InsertIndicator => """
        INSERT INTO indicators (id, title, unit, definition, source)
        VALUES (@Id, @Title, @Unit, @Definition, @Source)
        """;

    /// <summary>Column lists (pieces of statements, not statements: outside the checked class's members).</summary>
    private static class Columns
    {
        public const string Area = """
            id AS Id, code AS Code, title AS Title, kind AS Kind, parent_id AS ParentId,
            valid_from AS ValidFrom, valid_to AS ValidTo, description AS Description, record_time AS RecordTime
            """;

        public const string Indicator = "id AS Id, title AS Title, unit AS Unit, definition AS Definition, source AS Source";
    }
}
