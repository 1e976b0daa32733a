using Grpc.Core;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;
using Role = IntegrationServices.Contracts.Reporting.V1.Consultation.Types.Role;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;
using static IntegrationServices.Reporting.Tests.ReportingHost;
using static IntegrationServices.Testing.Dates;

namespace IntegrationServices.Reporting.Tests;

public sealed class PlanRecurringCyclesTests(ReportingHost fixture) : IClassFixture<ReportingHost>
{
    private static readonly string[] FirstThreeYears = ["reportingCycles/2040", "reportingCycles/2041", "reportingCycles/2042"];
    private static readonly string[] IdkSeries = ["reportingCycles/idk-2050", "reportingCycles/idk-2051"];

    private readonly ReportingCyclesService.ReportingCyclesServiceClient _coordinator = fixture.Client(Roles.Coordinator);

    private static PlanRecurringCyclesRequest Yearly(int firstYear, int count, string prefix = "") => new()
    {
        Rule = new RecurrenceRule { FirstReferenceDate = D(firstYear, 12, 31), IntervalMonths = 12, ReportingOffsetMonths = 3 },
        Count = count,
        CycleIdPrefix = prefix,
    };

    [Fact]
    public async Task Plans_yearly_cycles_and_is_idempotent()
    {
        var first = await _coordinator.PlanRecurringCyclesAsync(Yearly(2040, 3));
        Assert.Equal(3, first.CreatedCount);
        Assert.Equal(FirstThreeYears, first.ReportingCycles.Select(c => c.Name));
        Assert.All(first.ReportingCycles, c => Assert.Equal(State.Planned, c.State));
        Assert.Equal(D(2040, 12, 31), first.ReportingCycles[0].ReferenceDate);
        Assert.Equal(D(2041, 3, 31), first.ReportingCycles[0].ReportingDate);
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
        var manual = Cycles.Cycle(new DateOnly(2050, 12, 31));
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
        Assert.Equal(IdkSeries, series.ReportingCycles.Select(c => c.Name));
    }

    [Fact]
    public async Task Refuses_bad_rules()
    {
        var e = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await _coordinator.PlanRecurringCyclesAsync(new PlanRecurringCyclesRequest { Count = 0 }));
        Rpc.Violations(e, "rule", "count");
        var bad = Yearly(2060, 101, prefix: "Bad_");
        bad.Rule.IntervalMonths = -1;
        bad.Rule.ReportingOffsetMonths = -2;
        e = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await _coordinator.PlanRecurringCyclesAsync(bad));
        Rpc.Violations(e, "count", "rule.interval_months", "rule.reporting_offset_months", "cycle_id_prefix");
        bad = Yearly(2060, 1, prefix: "Bad_");
        e = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await _coordinator.PlanRecurringCyclesAsync(bad));
        Rpc.Violations(e, "cycle_id_prefix");
    }
}
