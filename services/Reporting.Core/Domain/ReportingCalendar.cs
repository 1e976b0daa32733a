using IntegrationServices.ServiceDefaults.Api;

namespace IntegrationServices.Reporting.Core.Domain;

/// <summary>
/// Reporting dates in Europe/Berlin: the one place where a reporting date becomes the snapshot's
/// knowledge cut-off (built on the suite's <see cref="BusinessCalendar"/>).
/// </summary>
public static class ReportingCalendar
{
    public static TimeZoneInfo Berlin => BusinessCalendar.Zone;

    /// <summary>
    /// The knowledge cut-off of a snapshot due on <paramref name="reportingDate"/>: the end of that day
    /// in Europe/Berlin, i.e. the UTC instant at which the next day starts there (23:00 UTC in winter,
    /// 22:00 UTC in summer; correct across daylight-saving changes, since midnight always exists in Berlin).
    /// </summary>
    public static DateTime KnowledgeCutoff(DateOnly reportingDate) =>
        DateTime.SpecifyKind(BusinessCalendar.EndOfDayUtc(reportingDate), DateTimeKind.Utc);

    /// <summary>The Europe/Berlin calendar date of an instant.</summary>
    public static DateOnly BerlinDate(DateTimeOffset instant) => BusinessCalendar.DateOfInstant(instant.UtcDateTime);

    /// <summary>The start of a date in Europe/Berlin with its local offset, e.g. "2018-08-09T00:00:00+02:00".</summary>
    public static string StartOfDayIso(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Berlin.GetUtcOffset(local))
            .ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
    }
}
