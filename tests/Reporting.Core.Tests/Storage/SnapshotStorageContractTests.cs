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
/// re-check of the cycle under that lock, the run records and the snapshot queries, on SQLite always and
/// on SQL Server when a server is configured.
/// </summary>
public abstract class SnapshotStorageContract(IStorageUnderTest storage)
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<string> NewCycleAsync(TestHost host, DateOnly reference, params string[] scope)
    {
        var id = "c" + Guid.NewGuid().ToString("N")[..10];
        await host.Get<CycleApplication>().CreateAsync(id, new CycleDraft
        {
            Title = "Vertragstest " + id,
            ReferenceDate = reference,
            ReportingDate = reference.AddDays(2),
            Scope = scope,
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
        var id = await NewCycleAsync(host, new DateOnly(2021, 3, 31));
        var due = await Snapshots.DueAsync(host, id);
        Snapshots.MovePastCutoff(host, due);
        var runs = new List<long>();
        for (var i = 0; i < 4; i++) runs.Add(await producer.StartRunAsync(id, $"w{i}", None));

        var results = await Task.WhenAll(runs.Select((run, i) => Task.Run(() => producer.StoreAsync(run, due, Snapshots.Empty(due), Snapshots.Policy($"w{i}"), None))));

        var won = Assert.Single(results, r => r.Outcome == Outcome.Succeeded);
        Assert.Equal(3, results.Count(r => r.Outcome == Outcome.Skipped));
        var stored = await StoredAsync(host, id);
        Assert.Equal(won.Computed!.Content, stored!.Content);
        Assert.Equal(won.Computed.Sha256, stored.ContentSha256);
        Assert.True(stored.IsIntact);
        Assert.Equal(SnapshotAggregator.Latest, stored.ContentVersion);
        Assert.Equal(runs[Array.IndexOf(results, won)], stored.RunId);
        Assert.Equal(State.SnapshotTaken, (await host.Get<CycleApplication>().GetAsync(id, None)).State);
        var recorded = await host.Get<SnapshotApplication>().ListRunsAsync(id, 10, null, null, None);
        Assert.Equal(4, recorded.Rows.Count);
        Assert.All(recorded.Rows, r => Assert.NotNull(r.EndTime));
        Assert.Equal(stored.RunId, Assert.Single(recorded.Rows, r => r.Outcome == Outcome.Succeeded).Id);
    }

    [Fact]
    public async Task A_failure_before_commit_writes_nothing_and_the_restarted_worker_closes_its_run_and_stores_the_snapshot()
    {
        await using var drill = await storage.StartAsync(new Dictionary<string, string?> { ["Snapshots:FaultPoint"] = "BeforeCommit" });
        var id = await NewCycleAsync(drill, new DateOnly(2022, 3, 31));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => Snapshots.TakeAsync(drill, id));

        Assert.Contains("fault point BeforeCommit", failure.Message);
        Assert.Null(await StoredAsync(drill, id));
        Assert.Equal(State.Planned, (await drill.Get<CycleApplication>().GetAsync(id, None)).State);
        var run = Assert.Single((await drill.Get<SnapshotApplication>().ListRunsAsync(id, 10, null, null, None)).Rows);
        Assert.Equal(Outcome.Running, run.Outcome);

        // The same worker after a restart, without the drill: its pass closes the run it left, the snapshot is stored.
        await using var restarted = await CoreHost.StartOnSameDatabaseAsync(drill);
        Assert.Equal(1, await restarted.Get<SnapshotProducer>().AbandonLeftoverRunsAsync(Snapshots.Policy("w"), None));
        var closed = await RunAsync(restarted, id, run.Id);
        Assert.Equal(Outcome.Failed, closed.Outcome);
        Assert.StartsWith("abandoned", closed.Error);
        Assert.Equal(Outcome.Succeeded, (await Snapshots.TakeAsync(restarted, id)).Outcome);
        Assert.Equal(State.SnapshotTaken, (await restarted.Get<CycleApplication>().GetAsync(id, None)).State);
    }

    [Fact]
    public async Task A_cycle_whose_dates_or_scope_changed_since_the_due_query_is_skipped_and_other_edits_are_not()
    {
        await using var host = await storage.StartAsync();
        var cycles = host.Get<CycleApplication>();
        var producer = host.Get<SnapshotProducer>();
        var rescoped = await NewCycleAsync(host, new DateOnly(2023, 3, 31));
        var renamed = await NewCycleAsync(host, new DateOnly(2023, 6, 30));
        var dueRescoped = await Snapshots.DueAsync(host, rescoped);
        var dueRenamed = await Snapshots.DueAsync(host, renamed);
        Snapshots.MovePastCutoff(host, dueRenamed);
        await cycles.UpdateAsync(rescoped, null, ["scope"], new CycleDraft { Scope = ["actionConcepts/idk"] }, CoreHost.Writer, None);
        await cycles.UpdateAsync(renamed, null, ["title"], new CycleDraft { Title = "Umbenannt" }, CoreHost.Writer, None);

        var runRescoped = await producer.StartRunAsync(rescoped, "w", None);
        var skipped = await producer.StoreAsync(runRescoped, dueRescoped, Snapshots.Empty(dueRescoped), Snapshots.Policy("w"), None);
        var runRenamed = await producer.StartRunAsync(renamed, "w", None);
        var stored = await producer.StoreAsync(runRenamed, dueRenamed, Snapshots.Empty(dueRenamed), Snapshots.Policy("w"), None);

        Assert.Equal(Outcome.Skipped, skipped.Outcome);
        Assert.Contains("scope all action concepts → actionConcepts/idk", skipped.Reason);
        Assert.Null(await StoredAsync(host, rescoped));
        Assert.Equal(State.Planned, (await cycles.GetAsync(rescoped, None)).State);
        Assert.Equal(skipped.Reason, (await RunAsync(host, rescoped, runRescoped)).Error);
        Assert.Equal(Outcome.Succeeded, stored.Outcome);
        Assert.Equal("Umbenannt", (await cycles.GetAsync(renamed, None)).Title);
    }

    [Fact]
    public async Task A_snapshot_is_not_stored_before_its_cutoff_and_settle_delay()
    {
        await using var host = await storage.StartAsync();
        // Its cut-off lies ahead of the host's clock (2026-11-25).
        var id = await NewCycleAsync(host, new DateOnly(2027, 3, 31));
        var due = await Snapshots.DueAsync(host, id);
        host.Clock.SetUtcNow(due.KnownAt + TimeSpan.FromMinutes(1));
        var producer = host.Get<SnapshotProducer>();

        Assert.Empty(await producer.DueCyclesAsync(TimeSpan.FromMinutes(2), None));
        var run = await producer.StartRunAsync(id, "w", None);
        var early = await producer.StoreAsync(run, due, Snapshots.Empty(due), Snapshots.Policy("w"), None);

        Assert.Equal(Outcome.Skipped, early.Outcome);
        Assert.Contains("not due before", early.Reason);
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(id, Assert.Single(await producer.DueCyclesAsync(TimeSpan.FromMinutes(2), None)).Id);
    }

    [Fact]
    public async Task The_attempt_finishes_its_own_run_even_after_another_replica_took_it_for_abandoned()
    {
        await using var host = await storage.StartAsync();
        var id = await NewCycleAsync(host, new DateOnly(2024, 6, 30));
        var due = await Snapshots.DueAsync(host, id);
        Snapshots.MovePastCutoff(host, due);
        var producer = host.Get<SnapshotProducer>();
        var run = await producer.StartRunAsync(id, "slow", None);
        // Its heartbeat stopped (say the database was away for it): another replica closes it.
        host.Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(1, await producer.AbandonLeftoverRunsAsync(Snapshots.Policy("other"), None));

        var result = await producer.StoreAsync(run, due, Snapshots.Empty(due), Snapshots.Policy("slow"), None);

        Assert.Equal(Outcome.Succeeded, result.Outcome);
        var finished = await RunAsync(host, id, run);
        Assert.Equal((Outcome.Succeeded, (string?)null), (finished.Outcome, finished.Error));
        Assert.Equal(run, (await StoredAsync(host, id))!.RunId);
    }

    [Fact]
    public async Task Lists_snapshots_and_runs_and_finds_the_latest_earlier_snapshot_of_the_same_scope()
    {
        await using var host = await storage.StartAsync();
        var references = new[] { new DateOnly(2023, 6, 30), new DateOnly(2023, 3, 31), new DateOnly(2023, 9, 30) };
        var ids = new List<(string Id, DateOnly Reference)>();
        foreach (var reference in references)
        {
            var id = await NewCycleAsync(host, reference);
            Assert.Equal(Outcome.Succeeded, (await Snapshots.TakeAsync(host, id)).Outcome);
            ids.Add((id, reference));
        }
        var scoped = await NewCycleAsync(host, new DateOnly(2023, 8, 31), "actionConcepts/idk");
        Assert.Equal(Outcome.Succeeded, (await Snapshots.TakeAsync(host, scoped)).Outcome);
        var ordered = ids.OrderBy(x => x.Reference).ToList();

        var store = host.Get<SnapshotStore>();
        Assert.Equal(ordered[1].Id, (await host.ReadAsync(db => store.LatestEarlierAsync(db, [], ordered[2].Reference, None)))!.CycleId);
        Assert.Null(await host.ReadAsync(db => store.LatestEarlierAsync(db, [], ordered[0].Reference, None)));
        Assert.Equal(scoped, (await host.ReadAsync(db => store.LatestEarlierAsync(db, ["actionConcepts/idk"], new DateOnly(2024, 1, 1), None)))!.CycleId);
        Assert.Equal(["actionConcepts/idk"], (await StoredAsync(host, scoped))!.Scope);
        var snapshots = host.Get<SnapshotApplication>();
        IReadOnlyList<string> all = [.. new[] { ordered[0].Id, ordered[1].Id, scoped, ordered[2].Id }.Select(ReportingNames.Cycles.Format)];
        var first = await snapshots.ListAsync(3, null, null, SnapshotView.Full, long.MaxValue, None);
        var second = await snapshots.ListAsync(3, first.NextPageToken, null, SnapshotView.Full, long.MaxValue, None);
        Assert.Equal(all, first.Rows.Concat(second.Rows).Select(s => s.Cycle));
        Assert.Equal("", second.NextPageToken);
        var later = await snapshots.ListAsync(10, null, $"reference_date > {ordered[0].Reference.ToString("yyyy-MM-dd", null)}", SnapshotView.Basic, long.MaxValue, None);
        Assert.Equal(all.Skip(1), later.Rows.Select(s => s.Cycle));

        // A page of FULL snapshots also ends before its snapshots exceed the byte budget; the pages still cover all.
        static int Size(IntegrationServices.Contracts.Reporting.V1.Snapshot s) => 1 + Google.Protobuf.CodedOutputStream.ComputeMessageSize(s);
        var budget = first.Rows.Concat(second.Rows).Max(Size) * 3 / 2;
        var pages = new List<IReadOnlyList<IntegrationServices.Contracts.Reporting.V1.Snapshot>>();
        var token = "";
        do
        {
            var page = await snapshots.ListAsync(10, token, null, SnapshotView.Full, budget, None);
            pages.Add(page.Rows);
            token = page.NextPageToken;
        } while (token.Length > 0);
        Assert.Equal(all, pages.SelectMany(p => p).Select(s => s.Cycle));
        Assert.True(pages.Count > 1);
        Assert.All(pages, p => Assert.True(p.Count == 1 || p.Sum(Size) <= budget, $"a page of {p.Count} holds {p.Sum(Size)} bytes, over {budget}"));

        var succeeded = await snapshots.ListRunsAsync(ordered[0].Id, 10, null, "outcome = SUCCEEDED", None);
        var run = Assert.Single(succeeded.Rows);
        Assert.Equal(ordered[0].Id, run.CycleId);
        Assert.Equal(run.StartTime, run.HeartbeatTime);
        Assert.Null(run.NextAttemptTime);
        Assert.Empty((await snapshots.ListRunsAsync(null, 10, null, "outcome = FAILED", None)).Rows);
    }
}

public sealed class SqliteSnapshotStorageTests() : SnapshotStorageContract(new SqliteStorage());

public sealed class SqlServerSnapshotStorageTests(SqlServerDatabases databases)
    : SnapshotStorageContract(new SqlServerStorage(databases)), IClassFixture<SqlServerDatabases>;
