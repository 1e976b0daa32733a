using System.Runtime.CompilerServices;
using Grpc.Core;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Demographics.Application;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;
using Contract = IntegrationServices.Contracts.Demographics.V1.DemographicsService;

namespace IntegrationServices.Demographics.Api;

/// <summary>The gRPC surface: validate the request, call the application, map the result.</summary>
public sealed class DemographicsService(
    CatalogueApplication catalogue,
    ObservationApplication observations,
    ObservationImport import,
    AuditTrail audit) : Contract.DemographicsServiceBase
{
    // The snapshot worker reads the area catalogue (successions as known at the cut-off) for its snapshots.
    [Authorize(Policy = Policies.ReadOrWorker)]
    public override async Task<ListAreasResponse> ListAreas(ListAreasRequest request, ServerCallContext context)
    {
        var validator = new Validator();
        var asOf = validator.Date(request.AsOf, "as_of");
        var knownAt = validator.Instant(request.KnownAt, "known_at");
        validator.ThrowIfInvalid();
        var page = await catalogue.ListAreasAsync(request.PageSize, request.PageToken, asOf, knownAt, context.CancellationToken);
        return new ListAreasResponse { Areas = { page.Rows.Select(a => a.ToProto()) }, NextPageToken = page.NextPageToken };
    }

    [Authorize(Policy = Policies.Statistics)]
    public override async Task<Area> CreateArea(CreateAreaRequest request, ServerCallContext context)
    {
        var validator = new Validator();
        var requestId = validator.Try(() => RequestIds.Normalize(request.RequestId));
        var area = AreaMapping.ToEntry(request, validator);
        validator.ThrowIfInvalid();
        return (await catalogue.CreateAreaAsync(area!, requestId, request, WriteContext.Of(context), context.CancellationToken)).ToProto();
    }

    [Authorize(Policy = Policies.Read)]
    public override async Task<ListIndicatorsResponse> ListIndicators(ListIndicatorsRequest request, ServerCallContext context)
    {
        var page = await catalogue.ListIndicatorsAsync(request.PageSize, request.PageToken, context.CancellationToken);
        return new ListIndicatorsResponse { Indicators = { page.Rows.Select(i => i.ToProto()) }, NextPageToken = page.NextPageToken };
    }

    [Authorize(Policy = Policies.Statistics)]
    public override async Task<Indicator> CreateIndicator(CreateIndicatorRequest request, ServerCallContext context)
    {
        var validator = new Validator();
        var requestId = validator.Try(() => RequestIds.Normalize(request.RequestId));
        var indicator = IndicatorMapping.ToEntry(request, validator);
        validator.ThrowIfInvalid();
        return (await catalogue.CreateIndicatorAsync(indicator!, requestId, request, WriteContext.Of(context), context.CancellationToken)).ToProto();
    }

    [Authorize(Policy = Policies.Statistics)]
    public override async Task<ImportObservationsResponse> ImportObservations(
        IAsyncStreamReader<ImportObservationsRequest> requestStream, ServerCallContext context)
    {
        var count = await import.ImportAsync(Rows(requestStream, context.CancellationToken), WriteContext.Of(context), context.CancellationToken);
        return new ImportObservationsResponse { ImportedCount = count };
    }

    /// <summary>The stream's observations as rows numbered across all its messages, from 0.</summary>
    private static async IAsyncEnumerable<ImportRow> Rows(IAsyncStreamReader<ImportObservationsRequest> requests, [EnumeratorCancellation] CancellationToken ct)
    {
        var index = 0;
        while (true)
        {
            bool more;
            try
            {
                more = await requests.MoveNext(ct);
            }
            catch (IOException e)
            {
                // Kestrel: "The client reset the request stream." The client cancelled; the call's token may learn it a moment later.
                throw new RpcException(new Status(StatusCode.Cancelled, "The client reset the stream; nothing was imported.", e));
            }
            if (!more) yield break;
            foreach (var observation in requests.Current.Observations)
                yield return ImportRow.Of(index++, observation);
        }
    }

    [Authorize(Policy = Policies.ReadOrWorker)]
    public override async Task<ListObservationsResponse> ListObservations(ListObservationsRequest request, ServerCallContext context)
    {
        var validator = new Validator();
        var asOf = validator.Date(request.AsOf, "as_of");
        var knownAt = validator.Instant(request.KnownAt, "known_at");
        validator.ThrowIfInvalid();
        var page = await observations.ListAsync(request.PageSize, request.PageToken, request.Filter, asOf, knownAt, context.CancellationToken);
        return new ListObservationsResponse { Observations = { page.Rows.Select(o => o.ToProto()) }, NextPageToken = page.NextPageToken };
    }

    [Authorize(Policy = Policies.ReadOrWorker)]
    public override async Task<SummarizeAreasResponse> SummarizeAreas(SummarizeAreasRequest request, ServerCallContext context)
    {
        var validator = new Validator();
        var asOf = validator.Date(request.AsOf, "as_of");
        var knownAt = validator.Instant(request.KnownAt, "known_at");
        var areaSetDate = validator.Date(request.AreaSetDate, "area_set_date");
        validator.ThrowIfInvalid();
        return (await observations.SummarizeAsync(asOf, knownAt, areaSetDate, context.CancellationToken)).ToProto();
    }

    [Authorize(Policy = Policies.Admin)]
    public override Task<ListAuditRecordsResponse> ListAuditRecords(ListAuditRecordsRequest request, ServerCallContext context) =>
        audit.ListAsync(request, context.CancellationToken);
}
