namespace IntegrationServices.Demographics.Storage;

/// <summary>An area as stored; validity bounds are inclusive, null = open-ended.</summary>
public sealed class AreaRow
{
    public string Id { get; set; } = "";
    public string Code { get; set; } = "";
    public string Title { get; set; } = "";
    public string Kind { get; set; } = "";
    public string? ParentId { get; set; }
    public DateOnly? ValidFrom { get; set; }
    public DateOnly? ValidTo { get; set; }
    public string Description { get; set; } = "";
    public List<string> Successors { get; set; } = [];

    public bool IsCity => Kind == AreaKinds.City;

    public bool ValidOn(DateOnly date) => (ValidFrom is null || ValidFrom <= date) && (ValidTo is null || ValidTo >= date);

    public string Validity => (ValidFrom, ValidTo) switch
    {
        (null, null) => "always valid",
        ({ } from, null) => $"valid from {from:yyyy-MM-dd}",
        (null, { } to) => $"valid until {to:yyyy-MM-dd}",
        ({ } from, { } to) => $"valid from {from:yyyy-MM-dd} until {to:yyyy-MM-dd}",
    };
}

public static class AreaKinds
{
    public const string City = "CITY";
    public const string District = "DISTRICT";
}

public sealed class SuccessorRow
{
    public string AreaId { get; set; } = "";
    public string SuccessorId { get; set; } = "";
}

public sealed class IndicatorRow
{
    public string Id { get; set; } = "";
    public string Title { get; set; } = "";
    public string Unit { get; set; } = "";
    public string Definition { get; set; } = "";
    public string Source { get; set; } = "";
}

public sealed class ObservationRow
{
    public long Id { get; set; }
    public string IndicatorId { get; set; } = "";
    public string AreaId { get; set; } = "";
    public DateOnly ReferenceDate { get; set; }
    public string Dimensions { get; set; } = "";
    public double Value { get; set; }
    public string Status { get; set; } = "";
    public string? Comment { get; set; }
    public DateTime RecordTime { get; set; }
}

/// <summary>A validated observation on its way into the bulk path.</summary>
public readonly record struct NewObservation(ImportSeries Series, DateOnly ReferenceDate, double Value, string Status, string? Comment);

/// <summary>
/// One series (indicator, area, dimensions) of an import: the validation makes one per distinct key, which
/// all rows of the series share; the bulk writer remembers its stored id.
/// </summary>
public sealed class ImportSeries(string indicatorId, string areaId, string dimensions)
{
    public string IndicatorId { get; } = indicatorId;
    public string AreaId { get; } = areaId;
    public string Dimensions { get; } = dimensions;
    public long? StoredId { get; set; }
}

/// <summary>Stored unit names (the IndicatorUnit enum's names).</summary>
public static class Units
{
    public const string Persons = "PERSONS";
    public const string Percent = "PERCENT";
}
