using Grpc.Core;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.Suite;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;
using Role = IntegrationServices.Contracts.Reporting.V1.Consultation.Types.Role;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;
using static IntegrationServices.Reporting.Tests.ReportingHost;
using static IntegrationServices.Testing.Dates;

namespace IntegrationServices.Reporting.Tests;

public sealed class SeedTests
{
    private static readonly string[] SeededYears = ["2018", "2019", "2020", "2021", "2022", "2023", "2024", "2025"];

    [Fact]
    public async Task Seeds_the_real_2018_cycle_and_the_yearly_cycles_once()
    {
        await using var host = await TestHost.StartAsync(SuiteComponents.Reporting, ReportingHost.Settings());
        await ReportingDemoData.SeedAsync(host.Services, CancellationToken.None);
        await ReportingDemoData.SeedAsync(host.Services, CancellationToken.None); // idempotent

        var admin = new ReportingCyclesService.ReportingCyclesServiceClient(host.As(Roles.Admin));
        var all = await admin.ListReportingCyclesAsync(new ListReportingCyclesRequest());
        Assert.Equal(SeededYears, all.ReportingCycles.Select(c => c.Name["reportingCycles/".Length..]));
        Assert.All(all.ReportingCycles, c => Assert.Equal(State.Planned, c.State));
        Assert.All(all.ReportingCycles.Skip(1), c =>
        {
            Assert.Equal(12, c.ReferenceDate.Month);
            Assert.Equal(31, c.ReferenceDate.Day);
            Assert.Equal(D(c.ReferenceDate.Year + 1, 3, 31), c.ReportingDate);
        });

        var cycle = all.ReportingCycles[0];
        Assert.Equal(D(2018, 6, 30), cycle.ReferenceDate);
        Assert.Equal(D(2018, 7, 31), cycle.ReportingDate);
        Assert.Contains("angenommen", cycle.Title);
        Assert.Contains("Annahme", cycle.Description);
        Assert.Equal("18-08576", cycle.Paper.Reference);
        Assert.Equal("Mitteilung", cycle.Paper.PaperType);
        Assert.Equal("Status Quo Bericht zum Stand der Umsetzung der kommunalen Integrationsplanung der Stadt Braunschweig", cycle.Paper.Title);
        Assert.Equal("50 Fachbereich Soziales und Gesundheit", cycle.Paper.UnderDirectionOf);
        Assert.Equal(D(2018, 8, 2), cycle.Paper.Date);
        Assert.True(cycle.CreateTime.ToDateTime() < new DateTime(2018, 8, 1, 0, 0, 0, DateTimeKind.Utc));

        Assert.Equal(9, cycle.Consultations.Count);
        Assert.Equal(Enumerable.Range(1, 9), cycle.Consultations.Select(c => c.Order));
        Assert.All(cycle.Consultations, c => Assert.Equal(Role.Information, c.Role));
        var va = Assert.Single(cycle.Consultations, c => !c.Public);
        Assert.Equal("Verwaltungsausschuss", va.Organization);
        Assert.Equal(D(2018, 8, 28), va.MeetingDate);
        Assert.Equal("zur Kenntnis genommen", cycle.Consultations[2].Result);
        Assert.Equal("Jugendhilfeausschuss", cycle.Consultations[2].Organization);
        var sport = cycle.Consultations.Where(c => c.Organization == "Sportausschuss").ToList();
        Assert.Equal(2, sport.Count);
        Assert.True(sport[0].Postponed);
        Assert.Equal("zurückgestellt", sport[0].Result);
        Assert.Equal(D(2018, 9, 20), sport[0].MeetingDate);
        Assert.False(sport[1].Postponed);
        Assert.Equal(D(2018, 10, 25), sport[1].MeetingDate);
        Assert.Equal("", sport[1].Result);
        Assert.Equal(D(2018, 9, 4), cycle.Consultations.Single(c => c.Organization == "Rat der Stadt Braunschweig").MeetingDate);

        // One transaction wrote it all: one audit record per cycle, by the seeder.
        var audit = await new ReportingCyclesService.ReportingCyclesServiceClient(host.As(Roles.Admin)).ListAuditRecordsAsync(new ListAuditRecordsRequest());
        Assert.Equal(all.ReportingCycles.Select(c => c.Name), audit.AuditRecords.Select(r => r.Resource));
        Assert.All(audit.AuditRecords, r => Assert.Equal(("system:seed", "seed/ReportingDemoData"), (r.Subject, r.Method)));

        // The worker's snapshot later moves it on: results are on record, so it is IN_CONSULTATION.
        Assert.Equal(Outcome.Succeeded, await ReportingHost.TrySnapshotAsync(host, "reportingCycles/2018"));
        Assert.Equal(State.InConsultation, (await admin.GetReportingCycleAsync(new GetReportingCycleRequest { Name = "reportingCycles/2018" })).State);
    }
}
