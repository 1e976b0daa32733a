using System.Text.RegularExpressions;
using Dapper;
using IntegrationServices.Demographics.Storage;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Storage;
using IntegrationServices.Testing;
using Microsoft.Data.Sqlite;

namespace IntegrationServices.Demographics.Tests;

/// <summary>
/// The reads that name what they want find it through indexes (EXPLAIN QUERY PLAN on SQLite), so their cost
/// does not grow with the observations of other series: ListObservations for one series or one area, and
/// SummarizeAreas' totals for a date. The Benchmarks' demographics-reads mode measures the same at 1,000,000
/// observations.
/// </summary>
public sealed partial class QueryPlanTests : DemographicsTest
{
    private static readonly ObservationSql Sql = new(SqlDialect.Sqlite);

    [Theory]
    [InlineData("indicator = population_total AND area = 130", false)]
    [InlineData("indicator = population_total AND area = 130", true)]
    [InlineData("indicator = \"indicators/population_total\" AND area = \"areas/130\" AND reference_date >= \"2016-01-01\"", false)]
    [InlineData("area = 130", false)]
    [InlineData("area = 130 AND reference_date = \"2016-12-31\"", true)]
    public async Task A_listing_that_names_its_series_seeks_them_and_never_scans_the_observations(string filter, bool keyset)
    {
        var plan = await PlanAsync(Sql.ObservationPage(ObservationSql.Filters.Parse(filter), keyset));
        Assert.DoesNotContain(plan, line => FullScanOfObservations().IsMatch(line));
        Assert.Contains(plan, line => line.Contains("SEARCH s USING") && line.Contains("area_id=?"));
        Assert.Contains(plan, line => line.Contains("SEARCH o USING INDEX ix_observations_series (series_id=?"));
    }

    [Fact]
    public async Task The_summary_seeks_the_totals_of_its_indicators_and_reads_one_date_per_series()
    {
        var plan = await PlanAsync(Sql.LatestTotals);
        Assert.DoesNotContain(plan, line => line.StartsWith("SCAN ", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("SEARCH s USING") && line.Contains("(dimensions=? AND indicator_id=?)"));
        AssertLooksUpOneDatePerSeries(plan);
    }

    [Fact]
    public async Task The_refugee_housing_figure_seeks_the_series_of_its_indicator_on_the_city()
    {
        var plan = await PlanAsync(Sql.LatestSeriesOfArea);
        Assert.DoesNotContain(plan, line => line.StartsWith("SCAN ", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("SEARCH s USING") && line.Contains("indicator_id=?"));
        AssertLooksUpOneDatePerSeries(plan);
    }

    /// <summary>
    /// The latest date of a series is found walking its index back from @AsOf, then that date's revisions by
    /// the same index: neither reads the rest of the series' history, nor sorts it.
    /// </summary>
    private static void AssertLooksUpOneDatePerSeries(IReadOnlyList<string> plan)
    {
        Assert.Contains(plan, line => line.Contains("SEARCH dated USING INDEX ix_observations_series (series_id=? AND reference_date<?)"));
        Assert.Contains(plan, line => line.Contains("SEARCH revision USING INDEX ix_observations_series (series_id=? AND reference_date=?)"));
        // One sort at most: of one date's revisions by record time (usually one row), never of a series' dates.
        Assert.True(plan.Count(line => line.Contains("TEMP B-TREE")) <= 1, "the plan sorts more than one date's revisions:\n" + string.Join("\n", plan));
    }

    /// <summary>A table scan of the observations (alias o), with or without an index to walk it in order.</summary>
    [GeneratedRegex(@"\bSCAN o\b")]
    private static partial Regex FullScanOfObservations();

    /// <summary>The plan of <paramref name="sql"/> on the service's database, holding some data, every parameter bound.</summary>
    private async Task<IReadOnlyList<string>> PlanAsync(string sql)
    {
        await ImportAsync(Client(Roles.Statistics), ImportTests.ManyRows(2000));
        await using var db = new SqliteConnection($"Data Source={DatabaseFile}");
        await db.OpenAsync();
        var parameters = new DynamicParameters();
        foreach (var name in Parameters().Matches(sql).Select(m => m.Value).Distinct()) parameters.Add(name, "1");
        return await QueryPlans.ExplainAsync(db, sql, parameters);
    }

    [GeneratedRegex(@"@\w+")]
    private static partial Regex Parameters();
}
