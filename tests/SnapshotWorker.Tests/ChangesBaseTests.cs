namespace IntegrationServices.SnapshotWorker.Tests;

/// <summary>
/// Which snapshot a new one is compared with: the latest earlier snapshot of the same scope that exists
/// when it is stored (read under the store lock). A cycle that fails does not hold the next one back: the
/// next is compared with what exists, and the failed cycle, once taken, with what existed before it then.
/// Snapshots are never rewritten, so a later one does not change an earlier one's changes.
/// </summary>
public sealed class ChangesBaseTests
{
    private static string Base(SnapshotEnvironment env, string cycleId) => env.StoredAsync(cycleId).Result!.ToProto().Changes.Base;

    [Fact]
    public async Task A_scoped_cycle_is_compared_with_the_latest_earlier_snapshot_of_its_own_scope_and_the_others_skip_it()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(AfterQ3);
        await env.CreateCycleAsync("idk-may", D(2025, 5, 15), D(2025, 5, 20), "actionConcepts/idk");
        var worker = await env.StartWorkerAsync();

        var pass = await Worker(worker).RunOnceAsync(CancellationToken.None);

        Assert.Equal(["q1", "idk-may", "q2", "q3"], pass.Select(a => a.CycleId));
        Assert.All(pass, a => Assert.Equal(Outcome.Succeeded, a.Outcome));
        var scoped = (await env.StoredAsync("idk-may"))!.ToProto();
        Assert.Equal("", scoped.Changes.Base);
        Assert.Empty(scoped.Changes.RetiredMeasures);
        var q2 = (await env.StoredAsync("q2"))!.ToProto();
        Assert.Equal("reportingCycles/q1/snapshot", q2.Changes.Base);
        Assert.Equal(["M4"], q2.Changes.RetiredMeasures.Select(e => e.Code));
        Assert.Equal("reportingCycles/q2/snapshot", Base(env, "q3"));
    }

    [Fact]
    public async Task A_snapshot_is_compared_with_a_predecessor_that_another_replica_stored_while_it_was_computed()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(AfterQ3);
        // Replica A takes q1 only (its statistics calls for q2 and q3 fail).
        var a = await env.StartWorkerAsync(workerId: "replica-a",
            wrapDemographics: new CallHook("SummarizeAreas", (call, _) => call >= 2 ? throw CallHook.Unreachable() : Task.CompletedTask).Handler());
        // Replica B fails q1; while it computes q2, A's pass (once q1's backoff is over) stores q1.
        var b = await env.StartWorkerAsync(workerId: "replica-b",
            wrapDemographics: new CallHook("SummarizeAreas", async (call, ct) =>
            {
                if (call == 1) throw CallHook.Unreachable();
                if (call != 2) return;
                env.Clock.Advance(TimeSpan.FromMinutes(1));
                await Worker(a).RunOnceAsync(ct);
            }).Handler());

        var pass = await Worker(b).RunOnceAsync(CancellationToken.None);

        Assert.Equal(["q2", "q3"], pass.Where(x => x.Outcome == Outcome.Succeeded).Select(x => x.CycleId));
        Assert.Equal("replica-a", (await env.RunsAsync("q1")).Single(r => r.Outcome == "SUCCEEDED").Worker);
        Assert.Equal("reportingCycles/q1/snapshot", Base(env, "q2"));
        Assert.Equal("reportingCycles/q2/snapshot", Base(env, "q3"));
    }

    [Fact]
    public async Task A_failed_cycle_does_not_hold_the_next_back_and_is_compared_later_with_what_existed_before_it()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(AfterQ3);
        // q2's statistics call fails once.
        var worker = await env.StartWorkerAsync(
            wrapDemographics: new CallHook("SummarizeAreas", (call, _) => call == 2 ? throw CallHook.Unreachable() : Task.CompletedTask).Handler());

        var first = await Worker(worker).RunOnceAsync(CancellationToken.None);
        Assert.Equal(["q1", "q3"], first.Where(x => x.Outcome == Outcome.Succeeded).Select(x => x.CycleId));
        Assert.Equal("reportingCycles/q1/snapshot", Base(env, "q3"));

        env.Clock.Advance(TimeSpan.FromMinutes(1));
        var later = Assert.Single(await Worker(worker).RunOnceAsync(CancellationToken.None));

        Assert.Equal(("q2", Outcome.Succeeded), (later.CycleId, later.Outcome));
        Assert.Equal("reportingCycles/q1/snapshot", Base(env, "q2"));
        Assert.Equal("reportingCycles/q1/snapshot", Base(env, "q3"));
    }

    [Fact]
    public async Task Across_the_2021_district_reform_earlier_districts_are_mapped_onto_the_new_ones_before_deltas_are_taken()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Start);
        // Two reports of older Stichtage, planned in 2025: before the reform (19 districts) and after it (12).
        await env.CreateCycleAsync("r2020", D(2020, 12, 31), D(2025, 2, 20));
        await env.CreateCycleAsync("r2022", D(2022, 12, 31), D(2025, 2, 21));
        // Innenstadt (131) and Viewegsgarten-Bebelhof (132) became Mitte (130) on 2021-11-01.
        await env.ObservationsAsync(D(2020, 12, 31), ("0", 248000, 39000, 68000), ("131-bis-2021", 10000, 2000, 4000), ("132-bis-2021", 15000, 1500, 3500));
        await env.ObservationsAsync(D(2022, 12, 31), ("0", 249500, 39800, 69500), ("130", 26000, 4000, 8000));
        env.Clock.MoveTo(Utc(2025, 2, 25));
        var worker = await env.StartWorkerAsync();

        var pass = await Worker(worker).RunOnceAsync(CancellationToken.None);

        Assert.Equal(["r2020", "r2022"], pass.Where(x => x.Outcome == Outcome.Succeeded).Select(x => x.CycleId));
        var changes = (await env.StoredAsync("r2022"))!.ToProto().Changes;
        Assert.Equal("reportingCycles/r2020/snapshot", changes.Base);
        var mitte = changes.IndicatorDeltas.Where(d => d.Area == "areas/130").ToDictionary(d => d.Indicator);
        Assert.Equal((25000.0, 26000.0, 1000.0), (mitte["population_total"].BaseValue, mitte["population_total"].TargetValue, mitte["population_total"].Delta));
        Assert.Equal(500, mitte["foreign_nationals"].Delta);
        Assert.Equal((30.0, 30.77, 0.77), (mitte["migration_background_share_percent"].BaseValue, mitte["migration_background_share_percent"].TargetValue,
            mitte["migration_background_share_percent"].Delta));
        Assert.DoesNotContain(changes.IndicatorDeltas, d => d.Area is "areas/131-bis-2021" or "areas/132-bis-2021");
        Assert.Equal(1500, changes.IndicatorDeltas.Single(d => d.Area == "areas/0" && d.Indicator == "population_total").Delta);
    }
}
