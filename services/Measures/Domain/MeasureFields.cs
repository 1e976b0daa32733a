using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.ServiceDefaults.Api;

namespace IntegrationServices.Measures.Domain;

/// <summary>
/// The versioned fields of a measure: what CreateMeasure sets and UpdateMeasure changes. Every change is
/// a new version, so that a read with <c>known_at</c> finds the fields as they were then. Action concept
/// and adoption date are absent only for a further activity (<see cref="KindProblems()"/>).
/// </summary>
public sealed record MeasureFields(
    string Code, string Title, string Description, string? ActionConceptId, int FieldOfAction,
    string ResponsibleUnitId, long? ParentId, DateOnly? AdoptedOn, MeasureKind Kind = MeasureKind.CouncilAdopted)
{
    public const int MaxCode = 50, MaxTitle = 200, MaxDescription = 4000;

    /// <summary>The fields of action are numbered 1 to 8 (the structure since 2018).</summary>
    public const int FirstFieldOfAction = 1, LastFieldOfAction = 8;

    /// <summary>The field paths of a measure, in the order of the resource (the paths an update mask may name).</summary>
    public static readonly IReadOnlyList<string> Paths =
        ["code", "title", "description", "action_concept", "field_of_action", "responsible_unit", "parent", "adopted_on", "kind"];

    /// <summary>
    /// A council-adopted measure belongs to an adopted concept and has its adoption date; a further
    /// activity (work beyond the adopted concepts) may lack both. Each missing field is one violation.
    /// </summary>
    public IEnumerable<(string Path, string Problem)> KindProblems() => KindProblems(Kind, ActionConceptId, AdoptedOn);

    /// <inheritdoc cref="KindProblems()"/>
    public static IEnumerable<(string Path, string Problem)> KindProblems(MeasureKind kind, string? actionConceptId, DateOnly? adoptedOn)
    {
        if (kind == MeasureKind.FurtherActivity) yield break;
        if (actionConceptId is null) yield return ("action_concept", "is required for a council-adopted measure (kind COUNCIL_ADOPTED); only a FURTHER_ACTIVITY may lack it");
        if (adoptedOn is null) yield return ("adopted_on", "is required for a council-adopted measure (kind COUNCIL_ADOPTED); only a FURTHER_ACTIVITY may lack it");
    }

    /// <summary>A field's value as the API spells it (references as resource names, dates as ISO text): what the audit trail records.</summary>
    public object? ValueOf(string path) => path switch
    {
        "code" => Code,
        "title" => Title,
        "description" => Description,
        "action_concept" => ActionConceptId is null ? null : MeasureNames.ActionConcepts.Format(ActionConceptId),
        "field_of_action" => FieldOfAction,
        "responsible_unit" => MeasureNames.Units.Format(ResponsibleUnitId),
        "parent" => ParentId is { } parent ? MeasureNames.Measures.Format(parent) : null,
        "adopted_on" => AdoptedOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        "kind" => ProtoEnum<MeasureKind>.Name(Kind),
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "not a field of a measure"),
    };
}

/// <summary>
/// What one UpdateMeasure changes: the fields of <see cref="Paths"/> take the values given here, every
/// other field keeps its value. A value is null only where the field is not among the paths, or, for
/// <see cref="ParentId"/>, <see cref="ActionConceptId"/> and <see cref="AdoptedOn"/>, where the update
/// removes it (the latter two only for a further activity).
/// </summary>
public sealed record MeasurePatch(IReadOnlyList<string> Paths)
{
    public string? Code { get; init; }
    public string? Title { get; init; }
    public string? Description { get; init; }
    public string? ActionConceptId { get; init; }
    public int? FieldOfAction { get; init; }
    public string? ResponsibleUnitId { get; init; }
    public long? ParentId { get; init; }
    public DateOnly? AdoptedOn { get; init; }
    public MeasureKind? Kind { get; init; }

    /// <summary>The unit the measure moves to, or null when the update leaves its unit alone.</summary>
    public string? NewResponsibleUnitId => Changes("responsible_unit") ? ResponsibleUnitId : null;

    public bool Changes(string path) => Paths.Contains(path);

    public MeasureFields ApplyTo(MeasureFields current) => new(
        Changes("code") ? Code! : current.Code,
        Changes("title") ? Title! : current.Title,
        Changes("description") ? Description! : current.Description,
        Changes("action_concept") ? ActionConceptId : current.ActionConceptId,
        Changes("field_of_action") ? FieldOfAction!.Value : current.FieldOfAction,
        Changes("responsible_unit") ? ResponsibleUnitId! : current.ResponsibleUnitId,
        Changes("parent") ? ParentId : current.ParentId,
        Changes("adopted_on") ? AdoptedOn : current.AdoptedOn,
        Changes("kind") ? Kind!.Value : current.Kind);
}
