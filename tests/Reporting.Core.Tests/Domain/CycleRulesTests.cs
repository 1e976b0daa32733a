using IntegrationServices.Reporting.Core.Domain;
using Role = IntegrationServices.Contracts.Reporting.V1.Consultation.Types.Role;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;

namespace IntegrationServices.Reporting.Core.Tests.Domain;

/// <summary>The state machine and edit rules of a cycle, without storage or API.</summary>
public sealed class CycleRulesTests
{
    private static readonly DateTime Now = new(2026, 1, 2, 9, 0, 0, DateTimeKind.Utc);

    private static Cycle Planned(params ConsultationEntry[] consultations) => CycleRules.New("c", new CycleDraft
    {
        Title = "Zyklus",
        ReferenceDate = new DateOnly(2025, 12, 31),
        ReportingDate = new DateOnly(2026, 3, 31),
        Paper = new Paper("30-00001", "Mitteilung", "Bericht", null, null),
        Consultations = consultations,
    }, Now.AddDays(-10));

    private static ConsultationEntry Entry(int order, string? result = null) =>
        new(order, $"Ausschuss {order}", Role.Information, false, new DateOnly(2026, 4, order), true, result, false);

    private static CycleRuleViolationException Refused(Action change) => Assert.Throws<CycleRuleViolationException>(change);

    [Fact]
    public void A_new_cycle_is_planned_at_version_one()
    {
        var cycle = Planned();
        Assert.Equal((State.Planned, 1L, "reportingCycles/c"), (cycle.State, cycle.Version, cycle.Name));
        Assert.Equal(cycle.CreateTime, cycle.UpdateTime);
    }

    [Fact]
    public void Update_applies_only_the_named_fields_and_single_fields_of_the_paper()
    {
        var values = new CycleDraft { Title = "Neu", Description = "nicht genannt", Paper = new Paper("x", null, "Neuer Betreff", null, new DateOnly(2026, 5, 1)) };
        var updated = CycleRules.Update(Planned(), ["title", "paper.title", "paper.date"], values, Now);

        Assert.Equal("Neu", updated.Title);
        Assert.Equal("", updated.Description);
        Assert.Equal(new Paper("30-00001", "Mitteilung", "Neuer Betreff", null, new DateOnly(2026, 5, 1)), updated.Paper);
        Assert.Equal((2L, Now), (updated.Version, updated.UpdateTime));
    }

    [Fact]
    public void Update_clears_a_paper_whose_every_field_is_cleared()
    {
        var updated = CycleRules.Update(Planned() with { Paper = new Paper("1", null, null, null, null) }, ["paper.reference"], new CycleDraft(), Now);
        Assert.Null(updated.Paper);
    }

    [Fact]
    public void Update_refuses_a_reporting_date_before_the_reference_date_on_the_field()
    {
        var v = Refused(() => CycleRules.Update(Planned(), ["reporting_date"], new CycleDraft { ReportingDate = new DateOnly(2025, 1, 1) }, Now));
        Assert.Equal("reporting_date", v.Field);
        Assert.Contains("choose a reporting date on or after 2025-12-31", v.Message);
    }

    [Fact]
    public void Once_the_snapshot_is_taken_dates_and_scope_are_frozen_and_the_consultations_only_until_a_result()
    {
        var taken = CycleRules.SnapshotTaken(Planned(Entry(1), Entry(2)), "reportingCycles/c/snapshot", Now);
        Assert.Equal((State.SnapshotTaken, "reportingCycles/c/snapshot"), (taken.State, taken.Snapshot));

        var frozen = Refused(() => CycleRules.Update(taken, ["scope"], new CycleDraft { Scope = ["actionConcepts/idk"] }, Now));
        Assert.Equal(("SNAPSHOT_ALREADY_TAKEN", null), (frozen.Reason, frozen.Field));
        Assert.Single(CycleRules.Update(taken, ["consultations"], new CycleDraft { Consultations = [Entry(1)] }, Now).Consultations);

        var inConsultation = CycleRules.RecordResult(taken, 1, "zur Kenntnis genommen", false, null, Now).Updated;
        Assert.Equal(State.InConsultation, inConsultation.State);
        Assert.Equal("CONSULTATION_UNDER_WAY",
            Refused(() => CycleRules.Update(inConsultation, ["consultations"], new CycleDraft { Consultations = [Entry(1)] }, Now)).Reason);
        Assert.Equal("NOT_PLANNED", Refused(() => CycleRules.SnapshotTaken(taken, "reportingCycles/c/snapshot", Now)).Reason);
    }

