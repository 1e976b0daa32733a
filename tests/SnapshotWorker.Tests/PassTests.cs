using Dapper;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Domain;

namespace IntegrationServices.SnapshotWorker.Tests;

/// <summary>What one pass of the worker snapshots: due cycles oldest first, on time or late, in scope.</summary>
public sealed class PassTests
{
    [Fact]
    public async Task Missed_cycles_are_caught_up_oldest_first_with_changes_against_the_previous()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(AfterQ3);
        var worker = await env.StartWorkerAsync();

        var attempts = await Worker(worker).RunOnceAsync(CancellationToken.None);

        Assert.Equal(["q1", "q2", "q3"], attempts.Select(a => a.CycleId));
        Assert.All(attempts, a => Assert.Equal(Outcome.Succeeded, a.Outcome));
        Assert.Equal(attempts.Select(a => a.RunId).Order(), attempts.Select(a => a.RunId));
        var q1 = (await env.StoredAsync("q1"))!.ToProto();
        var q2 = (await env.StoredAsync("q2"))!.ToProto();
        var q3 = (await env.StoredAsync("q3"))!.ToProto();

        Assert.Equal("", q1.Changes.Base);
        Assert.Equal(4, q1.Measures.Total);
        Assert.Equal(2, Status(q1, MeasureStatus.InProgress));
        Assert.Equal(52.5, q1.Measures.AverageProgressPercent);
        Assert.Equal(["1", "2", "3", "8"], q1.Measures.ByFieldOfAction.Select(g => g.Key));
        Assert.Equal(["actionConcepts/fluechtlinge", "actionConcepts/idk"], q1.Measures.ByActionConcept.Select(g => g.Key));
        Assert.Equal("Integration durch Konsens", q1.Measures.ByActionConcept[1].Title);
        Assert.Equal("50 Fachbereich Soziales und Gesundheit", q1.Measures.ByResponsibleUnit[0].Title);
        Assert.False(string.IsNullOrEmpty(q1.Measures.ByFieldOfAction[0].Title));

        Assert.Equal("reportingCycles/q1/snapshot", q2.Changes.Base);
        var change = Assert.Single(q2.Changes.StatusChanges);
        Assert.Equal(("M1", MeasureStatus.InProgress, MeasureStatus.Implemented, 60, 100),
            (change.Code, change.OldStatus, change.NewStatus, change.OldProgressPercent, change.NewProgressPercent));
        Assert.Equal("M5", Assert.Single(q2.Changes.NewMeasures).Code);
        Assert.Equal("M4", Assert.Single(q2.Changes.RetiredMeasures).Code);
        var population = q2.Changes.IndicatorDeltas.Single(d => d.Area == "areas/0" && d.Indicator == "population_total");
        Assert.Equal((250000, 251000, 1000), (population.BaseValue, population.TargetValue, population.Delta));
        Assert.Equal("areas/0", q2.Changes.IndicatorDeltas[0].Area);

        Assert.Equal("reportingCycles/q2/snapshot", q3.Changes.Base);
        Assert.Equal("M2", Assert.Single(q3.Changes.StatusChanges).Code);

