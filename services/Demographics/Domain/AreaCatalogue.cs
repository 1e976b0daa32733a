using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Errors;

namespace IntegrationServices.Demographics.Domain;

/// <summary>
/// All areas, looked up by id or by code on a date. Codes repeat across area sets (211 was
/// Stöckheim-Leiferde until 2021-10-31 and is Braunschweig-Süd since), so a bare code resolves to the
/// area with that code valid on the given date.
/// </summary>
public sealed class AreaCatalogue
{
    /// <summary>The id (and code) of the whole city.</summary>
    public const string CityId = "0";

    private static readonly ResourceName Names = DemographicsNames.Areas;

    private readonly Dictionary<string, AreaEntry> _byId;
    private readonly ILookup<string, AreaEntry> _byCode;

    public AreaCatalogue(IReadOnlyList<AreaEntry> areas)
    {
        All = areas;
        _byId = areas.ToDictionary(a => a.Id, StringComparer.Ordinal);
        _byCode = areas.ToLookup(a => a.Code, StringComparer.Ordinal);
    }

    public IReadOnlyList<AreaEntry> All { get; }

    public AreaEntry? Find(string id) => _byId.GetValueOrDefault(id);

    public IEnumerable<AreaEntry> WithCode(string code) => _byCode[code];

    /// <summary>Whether a reference names an area at all (by name, id or code), whatever its validity.</summary>
    public bool Knows(string reference)
    {
        var id = Names.IdOf(reference);
        return Find(id) is not null || WithCode(id).Any();
    }

    /// <summary>
    /// The area a reference names on <paramref name="date"/>: "areas/{id}" must be valid on that date;
    /// a bare value is tried as an id, then as a code. Returns null and why when none fits.
    /// </summary>
    public AreaEntry? Resolve(string reference, DateOnly date, out string? problem)
    {
        problem = null;
        var explicitName = reference.StartsWith(Names.Prefix, StringComparison.Ordinal);
        var id = Names.IdOf(reference);
        var byId = Find(id);
        if (byId is not null && byId.ValidOn(date)) return byId;
        if (!explicitName && ValidWithCode(id, date) is { } byCode) return byCode;
        if (byId is not null)
            problem = $"{Names.Format(byId.Id)} ({byId.Title}) is not valid on {date:yyyy-MM-dd} ({byId.Validity})";
        else if (WithCode(id).Any())
            problem = $"no area with code '{TextRules.Printable(id)}' is valid on {date:yyyy-MM-dd} (areas with that code: {string.Join(", ", WithCode(id).Select(a => $"{Names.Format(a.Id)} {a.Validity}"))})";
        else
            problem = $"unknown area '{TextRules.Printable(reference)}'";
        return null;
    }

    /// <summary>The area with <paramref name="code"/> valid on <paramref name="date"/>, if any (a loop: this runs for every imported row).</summary>
    private AreaEntry? ValidWithCode(string code, DateOnly date)
    {
        foreach (var area in _byCode[code])
            if (area.ValidOn(date)) return area;
        return null;
    }

    /// <summary>
    /// What keeps a new area out of the catalogue, one violation per bad field: a parent or successor that
    /// is not in it, or another area with the same code whose validity overlaps (a code names one area on
    /// any date). Whether the id is taken is asked separately (<see cref="Find"/>): that is a conflict, not a bad field.
    /// </summary>
    public IReadOnlyList<FieldViolation> ViolationsOf(AreaEntry area)
    {
        var violations = new List<FieldViolation>();
        if (area.ParentId is not null && Find(area.ParentId) is null)
            violations.Add(new("area.parent", $"unknown area '{TextRules.Printable(Names.Format(area.ParentId))}'"));
        for (var i = 0; i < area.Successors.Count; i++)
            if (Find(area.Successors[i]) is null)
                violations.Add(new($"area.successors[{i}]", $"unknown area '{TextRules.Printable(Names.Format(area.Successors[i]))}'"));
        var overlapping = WithCode(area.Code).Where(area.Overlaps).Select(o => $"{Names.Format(o.Id)} ({o.Validity})").ToList();
        if (overlapping.Count > 0)
            violations.Add(new("area.code",
                $"{string.Join(", ", overlapping)} {(overlapping.Count == 1 ? "has" : "have")} the same code and an overlapping validity; end it first or choose other dates"));
        return violations;
    }
}
