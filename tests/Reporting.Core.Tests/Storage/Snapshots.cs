using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.Testing;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;

namespace IntegrationServices.Reporting.Core.Tests.Storage;

/// <summary>Snapshots to store in storage tests, and the worker's steps to store them.</summary>
public static class Snapshots
{
    public static readonly SnapshotSources NoSources = new([], CatalogueTitles.None, new SummarizeAreasResponse(), []);

    public static AttemptPolicy Policy(string workerId) =>
        new(workerId, SettleDelay: TimeSpan.FromMinutes(2), AbandonAfter: TimeSpan.FromMinutes(15), RetryBaseDelay: TimeSpan.FromSeconds(5), RetryMaxDelay: TimeSpan.FromMinutes(30));

    /// <summary>The cycle as the due query reads it.</summary>
    public static async Task<DueCycle> DueAsync(TestHost host, string cycleId)
    {
        var cycle = await host.Get<CycleApplication>().GetAsync(cycleId, CancellationToken.None);
        return new DueCycle(cycle.Id, cycle.ReferenceDate, cycle.ReportingDate, cycle.Scope, cycle.Version);
    }

    /// <summary>The snapshot of a cycle without measures and statistics, as the latest rules aggregate it.</summary>
    public static Snapshot Empty(DueCycle cycle) => SnapshotAggregator.Aggregate(cycle.Input(SnapshotAggregator.Latest), NoSources);

    /// <summary>What a worker does once the cycle is due: moves the host's clock past the cut-off and the settle delay, opens a run and stores.</summary>
    public static async Task<(Outcome Outcome, long RunId)> TakeAsync(TestHost host, string cycleId, string workerId = "w")
    {
        var due = await DueAsync(host, cycleId);
        MovePastCutoff(host, due);
        var producer = host.Get<SnapshotProducer>();
        var run = await producer.StartRunAsync(cycleId, workerId, CancellationToken.None);
        return ((await producer.StoreAsync(run, due, Empty(due), Policy(workerId), CancellationToken.None)).Outcome, run);
    }

    public static void MovePastCutoff(TestHost host, DueCycle due)
    {
        var dueAt = due.KnownAt + Policy("w").SettleDelay;
        if (host.Clock.GetUtcNow() < dueAt) host.Clock.SetUtcNow(dueAt);
    }
}
