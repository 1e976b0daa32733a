using IntegrationServices.Contracts.Demographics.V1;

namespace IntegrationServices.Demographics.Domain;

/// <summary>An area of the catalogue: the city or a district, valid from/to (inclusive, null = open-ended).</summary>
public sealed class AreaEntry
{
    public required string Id { get; init; }
    public required string Code { get; init; }
    public required string Title { get; init; }
    public required AreaKind Kind { get; init; }
    public string? ParentId { get; init; }
    public DateOnly? ValidFrom { get; init; }
    public DateOnly? ValidTo { get; init; }
    public string Description { get; init; } = "";

    /// <summary>The ids of the areas this one was merged into when it ended.</summary>
    public IReadOnlyList<string> Successors { get; init; } = [];

    /// <summary>
    /// When the area was recorded (<see cref="KnownSinceAlways"/> for the reference data of the migrations);
    /// an answer as known at an earlier instant does not contain it.
    /// </summary>
    public DateTime RecordTime { get; init; } = KnownSinceAlways;

    /// <summary>The record time of reference data: known before any answer could have been asked for.</summary>
    public static readonly DateTime KnownSinceAlways = DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc);

    public bool IsCity => Kind == AreaKind.City;

    public bool ValidOn(DateOnly date) => (ValidFrom is null || ValidFrom <= date) && (ValidTo is null || ValidTo >= date);

    public bool Overlaps(AreaEntry other) =>
        (ValidFrom ?? DateOnly.MinValue) <= (other.ValidTo ?? DateOnly.MaxValue) && (other.ValidFrom ?? DateOnly.MinValue) <= (ValidTo ?? DateOnly.MaxValue);

    public string Validity => (ValidFrom, ValidTo) switch
    {
        (null, null) => "always valid",
        ({ } from, null) => $"valid from {from:yyyy-MM-dd}",
        (null, { } to) => $"valid until {to:yyyy-MM-dd}",
        ({ } from, { } to) => $"valid from {from:yyyy-MM-dd} until {to:yyyy-MM-dd}",
    };
}

/// <summary>An indicator of the catalogue: what its figures count or share, by which definition, from which source.</summary>
public sealed class IndicatorEntry
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required IndicatorUnit Unit { get; init; }
    public required string Definition { get; init; }
    public required string Source { get; init; }
}
