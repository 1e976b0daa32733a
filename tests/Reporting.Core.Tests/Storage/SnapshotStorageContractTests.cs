using Google.Protobuf.WellKnownTypes;
using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.Reporting.Core.Storage;
using IntegrationServices.Testing;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;
using SnapshotView = IntegrationServices.Contracts.Reporting.V1.SnapshotView;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;

namespace IntegrationServices.Reporting.Core.Tests.Storage;

/// <summary>
/// Storing snapshots exactly once (the lock per cycle: sp_getapplock and UPDLOCK on SQL Server), the
/// run records and the snapshot queries, on SQLite always and on SQL Server when a server is configured.
/// </summary>
public abstract class SnapshotStorageContract(IStorageUnderTest storage)
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<string> NewCycleAsync(TestHost host, DateOnly reference)
    {
        var id = "c" + Guid.NewGuid().ToString("N")[..10];
        await host.Get<CycleApplication>().CreateAsync(id, new CycleDraft
        {
            Title = "Vertragstest " + id,
            ReferenceDate = reference,
            ReportingDate = reference.AddDays(2),
        }, CoreHost.Writer, null, new Empty(), None);
        return id;
    }

    private static Task<StoredSnapshot?> StoredAsync(TestHost host, string cycleId) =>
        host.ReadAsync(db => host.Get<SnapshotStore>().GetAsync(db, cycleId, None));

    private static async Task<SnapshotRunRecord> RunAsync(TestHost host, string cycleId, long runId) =>
        (await host.Get<SnapshotApplication>().ListRunsAsync(cycleId, 100, null, null, None)).Rows.Single(r => r.Id == runId);

    [Fact]
    public async Task Concurrent_stores_keep_one_snapshot_and_skip_the_rest()
    {
        await using var host = await storage.StartAsync();
        var producer = host.Get<SnapshotProducer>();
        var reference = new DateOnly(2031, 3, 31);
        var id = await NewCycleAsync(host, reference);
        var computed = Snapshots.Empty(id, reference);
        var runs = new List<long>();
        for (var i = 0; i < 4; i++) runs.Add(await producer.StartRunAsync(id, $"w{i}", TimeSpan.FromMinutes(15), None));

        var outcomes = await Task.WhenAll(runs.Select((run, i) => Task.Run(() => producer.StoreAsync(run, id, computed, $"w{i}", None))));

        Assert.Single(outcomes, o => o == Outcome.Succeeded);
        Assert.Equal(3, outcomes.Count(o => o == Outcome.Skipped));
        var stored = await StoredAsync(host, id);
        Assert.Equal(computed.Content, stored!.Content);
        Assert.Equal(computed.Sha256, stored.ContentSha256);
        Assert.True(stored.IsIntact);
        Assert.Equal(State.SnapshotTaken, (await host.Get<CycleApplication>().GetAsync(id, None)).State);
        var recorded = await host.Get<SnapshotApplication>().ListRunsAsync(id, 10, null, null, None);
        Assert.Equal(4, recorded.Rows.Count);
        Assert.All(recorded.Rows, r => Assert.NotNull(r.EndTime));
    }

    [Fact]
    public async Task A_failure_before_commit_writes_nothing_and_the_next_attempt_stores_the_snapshot()
    {
        await using var drill = await storage.StartAsync(new Dictionary<string, string?> { ["Snapshots:FaultPoint"] = "BeforeCommit" });
        var reference = new DateOnly(2032, 3, 31);
        var id = await NewCycleAsync(drill, reference);
        var run = await drill.Get<SnapshotProducer>().StartRunAsync(id, "w", TimeSpan.FromMinutes(15), None);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => drill.Get<SnapshotProducer>().StoreAsync(run, id, Snapshots.Empty(id, reference), "w", None));

        Assert.Contains("fault point BeforeCommit", failure.Message);
        Assert.Null(await StoredAsync(drill, id));
        Assert.Equal(State.Planned, (await drill.Get<CycleApplication>().GetAsync(id, None)).State);
        Assert.Equal(Outcome.Running, (await RunAsync(drill, id, run)).Outcome);

        // The same worker after a restart, without the drill: its earlier run is closed, the snapshot stored.
        await using var restarted = await CoreHost.StartOnSameDatabaseAsync(drill);
        var producer = restarted.Get<SnapshotProducer>();
        var retry = await producer.StartRunAsync(id, "w", TimeSpan.FromMinutes(15), None);
        Assert.Equal(Outcome.Failed, (await RunAsync(restarted, id, run)).Outcome);
        Assert.Equal(Outcome.Succeeded, await producer.StoreAsync(retry, id, Snapshots.Empty(id, reference), "w", None));
        Assert.Equal(State.SnapshotTaken, (await restarted.Get<CycleApplication>().GetAsync(id, None)).State);
    }

    [Fact]
    public async Task Lists_snapshots_and_runs_and_finds_the_previous_snapshot()
    {
        await using var host = await storage.StartAsync();
        var producer = host.Get<SnapshotProducer>();
        var references = new[] { new DateOnly(2033, 6, 30), new DateOnly(2033, 3, 31), new DateOnly(2033, 9, 30) };
        var ids = new List<(string Id, DateOnly Reference)>();
        foreach (var reference in references)
        {
            var id = await NewCycleAsync(host, reference);
            var run = await producer.StartRunAsync(id, "w", TimeSpan.FromMinutes(15), None);
            Assert.Equal(Outcome.Succeeded, await producer.StoreAsync(run, id, Snapshots.Empty(id, reference), "w", None));
            ids.Add((id, reference));
        }
        var ordered = ids.OrderBy(x => x.Reference).ToList();

        Assert.Equal(ordered[1].Id, (await host.ReadAsync(db => host.Get<SnapshotStore>().PreviousAsync(db, ordered[2].Reference, None)))!.CycleId);
        Assert.Null(await host.ReadAsync(db => host.Get<SnapshotStore>().PreviousAsync(db, ordered[0].Reference, None)));
        var snapshots = host.Get<SnapshotApplication>();
        var first = await snapshots.ListAsync(2, null, null, SnapshotView.Full, long.MaxValue, None);
        var second = await snapshots.ListAsync(2, first.NextPageToken, null, SnapshotView.Full, long.MaxValue, None);
        Assert.Equal(ordered.Select(x => ReportingNames.Cycles.Format(x.Id)), first.Rows.Concat(second.Rows).Select(s => s.Cycle));
        Assert.Equal("", second.NextPageToken);
        var later = await snapshots.ListAsync(10, null, $"reference_date > {ordered[0].Reference.ToString("yyyy-MM-dd", null)}", SnapshotView.Basic, long.MaxValue, None);
        Assert.Equal(ordered.Skip(1).Select(x => ReportingNames.Cycles.Format(x.Id)), later.Rows.Select(s => s.Cycle));

        // A page of FULL snapshots also ends before its snapshots exceed the byte budget; the pages still cover all.
        var sizes = first.Rows.Concat(second.Rows).Select(s => 1 + Google.Protobuf.CodedOutputStream.ComputeMessageSize(s)).ToList();
        var budget = sizes.Max() * 3 / 2;
        var pages = new List<IReadOnlyList<string>>();
        var token = "";
        do
        {
            var page = await snapshots.ListAsync(10, token, null, SnapshotView.Full, budget, None);
            pages.Add(page.Rows.Select(s => s.Cycle).ToList());
            token = page.NextPageToken;
        } while (token.Length > 0);
        Assert.Equal(ordered.Select(x => (IReadOnlyList<string>)[ReportingNames.Cycles.Format(x.Id)]), pages);

        var succeeded = await snapshots.ListRunsAsync(ordered[0].Id, 10, null, "outcome = SUCCEEDED", None);
        Assert.Equal(ordered[0].Id, Assert.Single(succeeded.Rows).CycleId);
        Assert.Empty((await snapshots.ListRunsAsync(null, 10, null, "outcome = FAILED", None)).Rows);
    }
}

public sealed class SqliteSnapshotStorageTests() : SnapshotStorageContract(new SqliteStorage());

public sealed class SqlServerSnapshotStorageTests(SqlServerDatabases databases)
    : SnapshotStorageContract(new SqlServerStorage(databases)), IClassFixture<SqlServerDatabases>;
