using IntegrationServices.Reporting.Core.Storage;
using IntegrationServices.ServiceDefaults.Storage;
using IntegrationServices.Testing;

namespace IntegrationServices.Reporting.Core.Tests.Storage;

/// <summary>
/// GetReportingCycle and GetSnapshot cost what the one cycle or snapshot costs, however many others are
/// stored: SQLite's plans (EXPLAIN QUERY PLAN on the migrated reporting database) find the cycle by its
/// primary key, its consultations by (cycle_id, position) in order, and the snapshot by its unique cycle.
/// </summary>
public sealed class ReadPlanTests
{
    private static readonly ReportingCycleSql Cycles = new(SqlDialect.Sqlite);
    private static readonly SnapshotSql Snapshots = new(SqlDialect.Sqlite);

    [Fact]
    public async Task GetReportingCycle_seeks_the_cycle_and_its_consultations()
    {
        var cycle = await PlanAsync(Cycles.Select);
        var consultations = await PlanAsync(Cycles.SelectConsultations);

        QueryPlans.AssertSeeksOnly(cycle);
        Assert.Equal(["SEARCH reporting_cycles USING INDEX sqlite_autoindex_reporting_cycles_1 (id=?)"], cycle);
        QueryPlans.AssertSeeksOnly(consultations);
        Assert.Equal(["SEARCH consultations USING INDEX sqlite_autoindex_consultations_1 (cycle_id=?)"], consultations);
    }

    [Fact]
    public async Task GetSnapshot_seeks_the_snapshot_of_its_cycle()
    {
        var snapshot = await PlanAsync(Snapshots.SelectSnapshot);

        QueryPlans.AssertSeeksOnly(snapshot);
        Assert.Equal(["SEARCH snapshots USING INDEX sqlite_autoindex_snapshots_1 (cycle_id=?)"], snapshot);
    }

    private static async Task<IReadOnlyList<string>> PlanAsync(string sql)
    {
        await using var host = await CoreHost.StartAsync();
        await using var connection = await host.Get<Database>().OpenAsync(TestContext.Current.CancellationToken);
        return await QueryPlans.ExplainAsync(connection, sql, new { Id = "2018", CycleId = "2018" });
    }
}
