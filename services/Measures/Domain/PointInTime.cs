using IntegrationServices.ServiceDefaults.Api;

namespace IntegrationServices.Measures.Domain;

/// <summary>
/// The point in time a read answers for: what was known at <see cref="KnownAt"/> about the state on
/// <see cref="AsOf"/> (API.md "Time travel"). <see cref="TimeTravel"/>: the caller named a date, so measures
/// adopted after it are left out.
/// </summary>
public sealed record PointInTime(DateOnly AsOf, DateTime KnownAt, bool TimeTravel)
{
    /// <summary>as_of and known_at as the caller gave them; without them today (Europe/Berlin) as known <paramref name="now"/>.</summary>
    public static PointInTime Of(DateOnly? asOf, DateTime? knownAt, DateTime now) =>
        new(asOf ?? BusinessCalendar.DateOfInstant(now), knownAt ?? now, asOf is not null);

    /// <summary>Today, everything known <paramref name="now"/>: what writes check against.</summary>
    public static PointInTime Current(DateTime now) => Of(null, null, now);

    /// <summary>The start of the day after <see cref="AsOf"/> in Berlin: retired "on or before AsOf" means before it.</summary>
    public DateTime AsOfEnd => BusinessCalendar.EndOfDayUtc(AsOf);
}
