using IntegrationServices.Reporting.Core.Domain;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;

namespace IntegrationServices.Reporting.Core.Tests.Domain;

/// <summary>When a snapshot is due, how long a failing cycle waits, and when an attempt gives way.</summary>
public sealed class SnapshotScheduleTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(2);

    // Reporting date 2025-04-02: cut-off 2025-04-02 22:00 UTC (summer time in Berlin).
    private static readonly DateTime Cutoff = new(2025, 4, 2, 22, 0, 0, DateTimeKind.Utc);

    private static Cycle Cycle(long version = 3) => new()
    {
        Id = "q1", Title = "Q1", ReferenceDate = new DateOnly(2025, 3, 31), ReportingDate = new DateOnly(2025, 4, 2), Version = version,
    };

    private static readonly DueCycle Seen = new("q1", new DateOnly(2025, 3, 31), new DateOnly(2025, 4, 2), [], 3);

    [Fact]
    public void A_cycle_is_due_only_once_the_settle_delay_past_its_cutoff_has_passed_and_the_query_bound_agrees()
    {
        var reporting = new DateOnly(2025, 4, 2);
        foreach (var now in new[] { Cutoff, Cutoff + Settle - TimeSpan.FromTicks(1), Cutoff + Settle, Cutoff + TimeSpan.FromDays(3), Cutoff - TimeSpan.FromDays(1) })
        {
            var due = SnapshotSchedule.IsDue(reporting, now, Settle);
            Assert.Equal(now >= Cutoff + Settle, due);
            Assert.Equal(due, reporting < SnapshotSchedule.DueBefore(now, Settle));
        }
    }

    [Fact]
    public void The_backoff_doubles_per_failure_in_a_row_up_to_its_cap()
    {
        var delays = Enumerable.Range(1, 8).Select(n => SnapshotSchedule.Backoff(n, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5))).ToList();
        Assert.Equal([5, 10, 20, 40, 80, 160, 300, 300], delays.Select(d => d.TotalSeconds));
        Assert.Equal(TimeSpan.FromMinutes(5), SnapshotSchedule.Backoff(int.MaxValue, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void An_attempt_gives_way_to_a_cycle_that_is_gone_taken_no_longer_planned_redefined_or_not_due()
    {
        var now = Cutoff + Settle;
        Assert.Null(SnapshotSchedule.SkipReason(Seen, Cycle(), hasSnapshot: false, now, Settle));
        // Edits that leave dates and scope alone (title, paper, consultations) do not matter.
        Assert.Null(SnapshotSchedule.SkipReason(Seen, Cycle(version: 5) with { Title = "neu" }, false, now, Settle));

        Assert.Equal("the cycle no longer exists", SnapshotSchedule.SkipReason(Seen, null, false, now, Settle));
        Assert.StartsWith("another worker", SnapshotSchedule.SkipReason(Seen, Cycle(), hasSnapshot: true, now, Settle));
        Assert.Equal("the cycle is CANCELLED", SnapshotSchedule.SkipReason(Seen, Cycle(4) with { State = State.Cancelled }, false, now, Settle));
        var moved = SnapshotSchedule.SkipReason(Seen, Cycle(4) with { ReferenceDate = new DateOnly(2098, 12, 31), ReportingDate = new DateOnly(2099, 1, 1) }, false, now, Settle);
        Assert.Contains("reference date 2025-03-31 → 2098-12-31, reporting date 2025-04-02 → 2099-01-01", moved);
        Assert.Contains("the next pass takes the snapshot of the cycle as it is now", moved);
        Assert.Contains("scope all action concepts → actionConcepts/idk",
            SnapshotSchedule.SkipReason(Seen, Cycle(4) with { Scope = ["actionConcepts/idk"] }, false, now, Settle));
        Assert.Contains("not due before 2025-04-02 22:02:00 UTC", SnapshotSchedule.SkipReason(Seen, Cycle(), false, now - TimeSpan.FromSeconds(1), Settle));
    }
}
