using Google.Protobuf.Collections;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Errors;
using Role = IntegrationServices.Contracts.Reporting.V1.Consultation.Types.Role;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;

namespace IntegrationServices.Reporting.Cycles;

/// <summary>
/// The rules of a reporting cycle: what a valid cycle is, which edits each state allows, and the
/// state machine PLANNED → SNAPSHOT_TAKEN → IN_CONSULTATION → CLOSED (or PLANNED → CANCELLED).
/// Pure functions over <see cref="Cycle"/>; storage and audit live in the repository.
/// </summary>
public static class CycleRules
{
    public const int MaxConsultations = 200;
    public const string PostponedResult = "zurückgestellt";

    // ---- input ------------------------------------------------------------------------------

    public static DateOnly? Date(Google.Type.Date? date, string field, Validator validator)
    {
        try { return ProtoConvert.ToDateOnly(date, field); }
        catch (ServiceException e) { foreach (var v in e.Violations) validator.Add(v.Field, v.Description); return null; }
    }

    public static IReadOnlyList<string> Scope(IEnumerable<string> scope, string field, Validator validator)
    {
        var list = new SortedSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var item in scope)
        {
            if (!item.StartsWith("actionConcepts/", StringComparison.Ordinal) || item.Length == "actionConcepts/".Length || item.Length > 200
                || item["actionConcepts/".Length..].Any(c => c == '/' || char.IsWhiteSpace(c)))
                validator.Add($"{field}[{i}]", $"'{item}' is not an action concept name; expected \"actionConcepts/{{id}}\"");
            else list.Add(item);
            i++;
        }
        return list.ToList();
    }

    public static Paper? Paper(CouncilPaper? paper, string field, Validator validator)
    {
        if (paper is null) return null;
        validator.Text(paper.Reference, $"{field}.reference", 64, required: false)
            .Text(paper.PaperType, $"{field}.paper_type", 100, required: false)
            .Text(paper.Title, $"{field}.title", 1000, required: false)
            .Text(paper.UnderDirectionOf, $"{field}.under_direction_of", 400, required: false);
        var result = new Paper(Blank(paper.Reference), Blank(paper.PaperType), Blank(paper.Title), Blank(paper.UnderDirectionOf),
            Date(paper.Date, $"{field}.date", validator));
        return result.IsEmpty ? null : result;
    }

    /// <summary>
    /// Consultations of a create or update: orders given (unique, positive) or all 0 (then numbered by
    /// position); no results — those are recorded with RecordConsultationResult once the snapshot is taken.
    /// </summary>
    public static IReadOnlyList<ConsultationEntry> Consultations(RepeatedField<Consultation> consultations, string field, Validator validator)
    {
        if (consultations.Count > MaxConsultations)
        {
            validator.Add(field, $"must have at most {MaxConsultations} entries (got {consultations.Count})");
            return [];
        }
        var numberByPosition = consultations.All(c => c.Order == 0);
        var seen = new HashSet<int>();
        var entries = new List<ConsultationEntry>();
        for (var i = 0; i < consultations.Count; i++)
        {
            var c = consultations[i];
            var path = $"{field}[{i}]";
            var order = numberByPosition ? i + 1 : c.Order;
            if (order <= 0) validator.Add($"{path}.order", "must be positive (or 0 for every entry, to number them by position)");
            else if (!seen.Add(order)) validator.Add($"{path}.order", $"{order} is used twice; every consultation needs its own order");
            validator.Text(c.Organization, $"{path}.organization", 400);
            if (c.Role == Role.Unspecified || !Enum.IsDefined(c.Role))
                validator.Add($"{path}.role", "is required: INFORMATION, PRELIMINARY, DECISION or HEARING");
            if (!string.IsNullOrEmpty(c.Result) || c.Postponed)
                validator.Add($"{path}.result", "results cannot be set here; record them with RecordConsultationResult once the snapshot is taken");
            entries.Add(new ConsultationEntry(order, c.Organization?.Trim() ?? "", c.Role, c.Authoritative,
                Date(c.MeetingDate, $"{path}.meeting_date", validator), c.Public, null, false));
        }
        return entries.OrderBy(e => e.Order).ToList();
    }

    public static void CheckDates(DateOnly? referenceDate, DateOnly? reportingDate, string prefix, Validator validator)
    {
        if (referenceDate is { } reference && reportingDate is { } reporting && reporting < reference)
            validator.Add($"{prefix}reporting_date",
                $"{reporting.Iso()} is before the reference date {reference.Iso()}; the snapshot can only be taken on or after the Stichtag, so choose a reporting date on or after {reference.Iso()}");
    }

    /// <summary>A new cycle from a create request (state PLANNED, no results).</summary>
    public static Cycle New(ReportingCycle input, string id, DateTime now)
    {
        var v = new Validator();
        const string p = "reporting_cycle";
        v.Text(input.Title, $"{p}.title", 400).FreeText(input.Description, $"{p}.description", 4000, required: false);
        var reference = Date(input.ReferenceDate, $"{p}.reference_date", v);
        var reporting = Date(input.ReportingDate, $"{p}.reporting_date", v);
        if (input.ReferenceDate is null) v.Add($"{p}.reference_date", "is required (the Stichtag)");
        if (input.ReportingDate is null) v.Add($"{p}.reporting_date", "is required (the date the snapshot is due)");
        CheckDates(reference, reporting, $"{p}.", v);
        var scope = Scope(input.Scope, $"{p}.scope", v);
        var paper = Paper(input.Paper, $"{p}.paper", v);
        var consultations = Consultations(input.Consultations, $"{p}.consultations", v);
        v.ThrowIfInvalid();
        return new Cycle
        {
            Id = id,
            Title = input.Title.Trim(),
            Description = input.Description?.Trim() ?? "",
            ReferenceDate = reference!.Value,
            ReportingDate = reporting!.Value,
            Scope = scope,
            Paper = paper,
            Consultations = consultations,
            State = State.Planned,
            Version = 1,
            CreateTime = now,
            UpdateTime = now,
        };
    }

    // ---- update -----------------------------------------------------------------------------

    public static readonly IReadOnlyList<string> UpdatablePaths =
        ["title", "description", "reference_date", "reporting_date", "scope", "paper", "consultations"];

    /// <summary>
    /// Applies the masked fields of <paramref name="input"/> to <paramref name="current"/>. Returns the
    /// new cycle and the change (old/new per path) for the audit trail. Dates and scope only while
    /// PLANNED; paper and consultations while PLANNED or SNAPSHOT_TAKEN; nothing once CLOSED/CANCELLED.
    /// </summary>
    public static (Cycle Updated, Dictionary<string, object?> Change) Update(Cycle current, ReportingCycle input, IReadOnlyList<string> paths, DateTime now)
    {
        RequireOpen(current, "updated");
        var v = new Validator();
        const string p = "reporting_cycle";
        var updated = current;
        var change = new Dictionary<string, object?>();
        var paperFields = new List<string>();
        foreach (var path in paths.Distinct())
        {
            switch (path)
            {
                case "title":
                    v.Text(input.Title, $"{p}.title", 400);
                    updated = updated with { Title = input.Title?.Trim() ?? "" };
                    change[path] = new { old = current.Title, @new = updated.Title };
                    break;
                case "description":
                    v.FreeText(input.Description, $"{p}.description", 4000, required: false);
                    updated = updated with { Description = input.Description?.Trim() ?? "" };
                    change[path] = new { old = current.Description, @new = updated.Description };
                    break;
                case "reference_date":
                    if (Date(input.ReferenceDate, $"{p}.reference_date", v) is { } reference) updated = updated with { ReferenceDate = reference };
                    else v.Add($"{p}.reference_date", "is required (the Stichtag)");
                    change[path] = new { old = current.ReferenceDate.Iso(), @new = updated.ReferenceDate.Iso() };
                    break;
                case "reporting_date":
                    if (Date(input.ReportingDate, $"{p}.reporting_date", v) is { } reporting) updated = updated with { ReportingDate = reporting };
                    else v.Add($"{p}.reporting_date", "is required (the date the snapshot is due)");
                    change[path] = new { old = current.ReportingDate.Iso(), @new = updated.ReportingDate.Iso() };
                    break;
                case "scope":
                    updated = updated with { Scope = Scope(input.Scope, $"{p}.scope", v) };
                    change[path] = new { old = current.Scope, @new = updated.Scope };
                    break;
                case "paper":
                    updated = updated with { Paper = Paper(input.Paper, $"{p}.paper", v) };
                    change[path] = new { old = current.Paper, @new = updated.Paper };
                    break;
                case "consultations":
                    updated = updated with { Consultations = Consultations(input.Consultations, $"{p}.consultations", v) };
                    change[path] = new { old = current.Consultations, @new = updated.Consultations };
                    break;
                default:
                    if (path.StartsWith("paper.", StringComparison.Ordinal) && path[6..] is "reference" or "paper_type" or "title" or "under_direction_of" or "date")
                    {
                        paperFields.Add(path[6..]);
                        break;
                    }
                    v.Add("update_mask", $"'{path}' cannot be updated; updatable: {string.Join(", ", UpdatablePaths)} (or paper.reference, paper.paper_type, paper.title, paper.under_direction_of, paper.date)");
                    break;
            }
        }
        if (paperFields.Count > 0 && !change.ContainsKey("paper"))
        {
            var source = Paper(input.Paper ?? new CouncilPaper(), $"{p}.paper", v) ?? new Paper(null, null, null, null, null);
            var paper = current.Paper ?? new Paper(null, null, null, null, null);
            foreach (var f in paperFields)
                paper = f switch
                {
                    "reference" => paper with { Reference = source.Reference },
                    "paper_type" => paper with { PaperType = source.PaperType },
                    "title" => paper with { Title = source.Title },
                    "under_direction_of" => paper with { UnderDirectionOf = source.UnderDirectionOf },
                    _ => paper with { Date = source.Date },
                };
            updated = updated with { Paper = paper.IsEmpty ? null : paper };
            change["paper"] = new { old = current.Paper, @new = updated.Paper };
        }
        CheckDates(updated.ReferenceDate, updated.ReportingDate, $"{p}.", v);
        v.ThrowIfInvalid();

        if (current.State != State.Planned)
        {
            var frozen = new List<string>();
            if (updated.ReferenceDate != current.ReferenceDate) frozen.Add("reference_date");
            if (updated.ReportingDate != current.ReportingDate) frozen.Add("reporting_date");
            if (!updated.Scope.SequenceEqual(current.Scope)) frozen.Add("scope");
            if (frozen.Count > 0)
                throw ServiceException.FailedPrecondition("SNAPSHOT_ALREADY_TAKEN",
                    $"{current.Name} is {EnumText.Of(current.State)}: its snapshot was taken with the current {string.Join(" and ", frozen)}, which can no longer change. Plan a new cycle (CreateReportingCycle) for another Stichtag or scope.");
            if (change.ContainsKey("consultations") && current.State != State.SnapshotTaken)
                throw ServiceException.FailedPrecondition("CONSULTATION_UNDER_WAY",
                    $"{current.Name} is {EnumText.Of(current.State)}: results have been recorded, so the Beratungsfolge can no longer be replaced; record outcomes (and postponements) with RecordConsultationResult.");
        }
        return (updated with { Version = current.Version + 1, UpdateTime = now }, change);
    }

    // ---- state machine ----------------------------------------------------------------------

    private static void RequireOpen(Cycle cycle, string what)
    {
        if (cycle.State is State.Closed or State.Cancelled)
            throw ServiceException.FailedPrecondition("CYCLE_FINISHED",
                $"{cycle.Name} is {EnumText.Of(cycle.State)} and cannot be {what}; plan a new cycle instead.");
    }

    /// <summary>PLANNED → CANCELLED.</summary>
    public static Cycle Cancel(Cycle cycle, DateTime now)
    {
        if (cycle.State == State.Cancelled)
            throw ServiceException.FailedPrecondition("ALREADY_CANCELLED", $"{cycle.Name} is already CANCELLED.");
        if (cycle.State != State.Planned)
            throw ServiceException.FailedPrecondition("SNAPSHOT_ALREADY_TAKEN",
                $"{cycle.Name} is {EnumText.Of(cycle.State)}: only a PLANNED cycle can be cancelled, since its snapshot is already taken and on record. Leave it to run through its consultations.");
        return cycle with { State = State.Cancelled, Version = cycle.Version + 1, UpdateTime = now };
    }

    /// <summary>PLANNED → SNAPSHOT_TAKEN (the worker's path); results already on record (historical
    /// data) move it on to IN_CONSULTATION or CLOSED at once.</summary>
    public static Cycle SnapshotTaken(Cycle cycle, string snapshotName, DateTime now)
    {
        if (cycle.State != State.Planned)
            throw ServiceException.FailedPrecondition("NOT_PLANNED",
                $"{cycle.Name} is {EnumText.Of(cycle.State)}; a snapshot can only be taken of a PLANNED cycle.");
        return cycle with { State = Progress(cycle.Consultations, State.SnapshotTaken), Snapshot = snapshotName, Version = cycle.Version + 1, UpdateTime = now };
    }

    private static State Progress(IReadOnlyList<ConsultationEntry> consultations, State otherwise) =>
        consultations.Count > 0 && consultations.All(c => c.HasResult) ? State.Closed
        : consultations.Any(c => c.HasResult) ? State.InConsultation
        : otherwise;

    /// <summary>
    /// Records a committee's outcome. Postponed: the entry keeps postponed = true and its result
    /// ("zurückgestellt" unless given), and the same committee gets a new entry at the end with
    /// <paramref name="nextMeetingDate"/> (or no date yet).
    /// </summary>
    public static (Cycle Updated, object Change) RecordResult(Cycle cycle, int order, string? result, bool postponed, DateOnly? nextMeetingDate, DateTime now)
    {
        var v = new Validator();
        if (order <= 0) v.Add("order", "must be the positive order of a consultation of the cycle");
        if (!postponed) v.FreeText(result, "result", 1000, required: true);
        else v.FreeText(result, "result", 1000, required: false);
        if (!postponed && nextMeetingDate is not null) v.Add("next_meeting_date", "is only used with postponed = true");
        v.ThrowIfInvalid();

        if (cycle.State == State.Planned)
            throw ServiceException.FailedPrecondition("SNAPSHOT_NOT_TAKEN",
                $"{cycle.Name} is PLANNED: consultation results can only be recorded after the snapshot was taken on the reporting date {cycle.ReportingDate.Iso()}. Wait for the snapshot (or, for historical data, use ImportOParlPaper).");
        RequireOpen(cycle, "changed");

        var entry = cycle.Consultations.FirstOrDefault(c => c.Order == order)
            ?? throw ServiceException.Invalid("order", $"{cycle.Name} has no consultation with order {order}; orders: {string.Join(", ", cycle.Consultations.Select(c => c.Order))}");
        if (entry.HasResult)
            throw ServiceException.FailedPrecondition("RESULT_ALREADY_RECORDED",
                $"Consultation {order} ({entry.Organization}) of {cycle.Name} already has the result '{entry.Result}'; results are not overwritten. A postponed item continues in the committee's later entry.");
        if (postponed && nextMeetingDate is { } next && entry.MeetingDate is { } meeting && next <= meeting)
            throw ServiceException.Invalid("next_meeting_date", $"{next.Iso()} is not after the postponed meeting on {meeting.Iso()}; give the date of the later meeting");

        var text = string.IsNullOrWhiteSpace(result) ? PostponedResult : result.Trim();
        var consultations = cycle.Consultations.Select(c => c.Order == order ? c with { Result = text, Postponed = postponed } : c).ToList();
        ConsultationEntry? added = null;
        if (postponed)
        {
            if (consultations.Count >= MaxConsultations)
                throw ServiceException.FailedPrecondition("TOO_MANY_CONSULTATIONS", $"{cycle.Name} already has {MaxConsultations} consultations.");
            added = entry with { Order = consultations.Max(c => c.Order) + 1, MeetingDate = nextMeetingDate, Result = null, Postponed = false };
            consultations.Add(added);
        }
        var state = Progress(consultations, cycle.State);
        var updated = cycle with { Consultations = consultations, State = state, Version = cycle.Version + 1, UpdateTime = now };
        return (updated, new
        {
            order,
            organization = entry.Organization,
            result = text,
            postponed,
            added_order = added?.Order,
            next_meeting_date = nextMeetingDate?.Iso(),
            state = new { old = EnumText.Of(cycle.State), @new = EnumText.Of(state) },
        });
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
