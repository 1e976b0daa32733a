using Role = IntegrationServices.Contracts.Reporting.V1.Consultation.Types.Role;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;

namespace IntegrationServices.Reporting.Core.Domain;

/// <summary>The council paper (Vorlage) of a cycle.</summary>
public sealed record Paper(string? Reference, string? PaperType, string? Title, string? UnderDirectionOf, DateOnly? Date)
{
    public static readonly Paper Empty = new(null, null, null, null, null);

    /// <summary>A paper without any field is no paper: the cycle stores none.</summary>
    public static Paper? OrNone(Paper paper) => paper == Empty ? null : paper;
}

/// <summary>One entry of the Beratungsfolge.</summary>
public sealed record ConsultationEntry(
    int Order, string Organization, Role Role, bool Authoritative, DateOnly? MeetingDate, bool Public,
    string? Result, bool Postponed)
{
    public bool HasResult => !string.IsNullOrEmpty(Result);
}

/// <summary>
/// The fields of a cycle a caller gives (a create, an import, or the values an update names): checked
/// for form by the API, combined with the stored cycle by <see cref="CycleRules"/>.
/// </summary>
public sealed record CycleDraft
{
    public string Title { get; init; } = "";
    public string Description { get; init; } = "";
    public DateOnly? ReferenceDate { get; init; }
    public DateOnly? ReportingDate { get; init; }
    /// <summary>Sorted, distinct action concept names; empty = all.</summary>
    public IReadOnlyList<string> Scope { get; init; } = [];
    public Paper? Paper { get; init; }
    /// <summary>Ordered by <see cref="ConsultationEntry.Order"/>.</summary>
    public IReadOnlyList<ConsultationEntry> Consultations { get; init; } = [];
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

    public string Name => ReportingNames.Cycles.Format(Id);

    public string Etag => Version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public DateTime KnowledgeCutoff => ReportingCalendar.KnowledgeCutoff(ReportingDate);
}
