using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Auditing;
using Role = IntegrationServices.Contracts.Reporting.V1.Consultation.Types.Role;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;

namespace IntegrationServices.Reporting.Core.Application;

/// <summary>
/// What each write to a cycle records in the audit trail, with values in the form the API shows them
/// (ISO dates, proto enum names, the paper and the Beratungsfolge field by field).
/// </summary>
public static class CycleAudit
{
    public static AuditChange Created(Cycle cycle) => AuditChange.Created()
        .Set("title", cycle.Title)
        .Set("description", cycle.Description)
        .Set("reference_date", cycle.ReferenceDate.Iso())
        .Set("reporting_date", cycle.ReportingDate.Iso())
        .Set("scope", cycle.Scope)
        .Set("paper", Paper(cycle.Paper))
        .Set("consultations", Consultations(cycle.Consultations))
        .Set("state", State(cycle.State));

    /// <summary>Old and new value of every field the mask touched ("paper.title" touches "paper").</summary>
    public static AuditChange Updated(IReadOnlyList<string> mask, Cycle current, Cycle updated)
    {
        var change = AuditChange.Updated(mask);
        foreach (var field in mask.Select(p => p.Split('.')[0]).Distinct())
        {
            (object? Old, object? New) values = field switch
            {
                "title" => (current.Title, updated.Title),
                "description" => (current.Description, updated.Description),
                "reference_date" => (current.ReferenceDate.Iso(), updated.ReferenceDate.Iso()),
                "reporting_date" => (current.ReportingDate.Iso(), updated.ReportingDate.Iso()),
                "scope" => (current.Scope, updated.Scope),
                "paper" => (Paper(current.Paper), Paper(updated.Paper)),
                "consultations" => (Consultations(current.Consultations), Consultations(updated.Consultations)),
                _ => throw new ArgumentException($"'{field}' is not an updatable field of a cycle.", nameof(mask)),
            };
            change.Set(field, values.Old, values.New);
        }
        return change;
    }

    public static AuditChange Cancelled(Cycle current, Cycle updated) =>
        AuditChange.Of("cancelled").Set("state", State(current.State), State(updated.State));

    public static AuditChange ResultRecorded(Cycle current, RecordedResult recorded, DateOnly? nextMeetingDate)
    {
        var change = AuditChange.Of("recorded")
            .Set("order", recorded.Entry.Order)
            .Set("organization", recorded.Entry.Organization)
            .Set("result", recorded.Entry.Result)
            .Set("postponed", recorded.Entry.Postponed);
        if (recorded.Added is { } added)
            change.Set("added_order", added.Order).Set("next_meeting_date", nextMeetingDate?.Iso());
        return change.Set("state", State(current.State), State(recorded.Updated.State));
    }

    public static AuditChange SnapshotTaken(Cycle current, Cycle updated) =>
        AuditChange.Of("snapshot_taken")
            .Set("snapshot", updated.Snapshot)
            .Set("state", State(current.State), State(updated.State));

    private static string State(State state) => ProtoEnum<State>.Name(state);

    private static Dictionary<string, object?>? Paper(Paper? paper) => paper is null ? null : new()
    {
        ["reference"] = paper.Reference,
        ["paper_type"] = paper.PaperType,
        ["title"] = paper.Title,
        ["under_direction_of"] = paper.UnderDirectionOf,
        ["date"] = paper.Date?.Iso(),
    };

    private static List<Dictionary<string, object?>> Consultations(IReadOnlyList<ConsultationEntry> consultations) =>
        consultations.Select(c => new Dictionary<string, object?>
        {
            ["order"] = c.Order,
            ["organization"] = c.Organization,
            ["role"] = ProtoEnum<Role>.Name(c.Role),
            ["authoritative"] = c.Authoritative,
            ["meeting_date"] = c.MeetingDate?.Iso(),
            ["public"] = c.Public,
            ["result"] = c.Result,
            ["postponed"] = c.Postponed,
        }).ToList();
}
