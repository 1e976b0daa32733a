using Grpc.Core;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Contracts.Demographics.V1;
using DemographicsService = IntegrationServices.Demographics.Api.DemographicsService;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;

namespace IntegrationServices.Demographics.Tests;

/// <summary>Who may call what: every method declares its policy, and the policies hold.</summary>
public sealed class AccessTests : DemographicsTest
{
    [Fact]
    public async Task Calls_without_a_token_are_unauthenticated_and_the_audit_trail_is_admin_only()
    {
        var anonymous = new DemographicsClient(Host.Invoker());
        await Rpc.FailsAsync(StatusCode.Unauthenticated, () => anonymous.ListAreasAsync(new ListAreasRequest()));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => Client(Roles.Statistics).ListAuditRecordsAsync(new ListAuditRecordsRequest()));
        // The worker may summarize, list observations and list the areas (the snapshot's area successions), not change anything.
        await Client(Roles.Worker).SummarizeAreasAsync(new SummarizeAreasRequest());
        await Client(Roles.Worker).ListObservationsAsync(new ListObservationsRequest());
        await Client(Roles.Worker).ListAreasAsync(new ListAreasRequest());
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => Client(Roles.Worker).ListIndicatorsAsync(new ListIndicatorsRequest()));
    }

    [Fact]
    public void Every_rpc_method_declares_its_policy()
    {
        var policies = typeof(DemographicsService).GetMethods()
            .Where(m => m.DeclaringType == typeof(DemographicsService) && m.IsVirtual)
            .ToDictionary(m => m.Name, m => m.GetCustomAttributes(typeof(AuthorizeAttribute), false)
                .Cast<AuthorizeAttribute>().Single().Policy);
        Assert.Equal(new Dictionary<string, string?>
        {
            ["ListAreas"] = Policies.ReadOrWorker,
            ["CreateArea"] = Policies.Statistics,
            ["ListIndicators"] = Policies.Read,
            ["CreateIndicator"] = Policies.Statistics,
            ["ImportObservations"] = Policies.Statistics,
            ["ListObservations"] = Policies.ReadOrWorker,
            ["SummarizeAreas"] = Policies.ReadOrWorker,
            ["ListAuditRecords"] = Policies.Admin,
        }, policies);
    }
}
