namespace IntegrationServices.Demographics.Domain;

/// <summary>
/// The reference dates of one series in an import, each with the row that brought it. A series' rows
/// nearly always come in date order; then a date later than the last one is new and is only appended
/// (hashing every row's key was the costliest step of the validation). The first date out of order turns
/// the series' dates into a lookup, which serves that series from then on.
/// </summary>
public sealed class SeriesDates
{
    private readonly List<(int Day, int Index)> _ascending = [];
    private Dictionary<int, int>? _lookup;

    /// <summary>Adds the date (its day number); returns the index of the earlier row with the same date, if there is one.</summary>
    public int? Add(int day, int index)
    {
        if (_lookup is null)
        {
            if (_ascending.Count == 0 || day > _ascending[^1].Day)
            {
                _ascending.Add((day, index));
                return null;
            }
            _lookup = _ascending.ToDictionary(d => d.Day, d => d.Index);
            _ascending.Clear();
            _ascending.TrimExcess();
        }
        return _lookup.TryAdd(day, index) ? null : _lookup[day];
    }
}
