using IntegrationServices.Measures.Storage;

namespace IntegrationServices.Measures.Tests;

/// <summary>The SQL Server path, checked statically with the official T-SQL parser (no SQL Server runs here).</summary>
public sealed class TSqlFidelityTests
{
    private static Dictionary<string, string> Statements() =>
        TSqlFidelity.SqlServerStatements(typeof(MeasureSql).Assembly).ToDictionary(s => s.Name, s => s.Sql);

    [Fact]
    public void Every_migration_and_statement_of_the_Measures_service_is_valid_TSQL()
    {
        TSqlFidelity.AssertValid(typeof(MeasureSql).Assembly);
    }

    [Fact]
    public void The_measure_query_is_checked_in_every_form_with_every_filter_field()
    {
        var queries = Statements().Where(s => s.Key.StartsWith("MeasureSql.Query(", StringComparison.Ordinal)).ToList();

        // Every combination of showRetired and timeTravel, each with one condition per filter field.
        Assert.Equal(4, queries.Count);
        foreach (var (name, sql) in queries)
        {
            Assert.Contains("filter: field_of_action AND action_concept AND responsible_unit AND status AND code AND parent AND kind", name);
            foreach (var column in new[] { "v.field_of_action = @f0", "v.action_concept_id = @f1", "v.responsible_unit_id = @f2", "COALESCE(e.status, 1) = @f3", "v.code = @f4", "v.parent_id = @f5", "v.kind = @f6" })
                Assert.Contains(column, sql);
            Assert.Contains("ORDER BY m.id\nOFFSET 0 ROWS FETCH NEXT @Limit ROWS ONLY", sql.ReplaceLineEndings("\n"));
            // The per-measure lookups take the first row in T-SQL's form too: the measure's version and event,
            // and its children's versions (count and roll-up) and events (roll-up).
            Assert.Equal(5, sql.Split("OFFSET 0 ROWS FETCH NEXT 1 ROWS ONLY").Length - 1);
            Assert.Equal(name.Contains("showRetired: false"), sql.Contains("m.retire_time >= @AsOfEnd"));
            Assert.Equal(name.Contains("timeTravel: true"), sql.Contains("adopted_on <= @AsOf"));
            Assert.DoesNotContain("LIMIT", sql);
        }
        Assert.Contains("AND m.id = @Id", Statements()["MeasureSql.QueryById"]);
    }

    [Fact]
    public void The_statements_checked_include_the_Measures_statements_in_their_SQL_Server_form()
    {
        var statements = Statements();

        Assert.Contains("OUTPUT INSERTED.id", statements["MeasureSql.InsertMeasure"]);
        Assert.DoesNotContain("RETURNING", statements["MeasureSql.InsertMeasure"]);
        Assert.Contains("OUTPUT INSERTED.id", statements["MeasureSql.InsertStatusEvent"]);
        Assert.Contains("WITH (UPDLOCK, HOLDLOCK)", statements["MeasureSql.CountMeasures"]);
        Assert.Contains("FETCH NEXT @Limit ROWS ONLY", statements["MeasureSql.ListStatusEvents"]);
        Assert.Contains("FETCH NEXT @Limit ROWS ONLY", statements["CatalogueSql.ListUnits"]);
        Assert.DoesNotContain("LIMIT", statements["CatalogueSql.ListUnits"]);
        Assert.Contains("AuditSql.Page(filter: resource AND subject AND time)", statements.Keys);
        Assert.Contains("RequestIdSql.Insert", statements.Keys);
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
