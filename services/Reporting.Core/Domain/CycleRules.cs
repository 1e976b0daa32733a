using IntegrationServices.ServiceDefaults.Api;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;

namespace IntegrationServices.Reporting.Core.Domain;

/// <summary>A recorded committee outcome: the cycle after it, the entry it was recorded on, and the later entry a postponement added.</summary>
public sealed record RecordedResult(Cycle Updated, ConsultationEntry Entry, ConsultationEntry? Added);

/// <summary>
/// The rules of a reporting cycle: which edits each state allows, and the state machine
/// PLANNED → SNAPSHOT_TAKEN → IN_CONSULTATION → CLOSED (or PLANNED → CANCELLED). Pure functions over
/// <see cref="Cycle"/>; a refused change is a <see cref="CycleRuleViolationException"/>.
/// </summary>
public static class CycleRules
{
    public const int MaxConsultations = 200;
    public const string PostponedResult = "zurückgestellt";

    /// <summary>Why a reporting date cannot go with a reference date, or null when it can.</summary>
    public static string? DatesConflict(DateOnly? referenceDate, DateOnly? reportingDate) =>
        referenceDate is { } reference && reportingDate is { } reporting && reporting < reference
            ? $"{reporting.Iso()} is before the reference date {reference.Iso()}; the snapshot can only be taken on or after the Stichtag, so choose a reporting date on or after {reference.Iso()}"
            : null;

    /// <summary>A new PLANNED cycle from a complete draft (both dates given).</summary>
    public static Cycle New(string id, CycleDraft draft, DateTime now) => new()
    {
        Id = id,
        Title = draft.Title,
        Description = draft.Description,
        ReferenceDate = draft.ReferenceDate ?? throw new ArgumentException("A new cycle needs its reference date.", nameof(draft)),
        ReportingDate = draft.ReportingDate ?? throw new ArgumentException("A new cycle needs its reporting date.", nameof(draft)),
        Scope = draft.Scope,
        Paper = draft.Paper,
        Consultations = draft.Consultations,
        State = State.Planned,
        Version = 1,
        CreateTime = now,
        UpdateTime = now,
    };

    /// <summary>
    /// Applies the fields <paramref name="paths"/> names (top-level fields, or "paper.&lt;field&gt;" for one
    /// field of the paper) from <paramref name="values"/>. Dates and scope change only while PLANNED;
    /// paper and consultations while PLANNED or SNAPSHOT_TAKEN; nothing once CLOSED or CANCELLED.
    /// </summary>
    public static Cycle Update(Cycle current, IReadOnlyList<string> paths, CycleDraft values, DateTime now)
    {
        RequireOpen(current, "updated");
        var updated = current;
        foreach (var path in paths)
            updated = path switch
            {
                "title" => updated with { Title = values.Title },
                "description" => updated with { Description = values.Description },
                "reference_date" => updated with { ReferenceDate = values.ReferenceDate ?? throw Missing(path) },
                "reporting_date" => updated with { ReportingDate = values.ReportingDate ?? throw Missing(path) },
                "scope" => updated with { Scope = values.Scope },
                "paper" => updated with { Paper = values.Paper },
                "consultations" => updated with { Consultations = values.Consultations },
                _ when path.StartsWith("paper.", StringComparison.Ordinal) =>
                    updated with { Paper = Paper.OrNone(WithPaperField(updated.Paper ?? Paper.Empty, path["paper.".Length..], values.Paper ?? Paper.Empty)) },
                _ => throw new ArgumentException($"'{path}' is not an updatable field of a cycle.", nameof(paths)),
            };
        if (DatesConflict(updated.ReferenceDate, updated.ReportingDate) is { } conflict)
            throw CycleRuleViolationException.Value("reporting_date", conflict);

        if (current.State != State.Planned)
        {
            var frozen = new List<string>();
            if (updated.ReferenceDate != current.ReferenceDate) frozen.Add("reference_date");
            if (updated.ReportingDate != current.ReportingDate) frozen.Add("reporting_date");
            if (!updated.Scope.SequenceEqual(current.Scope)) frozen.Add("scope");
            if (frozen.Count > 0)
                throw CycleRuleViolationException.State("SNAPSHOT_ALREADY_TAKEN",
                    $"{current.Name} is {StateName(current)}: its snapshot was taken with the current {string.Join(" and ", frozen)}, which can no longer change. Plan a new cycle (CreateReportingCycle) for another Stichtag or scope.");
            if (paths.Contains("consultations") && current.State != State.SnapshotTaken)
                throw CycleRuleViolationException.State("CONSULTATION_UNDER_WAY",
                    $"{current.Name} is {StateName(current)}: results have been recorded, so the Beratungsfolge can no longer be replaced; record outcomes (and postponements) with RecordConsultationResult.");
        }
        return updated with { Version = current.Version + 1, UpdateTime = now };
    }

    private static ArgumentException Missing(string path) => new($"The update names '{path}' but gives no value for it.");