    [Fact]
    public void A_snapshot_of_a_cycle_with_every_result_on_record_closes_it()
    {
        var closed = CycleRules.SnapshotTaken(Planned(Entry(1, "zur Kenntnis genommen")), "reportingCycles/c/snapshot", Now);
        Assert.Equal(State.Closed, closed.State);
    }

    [Fact]
    public void Cancel_only_from_planned()
    {
        var cancelled = CycleRules.Cancel(Planned(), Now);
        Assert.Equal(State.Cancelled, cancelled.State);
        Assert.Equal("ALREADY_CANCELLED", Refused(() => CycleRules.Cancel(cancelled, Now)).Reason);
        Assert.Equal("CYCLE_FINISHED", Refused(() => CycleRules.Update(cancelled, ["title"], new CycleDraft { Title = "x" }, Now)).Reason);
        var taken = CycleRules.SnapshotTaken(Planned(), "reportingCycles/c/snapshot", Now);
        Assert.Equal("SNAPSHOT_ALREADY_TAKEN", Refused(() => CycleRules.Cancel(taken, Now)).Reason);
    }

    [Fact]
    public void Results_need_the_snapshot_an_existing_order_and_are_never_overwritten()
    {
        var planned = Planned(Entry(1), Entry(2));
        Assert.Equal("SNAPSHOT_NOT_TAKEN", Refused(() => CycleRules.RecordResult(planned, 1, "x", false, null, Now)).Reason);

        var taken = CycleRules.SnapshotTaken(planned, "reportingCycles/c/snapshot", Now);
        var unknown = Refused(() => CycleRules.RecordResult(taken, 7, "x", false, null, Now));
        Assert.Equal("order", unknown.Field);
        Assert.Contains("orders: 1, 2", unknown.Message);

        var recorded = CycleRules.RecordResult(taken, 1, "  zur Kenntnis genommen ", false, null, Now);
        Assert.Equal("zur Kenntnis genommen", recorded.Entry.Result);
        Assert.Null(recorded.Added);
        Assert.Equal("RESULT_ALREADY_RECORDED", Refused(() => CycleRules.RecordResult(recorded.Updated, 1, "anders", false, null, Now)).Reason);
        Assert.Equal(State.Closed, CycleRules.RecordResult(recorded.Updated, 2, "zur Kenntnis genommen", false, null, Now).Updated.State);
    }

    [Fact]
    public void A_postponement_keeps_the_entry_and_adds_a_later_one_for_the_same_committee()
    {
        var taken = CycleRules.SnapshotTaken(Planned(Entry(1)), "reportingCycles/c/snapshot", Now);
        Assert.Equal("next_meeting_date", Refused(() => CycleRules.RecordResult(taken, 1, null, true, new DateOnly(2026, 4, 1), Now)).Field);

        var postponed = CycleRules.RecordResult(taken, 1, null, true, new DateOnly(2026, 6, 1), Now);
        Assert.Equal((CycleRules.PostponedResult, true), (postponed.Entry.Result, postponed.Entry.Postponed));
        Assert.Equal(Entry(1) with { Order = 2, MeetingDate = new DateOnly(2026, 6, 1) }, postponed.Added);
        Assert.Equal(State.InConsultation, postponed.Updated.State);
        Assert.Equal([1, 2], postponed.Updated.Consultations.Select(c => c.Order));
    }
}
