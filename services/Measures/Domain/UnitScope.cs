namespace IntegrationServices.Measures.Domain;

/// <summary>
/// Department scoping of editors: a unit claim (<c>units/50</c>, or the bare id) covers that unit and
/// every unit below it, so an editor of a Dezernat may change the measures of its Fachbereiche.
/// </summary>
public static class UnitScope
{
    /// <summary>The unit ids the claims cover, given every unit with its parent.</summary>
    public static IReadOnlySet<string> Expand(IEnumerable<string> unitClaims, IEnumerable<(string Id, string? ParentId)> units)
    {
        var children = units.Where(u => u.ParentId is not null).ToLookup(u => u.ParentId!, u => u.Id);
        var result = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>(unitClaims.Select(MeasureNames.Units.IdOf));
        while (pending.TryDequeue(out var id))
            if (result.Add(id))
                foreach (var child in children[id]) pending.Enqueue(child);
        return result;
    }

    /// <summary>
    /// Whether the scope lets its editor change a measure of <paramref name="measureUnitId"/> (null: no such
    /// measure, which reveals nothing either) and move it to <paramref name="newUnitId"/> (null: not moved).
    /// </summary>
    public static bool Allows(IReadOnlySet<string> scope, string? measureUnitId, string? newUnitId) =>
        measureUnitId is not null && scope.Contains(measureUnitId) && (newUnitId is null || scope.Contains(newUnitId));
}