    private static Paper WithPaperField(Paper paper, string field, Paper source) => field switch
    {
        "reference" => paper with { Reference = source.Reference },
        "paper_type" => paper with { PaperType = source.PaperType },
        "title" => paper with { Title = source.Title },
        "under_direction_of" => paper with { UnderDirectionOf = source.UnderDirectionOf },
        "date" => paper with { Date = source.Date },
        _ => throw new ArgumentException($"'paper.{field}' is not a field of the paper.", nameof(field)),
    };

    /// <summary>PLANNED → CANCELLED.</summary>
    public static Cycle Cancel(Cycle cycle, DateTime now)
    {
        if (cycle.State == State.Cancelled)
            throw CycleRuleViolationException.State("ALREADY_CANCELLED", $"{cycle.Name} is already CANCELLED.");
        if (cycle.State != State.Planned)
            throw CycleRuleViolationException.State("SNAPSHOT_ALREADY_TAKEN",
                $"{cycle.Name} is {StateName(cycle)}: only a PLANNED cycle can be cancelled, since its snapshot is already taken and on record. Leave it to run through its consultations.");
        return cycle with { State = State.Cancelled, Version = cycle.Version + 1, UpdateTime = now };
    }

    /// <summary>PLANNED → SNAPSHOT_TAKEN (the worker's path); results already on record (historical
    /// data) move it on to IN_CONSULTATION or CLOSED at once.</summary>
    public static Cycle SnapshotTaken(Cycle cycle, string snapshotName, DateTime now)
    {
        if (cycle.State != State.Planned)
            throw CycleRuleViolationException.State("NOT_PLANNED",
                $"{cycle.Name} is {StateName(cycle)}; a snapshot can only be taken of a PLANNED cycle.");
        return cycle with { State = Progress(cycle.Consultations, State.SnapshotTaken), Snapshot = snapshotName, Version = cycle.Version + 1, UpdateTime = now };
    }

    /// <summary>
    /// Records a committee's outcome (<paramref name="result"/> already checked for form; empty only when
    /// postponed). Postponed: the entry keeps postponed = true and its result ("zurückgestellt" unless
    /// given), and the same committee gets a new entry at the end with <paramref name="nextMeetingDate"/>
    /// (or no date yet).
    /// </summary>
    public static RecordedResult RecordResult(Cycle cycle, int order, string? result, bool postponed, DateOnly? nextMeetingDate, DateTime now)
    {
        if (cycle.State == State.Planned)
            throw CycleRuleViolationException.State("SNAPSHOT_NOT_TAKEN",
                $"{cycle.Name} is PLANNED: consultation results can only be recorded after the snapshot was taken on the reporting date {cycle.ReportingDate.Iso()}. Wait for the snapshot (or, for historical data, use ImportOParlPaper).");
        RequireOpen(cycle, "changed");

        var entry = cycle.Consultations.FirstOrDefault(c => c.Order == order)
            ?? throw CycleRuleViolationException.Value("order", $"{cycle.Name} has no consultation with order {order}; orders: {string.Join(", ", cycle.Consultations.Select(c => c.Order))}");
        if (entry.HasResult)
            throw CycleRuleViolationException.State("RESULT_ALREADY_RECORDED",
                $"Consultation {order} ({entry.Organization}) of {cycle.Name} already has the result '{entry.Result}'; results are not overwritten. A postponed item continues in the committee's later entry.");
        if (postponed && nextMeetingDate is { } next && entry.MeetingDate is { } meeting && next <= meeting)
            throw CycleRuleViolationException.Value("next_meeting_date", $"{next.Iso()} is not after the postponed meeting on {meeting.Iso()}; give the date of the later meeting");

        var text = string.IsNullOrWhiteSpace(result) ? PostponedResult : result.Trim();
        var recorded = entry with { Result = text, Postponed = postponed };
        var consultations = cycle.Consultations.Select(c => c.Order == order ? recorded : c).ToList();
        ConsultationEntry? added = null;
        if (postponed)
        {
            if (consultations.Count >= MaxConsultations)
                throw CycleRuleViolationException.State("TOO_MANY_CONSULTATIONS", $"{cycle.Name} already has {MaxConsultations} consultations.");
            added = entry with { Order = consultations.Max(c => c.Order) + 1, MeetingDate = nextMeetingDate, Result = null, Postponed = false };
            consultations.Add(added);
        }
        var updated = cycle with
        {
            Consultations = consultations,
            State = Progress(consultations, cycle.State),
            Version = cycle.Version + 1,
            UpdateTime = now,
        };
        return new RecordedResult(updated, recorded, added);
    }

    private static State Progress(IReadOnlyList<ConsultationEntry> consultations, State otherwise) =>
        consultations.Count > 0 && consultations.All(c => c.HasResult) ? State.Closed
        : consultations.Any(c => c.HasResult) ? State.InConsultation
        : otherwise;

    private static void RequireOpen(Cycle cycle, string what)
    {
        if (cycle.State is State.Closed or State.Cancelled)
            throw CycleRuleViolationException.State("CYCLE_FINISHED",
                $"{cycle.Name} is {StateName(cycle)} and cannot be {what}; plan a new cycle instead.");
    }

    private static string StateName(Cycle cycle) => ProtoEnum<State>.Name(cycle.State);
}
