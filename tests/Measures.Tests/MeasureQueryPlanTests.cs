using Dapper;
using IntegrationServices.Measures.Storage;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.Measures.Tests;

/// <summary>
/// The read path seeks, it does not scan: SQLite's plans (EXPLAIN QUERY PLAN on the service's migrated
/// database) for a point read and for a list page read measures by id, and each measure's version and
/// status event by an index lookup of their own. A full scan of a table, or a sort of everything before
/// the first row, would make every read cost as much as the whole catalogue and its history.
/// </summary>
public sealed class MeasureQueryPlanTests(SqliteFixture fixture) : MeasuresTestBase(fixture), IClassFixture<SqliteFixture>
{
    private static readonly MeasureSql Sql = new(SqlDialect.Sqlite);

    /// <summary>One condition per filter field of ListMeasures, as a caller would write it.</summary>
    public static TheoryData<string> Filters => new()
    {
        "", "field_of_action = 3", "action_concept = \"actionConcepts/idk\"", "responsible_unit = \"units/u1\"", "status = IN_PROGRESS",
        "code = \"B-000001\"", "parent = \"measures/5\"", "kind = FURTHER_ACTIVITY",
        "field_of_action >= 2 AND status != IMPLEMENTED AND responsible_unit = \"units/u1\"",
    };

    [Fact]
    public async Task A_point_read_seeks_the_measure_its_version_and_its_status_event()
    {
        var plan = await PlanAsync(Sql.QueryById, SqlFilter.None);

        QueryPlans.AssertSeeksOnly(plan);
        Assert.Contains(plan, step => step.StartsWith("SEARCH m USING INTEGER PRIMARY KEY (rowid=?)", StringComparison.Ordinal));
        AssertLooksUpEachMeasuresVersionAndEvent(plan);
    }

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task A_list_page_reads_from_its_keyset_position_in_id_order_without_sorting(string filter)
    {
        var parsed = MeasureSql.Filters.Parse(filter);
        foreach (var (showRetired, timeTravel) in new[] { (false, false), (false, true), (true, false), (true, true) })
        {
            var plan = await PlanAsync(Sql.Query(parsed, showRetired, timeTravel), parsed);

            if (filter.StartsWith("parent", StringComparison.Ordinal))
            {
                // The children of one parent come from the parent index, from the keyset position on, and
                // only they are put in id order: the cost is that parent's children, not the catalogue.
                Assert.Equal("SEARCH v USING INDEX ix_measure_versions_parent (parent_id=? AND measure_id>?)", plan[0]);
                QueryPlans.AssertSeeksOnly(plan.Where(step => step != "USE TEMP B-TREE FOR ORDER BY").ToList());
            }
            else
            {
                QueryPlans.AssertSeeksOnly(plan);
                Assert.Contains(plan, step => step.StartsWith("SEARCH m USING INTEGER PRIMARY KEY (rowid>?)", StringComparison.Ordinal));
            }
            AssertLooksUpEachMeasuresVersionAndEvent(plan);
        }
    }

    [Fact]
    public async Task The_parent_walk_of_an_update_seeks_too()
    {
        QueryPlans.AssertSeeksOnly(await PlanAsync(Sql.ParentOf, SqlFilter.None));
    }

    private static void AssertLooksUpEachMeasuresVersionAndEvent(IReadOnlyList<string> plan)
    {
        Assert.Contains("SEARCH mv USING INDEX sqlite_autoindex_measure_versions_1 (measure_id=?)", plan);
        Assert.Contains("SEARCH se USING COVERING INDEX ix_status_events_measure (measure_id=? AND effective_date<?)", plan);
        // The roll-up reads the measure's own children: candidates by the parent index, each one by id,
        // its version in force and its event in force by their own lookups.
        Assert.Contains("SEARCH pv USING COVERING INDEX ix_measure_versions_parent (parent_id=?)", plan);
        Assert.Contains(plan, step => step.StartsWith("SEARCH c USING INTEGER PRIMARY KEY (rowid=?)", StringComparison.Ordinal));
        Assert.Contains("SEARCH cv USING INDEX sqlite_autoindex_measure_versions_1 (measure_id=?)", plan);
        Assert.Contains("SEARCH cse USING COVERING INDEX ix_status_events_measure (measure_id=? AND effective_date<?)", plan);
    }

    private async Task<IReadOnlyList<string>> PlanAsync(string sql, SqlFilter filter)
    {
        var database = Host.Services.GetRequiredService<Database>();
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var parameters = filter.AddTo(new DynamicParameters(new
        {
            Id = 5L, After = 0L, Limit = 51, AsOf = new DateOnly(2022, 12, 31), AsOfEnd = new DateTime(2023, 1, 1),
            KnownAt = new DateTime(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        }));
        return await QueryPlans.ExplainAsync(connection, sql, parameters);
    }
}
