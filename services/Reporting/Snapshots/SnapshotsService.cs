using Grpc.Core;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Cycles;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;
using Format = IntegrationServices.Contracts.Reporting.V1.RenderReportRequest.Types.Format;

namespace IntegrationServices.Reporting.Snapshots;

/// <summary>integration.reporting.v1.SnapshotsService: the snapshots the worker froze, their runs, reports and verification.</summary>
public sealed class SnapshotsService(
    SnapshotStore store,
    SnapshotAggregator aggregator,
    ReportingCycleRepository cycles,
    IReportRenderer renderer,
    AuditTrail audit)
    : Contracts.Reporting.V1.SnapshotsService.SnapshotsServiceBase
{
    [Authorize(Policy = Policies.Read)]
    public override async Task<Snapshot> GetSnapshot(GetSnapshotRequest request, ServerCallContext context) =>
        (await LoadAsync(request.Name, "name", context.CancellationToken)).ToProto();

    [Authorize(Policy = Policies.Read)]
    public override async Task<ListSnapshotsResponse> ListSnapshots(ListSnapshotsRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize);
        var terms = Filter.Parse(request.Filter, SnapshotStore.SnapshotFilterFields);
        var selection = Paging.Selection("snapshots", request.Filter);
        var after = Paging.Decode<PageKey>(request.PageToken, selection);
        var afterDate = after?.Date ?? DateOnly.MinValue;
        var rows = await store.ListAsync(terms, afterDate, after?.Id ?? "", pageSize + 1, context.CancellationToken);
        var response = new ListSnapshotsResponse();
        response.Snapshots.AddRange(rows.Take(pageSize).Select(s => s.ToProto()));
        if (rows.Count > pageSize)
        {
            var last = rows[pageSize - 1];
            response.NextPageToken = Paging.Encode(new PageKey(last.ReferenceDate, last.CycleId), selection);
        }
        return response;
    }

    [Authorize(Policy = Policies.Read)]
    public override async Task<CompareSnapshotsResponse> CompareSnapshots(CompareSnapshotsRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var baseId = SnapshotContent.CycleIdOf(request.Base);
        var targetId = SnapshotContent.CycleIdOf(request.Target);
        if (baseId is null) v.Add("base", $"'{request.Base}' is not a snapshot name; expected \"reportingCycles/{{id}}/snapshot\"");
        if (targetId is null) v.Add("target", $"'{request.Target}' is not a snapshot name; expected \"reportingCycles/{{id}}/snapshot\"");
        v.ThrowIfInvalid();
        var @base = await store.GetAsync(baseId!, context.CancellationToken) ?? throw ServiceException.NotFound(request.Base);
        var target = await store.GetAsync(targetId!, context.CancellationToken) ?? throw ServiceException.NotFound(request.Target);
        return new CompareSnapshotsResponse { Changes = SnapshotContent.Compare(@base.ToProto(), target.ToProto()) };
    }

    [Authorize(Policy = Policies.Read)]
    public override async Task<RenderReportResponse> RenderReport(RenderReportRequest request, ServerCallContext context)
    {
        if (request.Format is not (Format.Html or Format.Markdown or Format.Csv))
            throw ServiceException.Invalid("format", "is required: HTML, MARKDOWN or CSV");
        var stored = await LoadAsync(request.Name, "name", context.CancellationToken);
        var cycle = await cycles.GetAsync(stored.CycleId, context.CancellationToken) ?? throw ServiceException.NotFound(CycleNames.Format(stored.CycleId));
        var report = renderer.Render(stored.ToProto(), cycle.ToProto(revealNonPublicResults: false), request.Format);
        return new RenderReportResponse { Content = Google.Protobuf.ByteString.CopyFrom(report.Content), ContentType = report.ContentType };
    }

    [Authorize(Policy = Policies.Operate)]
    public override async Task<VerifySnapshotResponse> VerifySnapshot(VerifySnapshotRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var stored = await LoadAsync(request.Name, "name", ct);
        var cycle = await cycles.GetAsync(stored.CycleId, ct) ?? throw ServiceException.NotFound(CycleNames.Format(stored.CycleId));
        var content = stored.ToProto();
        // The base the snapshot was compared against when it was taken.
        Snapshot? previous = null;
        if (SnapshotContent.CycleIdOf(content.Changes?.Base) is { } baseId)
            previous = (await store.GetAsync(baseId, ct))?.ToProto();
        var recomputed = await aggregator.ComputeAsync(new SnapshotInput(stored.CycleId, stored.ReferenceDate, stored.KnownAt, cycle.Scope), previous, ct);
        // The content as stored must still hash to the recorded value, and the recomputation must give it again.
        var contentIntact = SnapshotContent.Sha256Hex(stored.Content) == stored.ContentSha256;
        return new VerifySnapshotResponse
        {
            Matches = contentIntact && recomputed.Sha256 == stored.ContentSha256,
            StoredSha256 = stored.ContentSha256,
            RecomputedSha256 = recomputed.Sha256,
        };
    }

    [Authorize(Policy = Policies.Operate)]
    public override async Task<ListSnapshotRunsResponse> ListSnapshotRuns(ListSnapshotRunsRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize);
        string? cycleId = string.IsNullOrEmpty(request.Parent) ? null : CycleNames.ParseId(request.Parent, "parent");
        var terms = Filter.Parse(request.Filter, SnapshotStore.RunFilterFields);
        var selection = Paging.Selection("snapshotRuns", request.Parent, request.Filter);
        var after = Paging.Decode<long?>(request.PageToken, selection) ?? 0;
        var runs = await store.ListRunsAsync(cycleId, terms, after, pageSize + 1, context.CancellationToken);
        var response = new ListSnapshotRunsResponse();
        response.SnapshotRuns.AddRange(runs.Take(pageSize).Select(r => r.ToProto()));
        if (runs.Count > pageSize) response.NextPageToken = Paging.Encode<long?>(runs[pageSize - 1].Id, selection);
        return response;
    }

    [Authorize(Policy = Policies.Admin)]
    public override Task<ListAuditRecordsResponse> ListAuditRecords(ListAuditRecordsRequest request, ServerCallContext context) =>
        audit.ListAsync(request, context.CancellationToken);

    private async Task<StoredSnapshot> LoadAsync(string? name, string field, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(name)) throw ServiceException.Invalid(field, "is required, e.g. \"reportingCycles/2018/snapshot\"");
        var id = SnapshotContent.CycleIdOf(name)
                 ?? throw ServiceException.Invalid(field, $"'{name}' is not a snapshot name; expected \"reportingCycles/{{id}}/snapshot\"");
        return await store.GetAsync(id, ct) ?? throw ServiceException.NotFound(name);
    }

    private sealed record PageKey(DateOnly Date, string Id);
}
