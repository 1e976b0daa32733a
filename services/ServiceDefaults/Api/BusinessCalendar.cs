namespace IntegrationServices.ServiceDefaults.Api;

/// <summary>
/// Business dates are interpreted in Europe/Berlin (API.md). The one place that turns calendar days
/// into instants, so that daylight-saving changes are handled once and correctly.
/// </summary>
public static class BusinessCalendar
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    /// <summary>The UTC instant at which <paramref name="date"/> begins in Berlin.</summary>
    public static DateTime StartOfDayUtc(DateOnly date) =>
        TimeZoneInfo.ConvertTimeToUtc(date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), Zone);

    /// <summary>
    /// The end of <paramref name="date"/> in Berlin (= start of the next day), as a UTC instant. The last
    /// representable day (9999-12-31, a caller's "end of time") has no next day: it ends at DateTime.MaxValue.
    /// </summary>
    public static DateTime EndOfDayUtc(DateOnly date) =>
        date == DateOnly.MaxValue ? DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc) : StartOfDayUtc(date.AddDays(1));

    /// <summary>Today's date in Berlin.</summary>
    public static DateOnly Today(TimeProvider clock) => DateOfInstant(clock.GetUtcNow().UtcDateTime);

    /// <summary>The Berlin calendar date of a UTC instant.</summary>
    public static DateOnly DateOfInstant(DateTime utc) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone));
}
