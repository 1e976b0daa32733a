using Grpc.Core;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Demo;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;
using Xunit;
using Role = IntegrationServices.Contracts.Reporting.V1.Consultation.Types.Role;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;

namespace Reporting.Tests;

public sealed class RecurrenceTests(ReportingHost fixture) : IClassFixture<ReportingHost>
{
    private readonly ReportingCyclesService.ReportingCyclesServiceClient _coordinator = fixture.Client(Roles.Coordinator);

    private static PlanRecurringCyclesRequest Yearly(int firstYear, int count, string prefix = "") => new()
    {
        Rule = new RecurrenceRule { FirstReferenceDate = T.D(firstYear, 12, 31), IntervalMonths = 12, ReportingOffsetMonths = 3 },
        Count = count,
        CycleIdPrefix = prefix,
    };

    [Fact]
    public async Task Plans_yearly_cycles_and_is_idempotent()
    {
        var first = await _coordinator.PlanRecurringCyclesAsync(Yearly(2040, 3));
        Assert.Equal(3, first.CreatedCount);
        Assert.Equal(new[] { "reportingCycles/2040", "reportingCycles/2041", "reportingCycles/2042" }, first.ReportingCycles.Select(c => c.Name));
        Assert.All(first.ReportingCycles, c => Assert.Equal(State.Planned, c.State));
        Assert.Equal(T.D(2040, 12, 31), first.ReportingCycles[0].ReferenceDate);
        Assert.Equal(T.D(2041, 3, 31), first.ReportingCycles[0].ReportingDate);
        Assert.Equal("Bericht zur kommunalen Integrationsplanung, Stichtag 31.12.2040", first.ReportingCycles[0].Title);

        // Someone edits one; planning again leaves it alone, returns it and creates only the new one.
        var edited = await _coordinator.UpdateReportingCycleAsync(new UpdateReportingCycleRequest
        {
            ReportingCycle = new ReportingCycle { Name = "reportingCycles/2041", Title = "Bericht 2041 (bearbeitet)" },
            UpdateMask = Google.Protobuf.WellKnownTypes.FieldMask.FromString("title"),
        });
        var second = await _coordinator.PlanRecurringCyclesAsync(Yearly(2040, 4));
        Assert.Equal(1, second.CreatedCount);
        Assert.Equal(4, second.ReportingCycles.Count);
        Assert.Equal("Bericht 2041 (bearbeitet)", second.ReportingCycles[1].Title);
        Assert.Equal(edited.Etag, second.ReportingCycles[1].Etag);
        Assert.Equal(first.ReportingCycles[0], second.ReportingCycles[0]);

        var third = await _coordinator.PlanRecurringCyclesAsync(Yearly(2040, 4));
        Assert.Equal(0, third.CreatedCount);
        Assert.Equal(second.ReportingCycles, third.ReportingCycles);

        var audit = await fixture.Client(Roles.Admin).ListAuditRecordsAsync(new ListAuditRecordsRequest { Filter = "resource = \"reportingCycles/2043\"" });
        Assert.Single(audit.AuditRecords);
    }

    [Fact]
    public async Task Existing_cycle_on_the_same_reference_date_and_scope_is_returned_instead_of_a_duplicate()
    {
        var manual = T.Cycle(new DateOnly(2050, 12, 31));
        var created = await _coordinator.CreateReportingCycleAsync(new CreateReportingCycleRequest { ReportingCycle = manual, ReportingCycleId = "manual-2050" });
        var planned = await _coordinator.PlanRecurringCyclesAsync(Yearly(2050, 2));
        Assert.Equal(1, planned.CreatedCount);
        Assert.Equal(created.Name, planned.ReportingCycles[0].Name);
        Assert.Equal("reportingCycles/2051", planned.ReportingCycles[1].Name);

        // A scoped series is another series on the same dates.
        var scoped = Yearly(2050, 2, prefix: "idk-");
        scoped.Scope.Add("actionConcepts/idk");
        var series = await _coordinator.PlanRecurringCyclesAsync(scoped);
        Assert.Equal(2, series.CreatedCount);
        Assert.Equal(new[] { "reportingCycles/idk-2050", "reportingCycles/idk-2051" }, series.ReportingCycles.Select(c => c.Name));
    }

