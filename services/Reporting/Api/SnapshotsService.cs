using Grpc.Core;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.Reporting.Core.Domain.Reports;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Format = IntegrationServices.Contracts.Reporting.V1.RenderReportRequest.Types.Format;

namespace IntegrationServices.Reporting.Api;

/// <summary>integration.reporting.v1.SnapshotsService: the snapshots the worker froze, their runs, reports and verification.</summary>
public sealed class SnapshotsService(SnapshotApplication snapshots, ReportApplication reports, AuditTrail audit, IOptions<LimitsOptions> limits)
    : Contracts.Reporting.V1.SnapshotsService.SnapshotsServiceBase
{
    /// <summary>GetSnapshot: FULL unless the request asks for BASIC.</summary>
    [Authorize(Policy = Policies.Read)]
    public override async Task<Snapshot> GetSnapshot(GetSnapshotRequest request, ServerCallContext context)
    {
        var view = View(request.View, SnapshotView.Full);
        return (await snapshots.GetAsync(SnapshotId(request.Name), context.CancellationToken)).ToProto(view);
    }

    /// <summary>ListSnapshots: BASIC unless the request asks for FULL; a page stays below the message limit.</summary>
    [Authorize(Policy = Policies.Read)]
    public override async Task<ListSnapshotsResponse> ListSnapshots(ListSnapshotsRequest request, ServerCallContext context)
    {
        var view = View(request.View, SnapshotView.Basic);
        var page = await snapshots.ListAsync(request.PageSize, request.PageToken, request.Filter, view,
            limits.Value.MaxListPageBytes, context.CancellationToken);
        var response = new ListSnapshotsResponse { NextPageToken = page.NextPageToken };
        response.Snapshots.AddRange(page.Rows);
        return response;
    }

    private static SnapshotView View(SnapshotView requested, SnapshotView unset)
    {
        if (requested == SnapshotView.Unspecified) return unset;
        new Validator().Enum(requested, "view").ThrowIfInvalid();
        return requested;
    }

    [Authorize(Policy = Policies.Read)]
    public override async Task<CompareSnapshotsResponse> CompareSnapshots(CompareSnapshotsRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var baseId = v.CycleIdOfSnapshot(request.Base, "base");
        var targetId = v.CycleIdOfSnapshot(request.Target, "target");
        v.ThrowIfInvalid();
        return new CompareSnapshotsResponse { Changes = await snapshots.CompareAsync(baseId!, targetId!, context.CancellationToken) };
    }

    [Authorize(Policy = Policies.Read)]
    public override async Task<RenderReportResponse> RenderReport(RenderReportRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var id = v.CycleIdOfSnapshot(request.Name, "name");
        // Only the formats the renderer has (XLSX follows): any other is the caller's INVALID_ARGUMENT, never INTERNAL.
        v.Enum(request.Format, "format")
            .Require(!ProtoEnum<Format>.IsSpecified(request.Format) || ReportRenderer.Extensions.Values.Contains(request.Format), "format",
                $"is not rendered (yet); use one of {string.Join(", ", ReportRenderer.Extensions.Values.Select(ProtoEnum<Format>.Name))}")
            .ThrowIfInvalid();
        var report = await reports.RenderAsync(id!, request.Format, context.CancellationToken);
        return new RenderReportResponse { Content = Google.Protobuf.ByteString.CopyFrom(report.Content), ContentType = report.ContentType };
    }

    [Authorize(Policy = Policies.Operate)]
    public override async Task<VerifySnapshotResponse> VerifySnapshot(VerifySnapshotRequest request, ServerCallContext context)
    {
        var verification = await snapshots.VerifyAsync(SnapshotId(request.Name), context.CancellationToken);
        return new VerifySnapshotResponse
        {
            Matches = verification.Matches,
            StoredSha256 = verification.StoredSha256,
            RecomputedSha256 = verification.RecomputedSha256,
        };
    }

    [Authorize(Policy = Policies.Operate)]
    public override async Task<ListSnapshotRunsResponse> ListSnapshotRuns(ListSnapshotRunsRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var cycleId = v.Name(ReportingNames.Cycles, request.Parent, "parent", required: false);
        v.ThrowIfInvalid();
        var page = await snapshots.ListRunsAsync(cycleId, request.PageSize, request.PageToken, request.Filter, context.CancellationToken);
        var response = new ListSnapshotRunsResponse { NextPageToken = page.NextPageToken };
        response.SnapshotRuns.AddRange(page.Rows.Select(r => r.ToProto()));
        return response;
    }

    [Authorize(Policy = Policies.Admin)]
    public override Task<ListAuditRecordsResponse> ListAuditRecords(ListAuditRecordsRequest request, ServerCallContext context) =>
        audit.ListAsync(request, context.CancellationToken);

    private static string SnapshotId(string? name)
    {
        var v = new Validator();
        var id = v.CycleIdOfSnapshot(name, "name");
        v.ThrowIfInvalid();
        return id!;
    }
}
