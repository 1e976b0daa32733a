using System.Data.Common;
using Dapper;
using Xunit;

namespace IntegrationServices.Testing;

/// <summary>
/// SQLite's plan of a statement (EXPLAIN QUERY PLAN), for tests that guard a read against returning to a
/// full scan: without statistics (the services never ANALYZE) the plan depends on the schema and the
/// statement only, not on how much data there is.
/// </summary>
public static class QueryPlans
{
    /// <summary>The steps of the statement's plan as SQLite names them ("SEARCH m USING …").</summary>
    public static async Task<IReadOnlyList<string>> ExplainAsync(DbConnection connection, string sql, object parameters) =>
        (await connection.QueryAsync("EXPLAIN QUERY PLAN " + sql, parameters)).Select(row => (string)row.detail).ToList();

    /// <summary>No step reads a whole table, builds an index of its own or sorts: rows come as an index gives them.</summary>
    public static void AssertSeeksOnly(IReadOnlyList<string> plan)
    {
        var text = string.Join("\n", plan);
        Assert.False(plan.Any(step => step.StartsWith("SCAN ", StringComparison.Ordinal)), "the plan reads a whole table:\n" + text);
        Assert.False(text.Contains("TEMP B-TREE", StringComparison.Ordinal), "the plan sorts:\n" + text);
        Assert.False(text.Contains("AUTOMATIC", StringComparison.Ordinal), "the plan builds an index of its own:\n" + text);
    }
}
