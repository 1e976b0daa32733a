namespace IntegrationServices.Reporting;

/// <summary>
/// Business dates of the reporting context, interpreted in Europe/Berlin — the one place where a
/// reporting date becomes the snapshot's knowledge cut-off.
/// </summary>
public static class ReportingCalendar
{
    public static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    /// <summary>
    /// The knowledge cut-off of a snapshot due on <paramref name="reportingDate"/>: the end of that day
    /// in Europe/Berlin, i.e. the UTC instant at which the next day starts there (23:00 UTC in winter,
    /// 22:00 UTC in summer; correct across daylight-saving changes, since midnight always exists in Berlin).
    /// </summary>
    public static DateTime KnowledgeCutoff(DateOnly reportingDate) =>
        StartOfDayUtc(reportingDate.AddDays(1));

    /// <summary>The UTC instant at which <paramref name="date"/> starts in Europe/Berlin.</summary>
    public static DateTime StartOfDayUtc(DateOnly date) =>
        DateTime.SpecifyKind(
            TimeZoneInfo.ConvertTimeToUtc(date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), Berlin),
            DateTimeKind.Utc);

    /// <summary>The Europe/Berlin calendar date of an instant.</summary>
    public static DateOnly BerlinDate(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Berlin).DateTime);

    /// <summary>The start of a date in Europe/Berlin with its local offset, e.g. "2018-08-09T00:00:00+02:00".</summary>
    public static string StartOfDayIso(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        var offset = Berlin.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
    }
}
