namespace IntegrationServices.Measures.Tests;

/// <summary>The SQL Server path, checked statically with the official T-SQL parser (no SQL Server runs here).</summary>
public class TSqlFidelityTests
{
    [Fact]
    public void Every_migration_and_statement_of_the_Measures_service_is_valid_TSQL()
    {
        TSqlFidelity.AssertValid(typeof(MeasuresService).Assembly);
    }

    [Fact]
    public void The_statements_checked_include_the_Measures_queries_in_their_SQL_Server_form()
    {
        var statements = TSqlFidelity.SqlServerStatements(typeof(MeasuresService).Assembly).ToDictionary(s => s.Name, s => s.Sql);

        Assert.Contains("MeasureSql.QueryWithAllConditions", statements.Keys);
        Assert.Contains("MeasureSql.InsertStatusEvent", statements.Keys);
        Assert.Contains("AuditSql.PageWithAllFilters", statements.Keys);
        Assert.Contains("OUTPUT INSERTED.id", statements["MeasureSql.InsertMeasure"]);
        Assert.Contains("FETCH NEXT @Limit ROWS ONLY", statements["MeasureSql.QueryWithAllConditions"]);
        Assert.DoesNotContain("LIMIT", statements["MeasureSql.ListUnits"]);
    }

    [Theory]
    [InlineData("SELECT 1 LIMIT 5")]
    [InlineData("INSERT INTO t (a) VALUES (1) RETURNING id")]
    [InlineData("SELECT id FROM measures WHERE")]
    public void The_checker_catches_what_SQL_Server_would_refuse(string sql)
    {
        Assert.NotEmpty(TSqlFidelity.Errors(sql));
    }

    [Fact]
    public void The_checker_accepts_valid_TSQL()
    {
        Assert.Empty(TSqlFidelity.Errors("SELECT id FROM measures ORDER BY id OFFSET 0 ROWS FETCH NEXT @Limit ROWS ONLY"));
    }
}