    [Fact]
    public async Task Refuses_bad_rules()
    {
        var e = await T.Fails(StatusCode.InvalidArgument, async () => await _coordinator.PlanRecurringCyclesAsync(new PlanRecurringCyclesRequest { Count = 0 }));
        Assert.Contains("rule", T.Fields(e));
        var bad = Yearly(2060, 101, prefix: "Bad_");
        bad.Rule.IntervalMonths = -1;
        bad.Rule.ReportingOffsetMonths = -2;
        e = await T.Fails(StatusCode.InvalidArgument, async () => await _coordinator.PlanRecurringCyclesAsync(bad));
        Assert.Contains("count", T.Fields(e));
        Assert.Contains("rule.interval_months", T.Fields(e));
        Assert.Contains("rule.reporting_offset_months", T.Fields(e));
        bad = Yearly(2060, 1, prefix: "Bad_");
        e = await T.Fails(StatusCode.InvalidArgument, async () => await _coordinator.PlanRecurringCyclesAsync(bad));
        Assert.Contains("cycle_id_prefix", T.Fields(e));
    }
}

public sealed class SeedTests
{
    [Fact]
    public async Task Seeds_the_real_2018_cycle_and_the_yearly_cycles_once()
    {
        await using var host = await TestHost.StartAsync(b => IntegrationServices.Reporting.ReportingServiceExtensions.AddReportingService(b),
            a => IntegrationServices.Reporting.ReportingServiceExtensions.MapReportingService(a));
        await ReportingDemoData.SeedAsync(host.Services, CancellationToken.None);
        await ReportingDemoData.SeedAsync(host.Services, CancellationToken.None); // idempotent

        var admin = new ReportingCyclesService.ReportingCyclesServiceClient(host.As(Roles.Admin));
        var all = await admin.ListReportingCyclesAsync(new ListReportingCyclesRequest());
        Assert.Equal(new[] { "2018", "2019", "2020", "2021", "2022", "2023", "2024", "2025" }, all.ReportingCycles.Select(c => c.Name["reportingCycles/".Length..]));
        Assert.All(all.ReportingCycles, c => Assert.Equal(State.Planned, c.State));
        Assert.All(all.ReportingCycles.Skip(1), c =>
        {
            Assert.Equal(12, c.ReferenceDate.Month);
            Assert.Equal(31, c.ReferenceDate.Day);
            Assert.Equal(T.D(c.ReferenceDate.Year + 1, 3, 31), c.ReportingDate);
        });

        var cycle = all.ReportingCycles[0];
        Assert.Equal(T.D(2018, 6, 30), cycle.ReferenceDate);
        Assert.Equal(T.D(2018, 7, 31), cycle.ReportingDate);
        Assert.Contains("angenommen", cycle.Title);
        Assert.Contains("Annahme", cycle.Description);
        Assert.Equal("18-08576", cycle.Paper.Reference);
        Assert.Equal("Mitteilung", cycle.Paper.PaperType);
        Assert.Equal("Status Quo Bericht zum Stand der Umsetzung der kommunalen Integrationsplanung der Stadt Braunschweig", cycle.Paper.Title);
        Assert.Equal("50 Fachbereich Soziales und Gesundheit", cycle.Paper.UnderDirectionOf);
        Assert.Equal(T.D(2018, 8, 2), cycle.Paper.Date);
        Assert.True(cycle.CreateTime.ToDateTime() < new DateTime(2018, 8, 1, 0, 0, 0, DateTimeKind.Utc));

        Assert.Equal(9, cycle.Consultations.Count);
        Assert.Equal(Enumerable.Range(1, 9), cycle.Consultations.Select(c => c.Order));
        Assert.All(cycle.Consultations, c => Assert.Equal(Role.Information, c.Role));
        var va = Assert.Single(cycle.Consultations, c => !c.Public);
        Assert.Equal("Verwaltungsausschuss", va.Organization);
        Assert.Equal(T.D(2018, 8, 28), va.MeetingDate);
        Assert.Equal("zur Kenntnis genommen", cycle.Consultations[2].Result);
        Assert.Equal("Jugendhilfeausschuss", cycle.Consultations[2].Organization);
        var sport = cycle.Consultations.Where(c => c.Organization == "Sportausschuss").ToList();
        Assert.Equal(2, sport.Count);
        Assert.True(sport[0].Postponed);
        Assert.Equal("zurückgestellt", sport[0].Result);
        Assert.Equal(T.D(2018, 9, 20), sport[0].MeetingDate);
        Assert.False(sport[1].Postponed);
        Assert.Equal(T.D(2018, 10, 25), sport[1].MeetingDate);
        Assert.Equal("", sport[1].Result);
        Assert.Equal(T.D(2018, 9, 4), cycle.Consultations.Single(c => c.Organization == "Rat der Stadt Braunschweig").MeetingDate);

        // The worker's snapshot later moves it on: results are on record, so it is IN_CONSULTATION.
        var repository = (IntegrationServices.Reporting.Cycles.ReportingCycleRepository)host.Services.GetService(typeof(IntegrationServices.Reporting.Cycles.ReportingCycleRepository))!;
        var taken = await repository.MarkSnapshotTakenAsync("2018", "reportingCycles/2018/snapshot",
            IntegrationServices.ServiceDefaults.Auditing.WriteContext.System("system:seed", "Test", "test/worker", IntegrationServices.ServiceDefaults.Security.Roles.Admin), CancellationToken.None);
        Assert.Equal(State.InConsultation, taken.State);
    }
}

