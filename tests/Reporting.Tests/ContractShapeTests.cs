using System.Reflection;
using Grpc.Health.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;

namespace IntegrationServices.Reporting.Tests;

public sealed class ContractShapeTests(ReportingHost fixture) : IClassFixture<ReportingHost>
{
    public static readonly Dictionary<string, string> PolicyOf = new()
    {
        ["CreateReportingCycle"] = Policies.Coordinate,
        ["GetReportingCycle"] = Policies.Read,
        ["ListReportingCycles"] = Policies.Read,
        ["UpdateReportingCycle"] = Policies.Coordinate,
        ["CancelReportingCycle"] = Policies.Coordinate,
        ["RecordConsultationResult"] = Policies.Coordinate,
        ["PlanRecurringCycles"] = Policies.Coordinate,
        ["ExportOParl"] = Policies.Read,
        ["ImportOParlPaper"] = Policies.Coordinate,
        ["ListAuditRecords"] = Policies.Admin,
    };

    [Fact]
    public void Every_rpc_is_implemented_with_its_policy()
    {
        var rpcs = IntegrationServices.Contracts.Reporting.V1.ReportingCyclesService.Descriptor.Methods.Select(m => m.Name).ToHashSet();
        Assert.Equal(PolicyOf.Keys.ToHashSet(), rpcs);
        foreach (var (method, policy) in PolicyOf)
        {
            var info = typeof(IntegrationServices.Reporting.Api.ReportingCyclesService).GetMethod(method, BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);
            Assert.True(info is not null, $"{method} is not implemented");
            Assert.Equal(policy, info!.GetCustomAttribute<AuthorizeAttribute>()?.Policy);
        }
    }

    [Fact]
    public void Snapshots_contract_has_the_fixed_names()
    {
        var methods = IntegrationServices.Contracts.Reporting.V1.SnapshotsService.Descriptor.Methods.Select(m => m.Name).ToHashSet();
        Assert.Equal(new HashSet<string> { "GetSnapshot", "ListSnapshots", "CompareSnapshots", "RenderReport", "VerifySnapshot", "ListSnapshotRuns", "ListAuditRecords" }, methods);
        var snapshot = Snapshot.Descriptor.Fields.InDeclarationOrder().Select(f => f.Name).ToList();
        Assert.Subset(snapshot.ToHashSet(), new HashSet<string> { "cycle", "reference_date", "known_at", "create_time", "content_sha256", "measures", "demographics", "changes" });
        Assert.Subset(DemographicsAreaSummary.Descriptor.Fields.InDeclarationOrder().Select(f => f.Name).ToHashSet(),
            new HashSet<string> { "area", "area_title", "population_total", "foreign_nationals", "population_with_migration_background", "migration_background_share_percent", "reference_date" });
        Assert.Subset(MeasureEntry.Descriptor.Fields.InDeclarationOrder().Select(f => f.Name).ToHashSet(),
            new HashSet<string> { "name", "code", "title", "field_of_action", "action_concept", "responsible_unit", "status", "progress_percent", "status_effective_date" });
        Assert.Subset(SnapshotRun.Descriptor.Fields.InDeclarationOrder().Select(f => f.Name).ToHashSet(),
            new HashSet<string> { "cycle", "start_time", "end_time", "outcome", "error" });
    }

    [Fact]
    public async Task Health_reports_the_service_as_serving()
    {
        var health = new Health.HealthClient(fixture.Host.Invoker());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving,
            (await health.CheckAsync(new HealthCheckRequest { Service = "integration.reporting.v1.ReportingCyclesService" })).Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
    }
}
