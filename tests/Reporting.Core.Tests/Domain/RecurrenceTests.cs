using System.Globalization;
using IntegrationServices.Reporting.Core.Domain;

namespace IntegrationServices.Reporting.Core.Tests.Domain;

public sealed class RecurrenceTests
{
    private static readonly string[] HalfYearlyIds = ["hj-2024-06", "hj-2024-12", "hj-2025-06"];

    [Fact]
    public void Yearly_rule_keeps_month_ends_and_gives_deterministic_ids()
    {
        var rule = new Recurrence(new DateOnly(2019, 12, 31), 12, 3, 0);
        var dates = rule.Dates(7, "");
        Assert.Equal(Enumerable.Range(2019, 7).Select(y => y.ToString(CultureInfo.InvariantCulture)), dates.Select(d => d.Id));
        Assert.All(dates, d => Assert.Equal(new DateOnly(int.Parse(d.Id, CultureInfo.InvariantCulture), 12, 31), d.ReferenceDate));
        Assert.All(dates, d => Assert.Equal(new DateOnly(int.Parse(d.Id, CultureInfo.InvariantCulture) + 1, 3, 31), d.ReportingDate));

        var halfYearly = new Recurrence(new DateOnly(2024, 6, 30), 6, 1, 14).Dates(3, "hj-");
        Assert.Equal(HalfYearlyIds, halfYearly.Select(d => d.Id));
        Assert.Equal(new[] { new DateOnly(2024, 6, 30), new DateOnly(2024, 12, 31), new DateOnly(2025, 6, 30) }, halfYearly.Select(d => d.ReferenceDate));
        Assert.Equal(new DateOnly(2024, 8, 14), halfYearly[0].ReportingDate);
    }

    [Fact]
    public void Planned_cycles_are_new_planned_cycles_of_the_scope_with_default_titles()
    {
        var now = new DateTime(2025, 1, 6, 8, 0, 0, DateTimeKind.Utc);
        var planned = new Recurrence(new DateOnly(2019, 12, 31), 12, 3, 0).Plan(2, "idk-", ["actionConcepts/idk"], now);

        Assert.Equal(["idk-2019", "idk-2020"], planned.Select(c => c.Id));
        Assert.All(planned, c =>
        {
            Assert.Equal(IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State.Planned, c.State);
            Assert.Equal(["actionConcepts/idk"], c.Scope);
            Assert.Equal(1, c.Version);
            Assert.Equal(now, c.CreateTime);
            Assert.Empty(c.Consultations);
            Assert.Null(c.Paper);
        });
        Assert.Equal("Bericht zur kommunalen Integrationsplanung, Stichtag 31.12.2020", planned[1].Title);
        Assert.Equal(new DateOnly(2021, 3, 31), planned[1].ReportingDate);
    }
}