public sealed class TSqlTests
{
    [Fact]
    public void Reporting_sql_is_valid_T_SQL_and_names_only_migrated_tables() =>
        TSqlFidelity.AssertValid(typeof(IntegrationServices.Reporting.ReportingServiceExtensions).Assembly);
}

public sealed class HttpJsonTests
{
    [Fact]
    public async Task Read_methods_are_served_as_JSON_with_redaction()
    {
        await using var host = await TestHost.StartAsync(b => IntegrationServices.Reporting.ReportingServiceExtensions.AddReportingService(b),
            a => IntegrationServices.Reporting.ReportingServiceExtensions.MapReportingService(a));
        await ReportingDemoData.SeedAsync(host.Services, CancellationToken.None);
        var repository = (IntegrationServices.Reporting.Cycles.ReportingCycleRepository)host.Services.GetService(typeof(IntegrationServices.Reporting.Cycles.ReportingCycleRepository))!;
        await repository.ModifyAsync("2018", null, IntegrationServices.ServiceDefaults.Auditing.WriteContext.System("system:seed", "Test", "test", IntegrationServices.ServiceDefaults.Security.Roles.Admin), c => (c with
        {
            Consultations = c.Consultations.Select(x => x.Order == 6 ? x with { Result = "nichtöffentlich beraten" } : x).ToList(),
            Version = c.Version + 1,
        }, new { }), CancellationToken.None);

        var http = host.Http();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestTokens.For([Roles.Reader]));
        var one = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/v1/reportingCycles/2018")).RootElement;
        Assert.Equal("reportingCycles/2018", one.GetProperty("name").GetString());
        Assert.Equal("PLANNED", one.GetProperty("state").GetString());
        var va = one.GetProperty("consultations")[5];
        Assert.Equal("Verwaltungsausschuss", va.GetProperty("organization").GetString());
        Assert.True(va.GetProperty("resultWithheld").GetBoolean());
        Assert.Equal("", va.TryGetProperty("result", out var r) ? r.GetString() : "");

        var list = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/v1/reportingCycles?page_size=3")).RootElement;
        Assert.Equal(3, list.GetProperty("reportingCycles").GetArrayLength());
        Assert.False(string.IsNullOrEmpty(list.GetProperty("nextPageToken").GetString()));

        var export = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/v1/reportingCycles/2018:exportOParl")).RootElement;
        Assert.Contains("18-08576", export.GetProperty("paperJson").GetString());
        Assert.DoesNotContain("nichtöffentlich beraten", export.GetRawText());
    }
}
