using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Auditing;
using Google.Protobuf.WellKnownTypes;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting;
using IntegrationServices.Reporting.Cycles;
using IntegrationServices.Reporting.Snapshots;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.Testing;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;

namespace Snapshots.Tests;

/// <summary>
/// The snapshot store's contract, on SQLite always and on SQL Server (sp_getapplock, UPDLOCK) when
/// SQLSERVER_TEST_CONNECTION is set; otherwise those are reported skipped.
/// </summary>
public abstract class SnapshotStoreContract
{
    protected abstract Task<TestHost> StartAsync(ISnapshotFaultInjector? faults = null);

    private static async Task<string> NewCycleAsync(TestHost host)
    {
        var id = "c" + Guid.NewGuid().ToString("N")[..10];
        var reference = new DateOnly(2000, 1, 1).AddDays(Random.Shared.Next(20000));
        var cycle = new Cycle
        {
            Id = id, Title = "Vertragstest " + id, ReferenceDate = reference, ReportingDate = reference.AddDays(2),
            Version = 1, CreateTime = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), UpdateTime = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        };
        await host.Services.GetRequiredService<ReportingCycleRepository>().CreateAsync(cycle, WriteContext.System("system:seed", "Test", "test/contract", Roles.Admin), null, new Google.Protobuf.WellKnownTypes.Empty(), CancellationToken.None);
        return id;
    }

    private static ComputedSnapshot Computed(string cycleId, DateOnly reference)
    {
        var snapshot = new Snapshot
        {
            Name = SnapshotContent.NameOf(cycleId),
            Cycle = CycleNames.Format(cycleId),
            ReferenceDate = reference.ToProto(),
            KnownAt = Timestamp.FromDateTime(ReportingCalendar.KnowledgeCutoff(reference.AddDays(2))),
            Measures = new MeasureSummary { Total = 0 },
        };
        var content = SnapshotContent.CanonicalBytes(snapshot);
        return new ComputedSnapshot(snapshot, content, SnapshotContent.Sha256Hex(content), 0, 0);
    }

    [Fact]
    public async Task Concurrent_saves_store_one_snapshot_and_skip_the_rest()
    {
        await using var host = await StartAsync();
        var store = host.Services.GetRequiredService<SnapshotStore>();
        var id = await NewCycleAsync(host);
        var cycle = (await host.Services.GetRequiredService<ReportingCycleRepository>().GetAsync(id, CancellationToken.None))!;
        var computed = Computed(id, cycle.ReferenceDate);
        var runs = new List<long>();
        for (var i = 0; i < 4; i++) runs.Add(await store.StartRunAsync(id, $"w{i}", TimeSpan.FromMinutes(15), CancellationToken.None));

        var outcomes = await Task.WhenAll(runs.Select((run, i) => Task.Run(() => store.SaveAsync(run, id, computed, $"w{i}", CancellationToken.None))));

        Assert.Single(outcomes, o => o == Outcome.Succeeded);
        Assert.Equal(3, outcomes.Count(o => o == Outcome.Skipped));
        var stored = await store.GetAsync(id, CancellationToken.None);
        Assert.Equal(computed.Content, stored!.Content);
        Assert.Equal(computed.Sha256, stored.ContentSha256);
        Assert.Equal(State.SnapshotTaken, (await host.Services.GetRequiredService<ReportingCycleRepository>().GetAsync(id, CancellationToken.None))!.State);
        var recorded = await store.ListRunsAsync(id, [], 0, 10, CancellationToken.None);
        Assert.Equal(4, recorded.Count);
        Assert.All(recorded, r => Assert.NotNull(r.EndTime));
    }

    [Fact]
    public async Task A_failure_before_commit_writes_nothing()
    {
        await using var host = await StartAsync(new CrashOnce(SnapshotStep.BeforeCommit));
        var store = host.Services.GetRequiredService<SnapshotStore>();
        var id = await NewCycleAsync(host);
        var cycle = (await host.Services.GetRequiredService<ReportingCycleRepository>().GetAsync(id, CancellationToken.None))!;
        var run = await store.StartRunAsync(id, "w", TimeSpan.FromMinutes(15), CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SaveAsync(run, id, Computed(id, cycle.ReferenceDate), "w", CancellationToken.None));

        Assert.Null(await store.GetAsync(id, CancellationToken.None));
        Assert.Equal(State.Planned, (await host.Services.GetRequiredService<ReportingCycleRepository>().GetAsync(id, CancellationToken.None))!.State);
        Assert.Equal(Outcome.Running, (await store.GetRunAsync(run, CancellationToken.None))!.Outcome);

        var retry = await store.StartRunAsync(id, "w", TimeSpan.FromMinutes(15), CancellationToken.None);
        Assert.Equal(Outcome.Failed, (await store.GetRunAsync(run, CancellationToken.None))!.Outcome);
        Assert.Equal(Outcome.Succeeded, await store.SaveAsync(retry, id, Computed(id, cycle.ReferenceDate), "w", CancellationToken.None));
    }

    [Fact]
    public async Task Lists_snapshots_runs_and_finds_the_previous_snapshot()
    {
        await using var host = await StartAsync();
        var store = host.Services.GetRequiredService<SnapshotStore>();
        var cycles = host.Services.GetRequiredService<ReportingCycleRepository>();
        var ids = new List<(string Id, DateOnly Reference)>();
        for (var i = 0; i < 3; i++)
        {
            var id = await NewCycleAsync(host);
            var reference = (await cycles.GetAsync(id, CancellationToken.None))!.ReferenceDate;
            var run = await store.StartRunAsync(id, "w", TimeSpan.FromMinutes(15), CancellationToken.None);
            Assert.Equal(Outcome.Succeeded, await store.SaveAsync(run, id, Computed(id, reference), "w", CancellationToken.None));
            ids.Add((id, reference));
        }
        var ordered = ids.OrderBy(x => x.Reference).ToList();
        Assert.Equal(ordered[1].Id, (await store.PreviousAsync(ordered[2].Reference, CancellationToken.None))!.CycleId);
        var all = await store.ListAsync([], DateOnly.MinValue, "", 100, CancellationToken.None);
        Assert.Equal(ordered.Select(x => x.Id), all.Where(s => ids.Any(x => x.Id == s.CycleId)).Select(s => s.CycleId));
        var succeeded = await store.ListRunsAsync(ordered[0].Id, [new FilterTerm("outcome", FilterOperator.Equal, "SUCCEEDED")], 0, 10, CancellationToken.None);
        Assert.Single(succeeded);
    }
}

