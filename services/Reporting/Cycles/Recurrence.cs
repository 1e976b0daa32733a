using IntegrationServices.ServiceDefaults.Api;
using System.Globalization;
using IntegrationServices.ServiceDefaults.Errors;

namespace IntegrationServices.Reporting.Cycles;

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

    public static Recurrence Validate(Contracts.Reporting.V1.RecurrenceRule? rule, int count)
    {
        var v = new Validator();
        if (rule is null)
        {
            v.Add("rule", "is required, e.g. first_reference_date 2019-12-31, interval_months 12, reporting_offset_months 3");
            v.ThrowIfInvalid();
        }
        var first = CycleRules.Date(rule!.FirstReferenceDate, "rule.first_reference_date", v);
        if (rule.FirstReferenceDate is null) v.Add("rule.first_reference_date", "is required (the Stichtag of the first cycle)");
        var interval = rule.IntervalMonths == 0 ? 12 : rule.IntervalMonths;
        if (interval is < 1 or > 120) v.Add("rule.interval_months", "must be between 1 and 120 (0 = 12, yearly)");
        if (rule.ReportingOffsetMonths is < 0 or > 120) v.Add("rule.reporting_offset_months", "must be between 0 and 120");
        if (rule.ReportingOffsetDays is < 0 or > 366) v.Add("rule.reporting_offset_days", "must be between 0 and 366");
        if (count is < 1 or > MaxCount) v.Add("count", $"must be between 1 and {MaxCount}");
        v.ThrowIfInvalid();
        var recurrence = new Recurrence(first!.Value, interval, rule.ReportingOffsetMonths, rule.ReportingOffsetDays);
        if (recurrence.ReferenceDate(count - 1).Year > 9000) throw ServiceException.Invalid("count", "reaches beyond the year 9000");
        return recurrence;
    }

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

    public static string DefaultTitle(DateOnly referenceDate) =>
        $"Bericht zur kommunalen Integrationsplanung, Stichtag {referenceDate.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture)}";

    private static DateOnly AddMonths(DateOnly date, int months)
    {
        var shifted = date.AddMonths(months);
        var monthEnd = date.Day == DateTime.DaysInMonth(date.Year, date.Month);
        return monthEnd ? new DateOnly(shifted.Year, shifted.Month, DateTime.DaysInMonth(shifted.Year, shifted.Month)) : shifted;
    }
}
