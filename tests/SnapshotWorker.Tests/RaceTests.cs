namespace IntegrationServices.SnapshotWorker.Tests;

/// <summary>Several worker replicas on one reporting database: every snapshot is taken exactly once.</summary>
public sealed class RaceTests
{
    [Fact]
    public async Task Two_concurrent_workers_take_each_snapshot_exactly_once()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 8, 2));
        for (var month = 1; month <= 5; month++)
            await env.CreateCycleAsync($"extra-{month}", D(2025, month, 15), D(2025, month, 20));
        env.Clock.MoveTo(AfterQ3);
        // Each worker's calls of SummarizeAreas, the last read of an attempt, wait for the other's call for
        // the same cycle (both go through the due cycles in the same order), so both race to store each one.
        var meet = new Rendezvous();
        var one = await env.StartWorkerAsync(workerId: "worker-a", wrapDemographics: meet.Handler());
        var two = await env.StartWorkerAsync(workerId: "worker-b", wrapDemographics: meet.Handler());

        var passes = await Task.WhenAll(Worker(one).RunOnceAsync(CancellationToken.None), Worker(two).RunOnceAsync(CancellationToken.None));

        string[] cycles = ["q1", "q2", "q3", "extra-1", "extra-2", "extra-3", "extra-4", "extra-5"];
        Assert.Equal(cycles.Length * 2, passes.Sum(p => p.Count));
        foreach (var id in cycles)
        {
            Assert.Equal(1, await env.SnapshotCountAsync(id));
            var cycle = await env.CycleAsync(id);
            Assert.Equal(State.SnapshotTaken, cycle.State);
            Assert.Equal($"reportingCycles/{id}/snapshot", cycle.Snapshot);
            var runs = await env.RunsAsync(id);
            Assert.Equal(2, runs.Count);
            Assert.Single(runs, r => r.Outcome == "SUCCEEDED");
            Assert.Single(runs, r => r.Outcome == "SKIPPED");
            Assert.Equal(["worker-a", "worker-b"], runs.Select(r => r.Worker!).Order());
        }
    }
}

/// <summary>
/// Makes two workers meet at each of their SummarizeAreas calls: the k-th call of one worker returns
/// only once the other has made its k-th call, too.
/// </summary>
public sealed class Rendezvous
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, Gate> _gates = new();

    /// <summary>The handler factory wrap of one worker (its own call count).</summary>
    public Func<HttpMessageHandler, HttpMessageHandler> Handler()
    {
        var calls = new StrongBox();
        return inner => new MeetingHandler(this, calls, inner);
    }

    private async Task MeetAsync(int call, CancellationToken ct)
    {
        var gate = _gates.GetOrAdd(call, _ => new Gate());
        if (Interlocked.Increment(ref gate.Arrived) == 2) gate.Both.TrySetResult();
        await gate.Both.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
    }

    private sealed class StrongBox
    {
        public int Value;
    }

    private sealed class Gate
    {
        public int Arrived;
        public readonly TaskCompletionSource Both = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class MeetingHandler(Rendezvous rendezvous, StrongBox calls, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var response = await base.SendAsync(request, ct);
            if (request.RequestUri!.AbsolutePath.EndsWith("/SummarizeAreas", StringComparison.Ordinal))
                await rendezvous.MeetAsync(Interlocked.Increment(ref calls.Value), ct);
            return response;
        }
    }
}
