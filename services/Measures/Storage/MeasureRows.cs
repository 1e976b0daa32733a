using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Measures.Domain;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Measures.Storage;

// Rows read by Dapper are property-based: providers differ in integer widths (SQLite hands back
// Int64 where SQL Server hands back Int32), which property setters convert and constructors don't.

/// <summary>A measure as of a point in time: one version of its fields and its status then.</summary>
public sealed record MeasureRow
{
    public long Id { get; init; }
    public DateTime CreateTime { get; init; }
    public DateTime? RetireTime { get; init; }
    public int Revision { get; init; }
    public DateTime UpdateTime { get; init; }
    public string Code { get; init; } = "";
    public string Title { get; init; } = "";
    public string Description { get; init; } = "";
    public string? ActionConceptId { get; init; }
    public int FieldOfAction { get; init; }
    public string ResponsibleUnitId { get; init; } = "";
    public long? ParentId { get; init; }
    public DateOnly? AdoptedOn { get; init; }
    public int Kind { get; init; } = (int)MeasureKind.CouncilAdopted;
    public int Status { get; init; }
    public int ProgressPercent { get; init; }
    public DateOnly? StatusEffectiveDate { get; init; }
    public string StatusNote { get; init; } = "";
    public int ChildrenCount { get; init; }
    /// <summary>The unweighted mean of the direct children's progress; null without children.</summary>
    public double? RollupProgressPercent { get; init; }

    public bool Retired => RetireTime is not null;

    public string Etag => MeasureRules.Etag(Revision, Retired);

    public MeasureFields ToFields() => new(Code, Title, Description, ActionConceptId, FieldOfAction, ResponsibleUnitId, ParentId, AdoptedOn, (MeasureKind)Kind);

    internal MeasureRow AsUtc() => this with
    {
        CreateTime = DbValues.Utc(CreateTime), UpdateTime = DbValues.Utc(UpdateTime), RetireTime = DbValues.Utc(RetireTime),
    };
}

public sealed record StatusEventRow
{
    public long Id { get; init; }
    public long MeasureId { get; init; }
    public int Status { get; init; }
    public int ProgressPercent { get; init; }
    public DateOnly EffectiveDate { get; init; }
    public string Note { get; init; } = "";
    public DateTime RecordTime { get; init; }
    public string RecordedBy { get; init; } = "";

    internal StatusEventRow AsUtc() => this with { RecordTime = DbValues.Utc(RecordTime) };
}

/// <summary>Which measures a list or stream reads, as of when: the point in time, retired ones or not, and the caller's filter.</summary>
public sealed record MeasureQuery(PointInTime At, bool ShowRetired, SqlFilter Filter);