public sealed class SqliteSnapshotStoreContractTests : SnapshotStoreContract
{
    protected override Task<TestHost> StartAsync(ISnapshotFaultInjector? faults = null) =>
        TestHost.StartAsync(b =>
        {
            if (faults is not null) b.Services.AddSingleton(faults);
            b.AddReportingService();
        }, a => a.MapReportingService(), new Dictionary<string, string?> { ["OParl:BaseUrl"] = "https://ris.example.de/oparl" });
}

public sealed class SqlServerSnapshotStoreContractTests : SnapshotStoreContract
{
    public const string Variable = "SQLSERVER_TEST_CONNECTION";

    protected override Task<TestHost> StartAsync(ISnapshotFaultInjector? faults = null)
    {
        var connection = Environment.GetEnvironmentVariable(Variable);
        Assert.SkipWhen(string.IsNullOrWhiteSpace(connection), $"{Variable} is not set: the SQL Server contract tests of the snapshot store were skipped.");
        var builder = new SqlConnectionStringBuilder(connection) { InitialCatalog = "snapshots_test_" + Guid.NewGuid().ToString("N")[..12] };
        return TestHost.StartAsync(b =>
        {
            if (faults is not null) b.Services.AddSingleton(faults);
            b.AddReportingService();
        }, a => a.MapReportingService(), new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "SqlServer",
            ["Storage:ConnectionString"] = builder.ConnectionString,
            ["OParl:BaseUrl"] = "https://ris.example.de/oparl",
        });
    }
}
