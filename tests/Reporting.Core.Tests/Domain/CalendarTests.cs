using System.Globalization;
using IntegrationServices.Reporting.Core.Domain;

namespace IntegrationServices.Reporting.Core.Tests.Domain;

public sealed class CalendarTests
{
    [Theory]
    // Spring forward (2024-03-31 02:00 CET → 03:00 CEST): the day before ends at CET midnight, the day itself at CEST midnight.
    [InlineData("2024-03-30", "2024-03-30T23:00:00Z")]
    [InlineData("2024-03-31", "2024-03-31T22:00:00Z")]
    // Fall back (2024-10-27 03:00 CEST → 02:00 CET).
    [InlineData("2024-10-26", "2024-10-26T22:00:00Z")]
    [InlineData("2024-10-27", "2024-10-27T23:00:00Z")]
    [InlineData("2018-07-31", "2018-07-31T22:00:00Z")]
    [InlineData("2025-12-31", "2025-12-31T23:00:00Z")]
    public void Knowledge_cutoff_is_the_start_of_the_next_day_in_Berlin(string reportingDate, string expectedUtc)
    {
        var cutoff = ReportingCalendar.KnowledgeCutoff(DateOnly.Parse(reportingDate, CultureInfo.InvariantCulture));
        Assert.Equal(DateTimeKind.Utc, cutoff.Kind);
        Assert.Equal(DateTime.Parse(expectedUtc, null, System.Globalization.DateTimeStyles.AdjustToUniversal), cutoff);
        // the next day starts there: local midnight in Berlin
        var local = TimeZoneInfo.ConvertTimeFromUtc(cutoff, ReportingCalendar.Berlin);
        Assert.Equal(DateOnly.Parse(reportingDate, CultureInfo.InvariantCulture).AddDays(1).ToDateTime(TimeOnly.MinValue), local);
    }

    [Fact]
    public void Berlin_dates_of_instants_and_start_of_day_text()
    {
        Assert.Equal(new DateOnly(2013, 1, 4), ReportingCalendar.BerlinDate(DateTimeOffset.Parse("2013-01-04T08:00:00+01:00", CultureInfo.InvariantCulture)));
        Assert.Equal(new DateOnly(2018, 8, 10), ReportingCalendar.BerlinDate(DateTimeOffset.Parse("2018-08-09T22:30:00Z", CultureInfo.InvariantCulture)));
        Assert.Equal("2018-08-09T00:00:00+02:00", ReportingCalendar.StartOfDayIso(new DateOnly(2018, 8, 9)));
        Assert.Equal("2018-12-09T00:00:00+01:00", ReportingCalendar.StartOfDayIso(new DateOnly(2018, 12, 9)));
    }
}
