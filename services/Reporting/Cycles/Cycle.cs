using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.ServiceDefaults.Errors;
using Role = IntegrationServices.Contracts.Reporting.V1.Consultation.Types.Role;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;

namespace IntegrationServices.Reporting.Cycles;

/// <summary>The council paper (Vorlage) of a cycle.</summary>
public sealed record Paper(string? Reference, string? PaperType, string? Title, string? UnderDirectionOf, DateOnly? Date)
{
    public bool IsEmpty => Reference is null && PaperType is null && Title is null && UnderDirectionOf is null && Date is null;
}

/// <summary>One entry of the Beratungsfolge.</summary>
public sealed record ConsultationEntry(
    int Order, string Organization, Role Role, bool Authoritative, DateOnly? MeetingDate, bool Public,
    string? Result, bool Postponed)
{
    public bool HasResult => !string.IsNullOrEmpty(Result);
}

/// <summary>A reporting cycle as the domain sees it (storage-neutral, immutable).</summary>
public sealed record Cycle
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public string Description { get; init; } = "";
    public required DateOnly ReferenceDate { get; init; }
    public required DateOnly ReportingDate { get; init; }
    /// <summary>Sorted, distinct action concept names; empty = all.</summary>
    public IReadOnlyList<string> Scope { get; init; } = [];
    public Paper? Paper { get; init; }
    /// <summary>Ordered by <see cref="ConsultationEntry.Order"/>.</summary>
    public IReadOnlyList<ConsultationEntry> Consultations { get; init; } = [];
    public State State { get; init; } = State.Planned;
    public string? Snapshot { get; init; }
    public long Version { get; init; }
    public DateTime CreateTime { get; init; }
    public DateTime UpdateTime { get; init; }

    public string Name => CycleNames.Format(Id);

    public string Etag => Version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public DateTime KnowledgeCutoff => ReportingCalendar.KnowledgeCutoff(ReportingDate);
}

/// <summary>Text forms of the enums as stored (the proto value names).</summary>
public static class EnumText
{
    public static string Of(State state) => state switch
    {
        State.Planned => "PLANNED",
        State.SnapshotTaken => "SNAPSHOT_TAKEN",
        State.InConsultation => "IN_CONSULTATION",
        State.Closed => "CLOSED",
        State.Cancelled => "CANCELLED",
        _ => "STATE_UNSPECIFIED",
    };

    public static State ParseState(string text) => text switch
    {
        "PLANNED" => State.Planned,
        "SNAPSHOT_TAKEN" => State.SnapshotTaken,
        "IN_CONSULTATION" => State.InConsultation,
        "CLOSED" => State.Closed,
        "CANCELLED" => State.Cancelled,
        _ => throw new FormatException($"'{text}' is not a state (PLANNED, SNAPSHOT_TAKEN, IN_CONSULTATION, CLOSED, CANCELLED)"),
    };

    public static string Of(Role role) => role switch
    {
        Role.Information => "INFORMATION",
        Role.Preliminary => "PRELIMINARY",
        Role.Decision => "DECISION",
        Role.Hearing => "HEARING",
        _ => "ROLE_UNSPECIFIED",
    };

    public static Role ParseRole(string text) => text switch
    {
        "INFORMATION" => Role.Information,
        "PRELIMINARY" => Role.Preliminary,
        "DECISION" => Role.Decision,
        "HEARING" => Role.Hearing,
        _ => Role.Unspecified,
    };
}

/// <summary>Resource names <c>reportingCycles/{id}</c> and the id rule (AIP-122).</summary>
public static partial class CycleNames
{
    public const string Prefix = "reportingCycles/";

    public static string Format(string id) => Prefix + id;

    public static bool IsValidId(string id) => IdPattern().IsMatch(id);

    public static string IdRule => "must be 1–63 characters of lower-case letters, digits and '-', starting and ending with a letter or digit (e.g. \"2018\")";

    /// <summary>The id of a cycle name, or INVALID_ARGUMENT on <paramref name="field"/>.</summary>
    public static string ParseId(string? name, string field = "name")
    {
        if (string.IsNullOrEmpty(name)) throw ServiceException.Invalid(field, "is required, e.g. \"reportingCycles/2018\"");
        if (!name.StartsWith(Prefix, StringComparison.Ordinal) || !IsValidId(name[Prefix.Length..]))
            throw ServiceException.Invalid(field, $"'{name}' is not a reporting cycle name; expected \"reportingCycles/{{id}}\", e.g. \"reportingCycles/2018\"");
        return name[Prefix.Length..];
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial System.Text.RegularExpressions.Regex IdPattern();
}
