using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Measures.Application;
using IntegrationServices.Measures.Domain;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Errors;

namespace IntegrationServices.Measures.Api;

/// <summary>
/// The requests on measures and status events, validated into the domain's inputs: every bad field is
/// one violation, reported together. Only UpdateMeasure stops early, at a malformed measure.name or
/// update_mask, since which fields it judges depends on them.
/// </summary>
internal static class MeasureRequests
{
    /// <summary>What UpdateMeasure's mask may name (AIP-134), and the output-only fields it may not.</summary>
    public static readonly UpdatableFields Updatable = new(MeasureFields.Paths,
        ["name", "status", "progress_percent", "status_effective_date", "create_time", "update_time", "retire_time", "etag",
         "status_note", "children_count", "rollup_progress_percent"]);

    public static MeasureFields NewMeasure(CreateMeasureRequest request)
    {
        var v = new Validator();
        v.Try(() => RequestIds.Normalize(request.RequestId));
        if (request.Measure is null) v.Add("measure", "is required");
        var p = request.Measure is { } m ? Read(m, MeasureFields.Paths, v) : null;
        v.ThrowIfInvalid();
        return new MeasureFields(p!.Code!, p.Title!, p.Description!, p.ActionConceptId, p.FieldOfAction!.Value, p.ResponsibleUnitId!, p.ParentId, p.AdoptedOn, p.Kind!.Value);
    }

    /// <summary>UpdateMeasure: the measure's id and the fields its mask (AIP-134: empty = the populated fields, "*" = all) changes.</summary>
    public static (long Id, MeasurePatch Patch) Update(UpdateMeasureRequest request)
    {
        var measure = request.Measure ?? throw ServiceException.Invalid("measure", "is required");
        var id = MeasureNames.Measures.RequireNumber(measure.Name, "measure.name");
        var paths = FieldMasks.Resolve(request.UpdateMask, measure, Updatable);
        var v = new Validator();
        var patch = Read(measure, paths, v);
        v.ThrowIfInvalid();
        return (id, patch);
    }

    /// <summary>The fields of <paramref name="m"/> named by <paramref name="paths"/>, each checked on its own.</summary>
    private static MeasurePatch Read(Measure m, IReadOnlyList<string> paths, Validator v)
    {
        bool Has(string path) => paths.Contains(path);
        if (Has("code")) v.Text(m.Code, "measure.code", MeasureFields.MaxCode);
        if (Has("title")) v.Text(m.Title, "measure.title", MeasureFields.MaxTitle);
        if (Has("description")) v.FreeText(m.Description, "measure.description", MeasureFields.MaxDescription);
        if (Has("field_of_action")) v.Range(m.FieldOfAction, MeasureFields.FirstFieldOfAction, MeasureFields.LastFieldOfAction, "measure.field_of_action");
        var concept = Has("action_concept") ? v.Name(MeasureNames.ActionConcepts, m.ActionConcept, "measure.action_concept", required: false) : null;
        var unit = Has("responsible_unit") ? v.Name(MeasureNames.Units, m.ResponsibleUnit, "measure.responsible_unit") : null;
        var parent = Has("parent") ? v.Name(MeasureNames.Measures, m.Parent, "measure.parent", required: false) : null;
        var adopted = Has("adopted_on") ? v.Date(m.AdoptedOn, "measure.adopted_on") : null;
        if (Has("kind")) v.Enum(m.Kind, "measure.kind", allowUnspecified: true);
        var kind = Has("kind") ? (m.Kind == MeasureKind.Unspecified ? MeasureKind.CouncilAdopted : m.Kind) : (MeasureKind?)null;
        // Where the request sets the whole measure (create, "*"), its kind's needs are reported with the
        // other fields; a partial update is judged on the patched measure (MeasureChecks).
        if (kind is { } whole && Has("action_concept") && Has("adopted_on"))
            foreach (var (path, problem) in MeasureFields.KindProblems(whole, concept, adopted))
                if (!v.Violations.Any(x => x.Field == "measure." + path)) v.Add("measure." + path, problem);
        return new MeasurePatch(paths)
        {
            Code = Has("code") ? m.Code.Trim() : null,
            Title = Has("title") ? m.Title.Trim() : null,
            Description = Has("description") ? m.Description : null,
            ActionConceptId = concept,
            FieldOfAction = Has("field_of_action") ? m.FieldOfAction : null,
            ResponsibleUnitId = unit,
            ParentId = parent is null ? null : long.Parse(parent, CultureInfo.InvariantCulture),
            AdoptedOn = adopted,
            // API.md: MEASURE_KIND_UNSPECIFIED is read as COUNCIL_ADOPTED.
            Kind = kind,
        };
    }

    public static (long Id, DateOnly? AsOf, DateTime? KnownAt) Get(GetMeasureRequest request)
    {
        var v = new Validator();
        var id = v.Name(MeasureNames.Measures, request.Name, "name");
        var asOf = v.Date(request.AsOf, "as_of");
        var knownAt = v.Instant(request.KnownAt, "known_at");
        v.ThrowIfInvalid();
        return (long.Parse(id!, CultureInfo.InvariantCulture), asOf, knownAt);
    }

    /// <summary>The selection of ListMeasures and StreamMeasures.</summary>
    public static MeasureSelection Selection(string? filter, bool showRetired, Google.Type.Date? asOf, Timestamp? knownAt)
    {
        var v = new Validator();
        var parsed = v.Try(() => MeasureSelection.ParseFilter(filter));
        var date = v.Date(asOf, "as_of");
        var instant = v.Instant(knownAt, "known_at");
        v.ThrowIfInvalid();
        return new MeasureSelection(parsed!, showRetired, date, instant);
    }

    public static (long MeasureId, StatusChange Change) RecordStatus(RecordStatusRequest request)
    {
        var v = new Validator();
        var measureId = v.Name(MeasureNames.Measures, request.Parent, "parent");
        v.Try(() => RequestIds.Normalize(request.RequestId));
        v.Enum(request.Status, "status")
         .Range(request.ProgressPercent, MeasureRules.MinProgress, MeasureRules.MaxProgress, "progress_percent")
         .FreeText(request.Note, "note", StatusChange.MaxNote);
        var effective = v.Date(request.EffectiveDate, "effective_date", required: true);
        v.ThrowIfInvalid();
        return (long.Parse(measureId!, CultureInfo.InvariantCulture),
            new StatusChange(request.Status, request.ProgressPercent, effective!.Value, request.Note ?? ""));
    }
}
