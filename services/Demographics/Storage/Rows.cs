namespace IntegrationServices.Demographics.Storage;

/// <summary>An area as stored (<c>kind</c> as its proto name).</summary>
public sealed class AreaRow
{
    public string Id { get; init; } = "";
    public string Code { get; init; } = "";
    public string Title { get; init; } = "";
    public string Kind { get; init; } = "";
    public string? ParentId { get; init; }
    public DateOnly? ValidFrom { get; init; }
    public DateOnly? ValidTo { get; init; }
    public string Description { get; init; } = "";
    public DateTime RecordTime { get; init; }
}

public sealed class SuccessorRow
{
    public string AreaId { get; init; } = "";
    public string SuccessorId { get; init; } = "";
}

/// <summary>An indicator as stored (<c>unit</c> as its proto name).</summary>
public sealed class IndicatorRow
{
    public string Id { get; init; } = "";
    public string Title { get; init; } = "";
    public string Unit { get; init; } = "";
    public string Definition { get; init; } = "";
    public string Source { get; init; } = "";
}

/// <summary>One revision of an observation, with its series' key (<c>status</c> as its proto name).</summary>
public sealed class ObservationRow
{
    public long Id { get; init; }
    public string IndicatorId { get; init; } = "";
    public string AreaId { get; init; } = "";
    public DateOnly ReferenceDate { get; init; }
    public string Dimensions { get; init; } = "";
    public double Value { get; init; }
    public string Status { get; init; } = "";
    public string? Comment { get; init; }
    public bool Example { get; init; }
    public DateTime RecordTime { get; init; }

    public ObservationKey Key => new(IndicatorId, AreaId, Dimensions, ReferenceDate);
}

/// <summary>Where an observation stands in the listing order (series, then reference date): the keyset position of a page.</summary>
public sealed record ObservationKey(string IndicatorId, string AreaId, string Dimensions, DateOnly ReferenceDate);
