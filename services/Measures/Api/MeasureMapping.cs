using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Measures.Domain;
using IntegrationServices.Measures.Storage;
using IntegrationServices.ServiceDefaults.Api;

namespace IntegrationServices.Measures.Api;

/// <summary>Rows of the Measures service as the API shows them.</summary>
public static class MeasureMapping
{
    public static Measure ToProto(this MeasureRow r) => new Measure
    {
        Name = MeasureNames.Measures.Format(r.Id),
        Code = r.Code,
        Title = r.Title,
        Description = r.Description,
        ActionConcept = r.ActionConceptId is null ? "" : MeasureNames.ActionConcepts.Format(r.ActionConceptId),
        FieldOfAction = r.FieldOfAction,
        ResponsibleUnit = MeasureNames.Units.Format(r.ResponsibleUnitId),
        Parent = r.ParentId is { } p ? MeasureNames.Measures.Format(p) : "",
        AdoptedOn = r.AdoptedOn.ToProto(),
        Status = (MeasureStatus)r.Status,
        ProgressPercent = r.ProgressPercent,
        StatusEffectiveDate = r.StatusEffectiveDate.ToProto(),
        CreateTime = r.CreateTime.ToProto(),
        UpdateTime = r.UpdateTime.ToProto(),
        RetireTime = r.RetireTime.ToProto(),
        Etag = r.Etag,
        Kind = (MeasureKind)r.Kind,
        StatusNote = r.StatusNote,
        ChildrenCount = r.ChildrenCount,
    }.WithRollup(r.RollupProgressPercent);

    private static Measure WithRollup(this Measure measure, double? rollup)
    {
        if (rollup is { } mean) measure.RollupProgressPercent = mean;
        return measure;
    }

    public static StatusEvent ToProto(this StatusEventRow r) => new()
    {
        Name = MeasureNames.StatusEvent(r.MeasureId, r.Id),
        Status = (MeasureStatus)r.Status,
        ProgressPercent = r.ProgressPercent,
        EffectiveDate = r.EffectiveDate.ToProto(),
        Note = r.Note,
        RecordTime = r.RecordTime.ToProto(),
        RecordedBy = r.RecordedBy,
    };

    public static FieldOfAction ToProto(this FieldOfActionRow r) => new()
    {
        Name = MeasureNames.FieldsOfAction.Format(r.Number), Number = r.Number, Title = r.Title, Description = r.Description,
    };

    public static ActionConcept ToProto(this ActionConceptRow r) => new()
    {
        Name = MeasureNames.ActionConcepts.Format(r.Id), Title = r.Title, AdoptedOn = r.AdoptedOn.ToProto(),
        CouncilPaper = r.CouncilPaper, Note = r.Note, CreateTime = r.CreateTime.ToProto(),
    };

    public static OrganizationalUnit ToProto(this UnitRow r) => new()
    {
        Name = MeasureNames.Units.Format(r.Id), Title = r.Title, Parent = r.ParentId is { } p ? MeasureNames.Units.Format(p) : "",
        CreateTime = r.CreateTime.ToProto(),
    };
}
