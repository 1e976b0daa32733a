using System.Globalization;

namespace IntegrationServices.Reporting.Core.Domain;

/// <summary>One cycle a recurrence rule asks for.</summary>
public sealed record PlannedDate(string Id, DateOnly ReferenceDate, DateOnly ReportingDate, string Title);

/// <summary>
/// A rule such as "every year, Stichtag 31 December, reporting date three months later". Dates are
/// computed from the first reference date (never chained), and a month-end date stays at month end,
/// so a rule starting 31 Dec gives 31 Mar reporting dates and six-monthly 30 Jun/31 Dec Stichtage.
/// </summary>
public sealed record Recurrence(DateOnly FirstReferenceDate, int IntervalMonths, int ReportingOffsetMonths, int ReportingOffsetDays)
{
    public const int MaxCount = 100;

    /// <summary>The cycles a rule may reach: ids and titles carry four-digit years.</summary>
    public const int LastYear = 9000;

    public DateOnly ReferenceDate(int index) => AddMonths(FirstReferenceDate, index * IntervalMonths);

    public DateOnly ReportingDate(DateOnly referenceDate) => AddMonths(referenceDate, ReportingOffsetMonths).AddDays(ReportingOffsetDays);

    /// <summary>The first <paramref name="count"/> cycles; ids prefix + "YYYY" (yearly) or prefix + "YYYY-MM".</summary>
    public IReadOnlyList<PlannedDate> Dates(int count, string prefix) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var reference = ReferenceDate(i);
            var id = prefix + (IntervalMonths % 12 == 0
                ? reference.Year.ToString("D4", CultureInfo.InvariantCulture)
                : reference.ToString("yyyy-MM", CultureInfo.InvariantCulture));
            return new PlannedDate(id, reference, ReportingDate(reference), DefaultTitle(reference));
        }).ToList();

    /// <summary>The first <paramref name="count"/> cycles as new PLANNED cycles of <paramref name="scope"/>.</summary>
    public IReadOnlyList<Cycle> Plan(int count, string prefix, IReadOnlyList<string> scope, DateTime now) =>
        Dates(count, prefix).Select(d => CycleRules.New(d.Id, new CycleDraft
        {
            Title = d.Title,
            ReferenceDate = d.ReferenceDate,
            ReportingDate = d.ReportingDate,
            Scope = scope,
        }, now)).ToList();

    public static string DefaultTitle(DateOnly referenceDate) =>
        $"Bericht zur kommunalen Integrationsplanung, Stichtag {referenceDate.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture)}";

    private static DateOnly AddMonths(DateOnly date, int months)
    {
        var shifted = date.AddMonths(months);
        var monthEnd = date.Day == DateTime.DaysInMonth(date.Year, date.Month);
        return monthEnd ? new DateOnly(shifted.Year, shifted.Month, DateTime.DaysInMonth(shifted.Year, shifted.Month)) : shifted;
    }
}