        Assert.Empty(await Worker(worker).RunOnceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_late_snapshot_is_identical_to_one_taken_on_time()
    {
        await using var env = await StartAsync();
        // On time: the morning after the reporting date (cut-off 2025-04-02 22:00 UTC).
        await env.SeedUntilAsync(Utc(2025, 4, 3, 8));
        var q1 = (await env.Producer.DueCyclesAsync(TimeSpan.FromMinutes(2), CancellationToken.None)).Single();
        Assert.Equal(new DateTime(2025, 4, 2, 22, 0, 0, DateTimeKind.Utc), q1.KnownAt);
        var computation = env.Computation;
        var onTime = await computation.ComputeAsync(q1.Input(SnapshotAggregator.Latest), null, CancellationToken.None);

        // After the cut-off: a new status, a correction of an old status, a renamed measure, a new
        // measure adopted long ago, a revised statistic.
        env.Clock.MoveTo(Utc(2025, 4, 5));
        await env.StatusAsync("M1", MeasureStatus.Implemented, 100, D(2025, 3, 30));
        await env.StatusAsync("M2", MeasureStatus.Discontinued, 50, D(2025, 2, 1));
        await env.MeasuresAdmin.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = env.MeasureNames["M3"], Title = "Umbenannt nach dem Stichtag (Beispiel)" },
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "title" } },
        });
        await env.CreateMeasureAsync("M9", "idk", 5, "50", D(2024, 1, 1));
        await env.ObservationsAsync(D(2024, 12, 31), ("0", 250500, 40100, 70200));

        // The late data is really there for anyone asking without the cut-off.
        var now = await computation.ComputeAsync(q1.Input(SnapshotAggregator.Latest) with { KnownAt = env.Clock.GetUtcNow().UtcDateTime }, null, CancellationToken.None);
        Assert.NotEqual(onTime.Sha256, now.Sha256);
        Assert.Equal(5, now.Snapshot.Measures.Total);

        // Days late: the worker was down until 2025-04-10.
        env.Clock.MoveTo(Utc(2025, 4, 10));
        var worker = await env.StartWorkerAsync();
        var attempt = Assert.Single(await Worker(worker).RunOnceAsync(CancellationToken.None));

        Assert.Equal(Outcome.Succeeded, attempt.Outcome);
        Assert.Equal(onTime.Sha256, attempt.Sha256);
        var stored = await env.StoredAsync("q1");
        Assert.Equal(onTime.Content, stored!.Content);
        var snapshot = stored.ToProto();
        Assert.Equal(4, snapshot.Measures.Total);
        var m1 = snapshot.Measures.Entries.Single(e => e.Code == "M1");
        Assert.Equal(MeasureStatus.InProgress, m1.Status);
        Assert.Equal(60, m1.ProgressPercent);
        Assert.Equal(MeasureStatus.InProgress, snapshot.Measures.Entries.Single(e => e.Code == "M2").Status);
        Assert.Equal("Maßnahme M3 (Beispiel)", snapshot.Measures.Entries.Single(e => e.Code == "M3").Title);
        Assert.Equal(250000, snapshot.Demographics.City.PopulationTotal);
    }

    [Fact]
    public async Task A_scoped_cycle_holds_only_its_action_concepts()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 3, 1));
        await env.CreateCycleAsync("idk-only", D(2025, 3, 31), D(2025, 4, 2), "actionConcepts/idk");
        env.Clock.MoveTo(Utc(2025, 4, 3));
        var worker = await env.StartWorkerAsync();

        await Worker(worker).RunOnceAsync(CancellationToken.None);

        var snapshot = (await env.StoredAsync("idk-only"))!.ToProto();
        Assert.Equal(["M1", "M2"], snapshot.Measures.Entries.Select(e => e.Code));
        Assert.Equal(4, (await env.StoredAsync("q1"))!.ToProto().Measures.Total);
    }

    [Fact]
    public async Task A_cycle_that_keeps_failing_does_not_block_the_others()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(AfterQ3);
        // q1's snapshot can never be stored: the reporting database refuses it.
        await env.QueryReportingAsync(c => c.ExecuteAsync("""
            CREATE TRIGGER q1_always_fails BEFORE INSERT ON snapshots WHEN NEW.cycle_id = 'q1'
            BEGIN SELECT RAISE(ABORT, 'this cycle always fails'); END
            """));
        var worker = await env.StartWorkerAsync();

        var first = await Worker(worker).RunOnceAsync(CancellationToken.None);
        var second = await Worker(worker).RunOnceAsync(CancellationToken.None);
        env.Clock.MoveTo(first[0].NextAttemptTime!.Value);
        var third = await Worker(worker).RunOnceAsync(CancellationToken.None);

        Assert.Equal([("q1", Outcome.Failed), ("q2", Outcome.Succeeded), ("q3", Outcome.Succeeded)], first.Select(a => (a.CycleId, a.Outcome)));
        Assert.Empty(second); // q1 waits for its backoff
        Assert.Equal(("q1", Outcome.Failed), (Assert.Single(third).CycleId, third[0].Outcome));
        var runs = await env.RunsAsync("q1");
        Assert.Equal(["FAILED", "FAILED"], runs.Select(r => r.Outcome));
        Assert.All(runs, r => Assert.Contains("this cycle always fails", r.Error));
        Assert.Equal(State.Planned, (await env.CycleAsync("q1")).State);
        Assert.Equal(0, await env.SnapshotCountAsync("q1"));
    }

    private static int Status(Snapshot s, MeasureStatus status) => s.Measures.ByStatus.Single(c => c.Status == status).Count;
}
