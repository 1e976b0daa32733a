using Grpc.Core;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Measures.Application;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;

namespace IntegrationServices.Measures.Api;

/// <summary>
/// integration.measures.v1.MeasuresService: validates each request into the domain's inputs, calls the
/// application and maps the result. Who may call what is declared per method.
/// </summary>
public sealed class MeasuresService(MeasureApplication measures, CatalogueApplication catalogue, AuditTrail audit)
    : Contracts.Measures.V1.MeasuresService.MeasuresServiceBase
{
    // ---- measures ---------------------------------------------------------------------------------

    [Authorize(Policy = Policies.Coordinate)]
    public override async Task<Measure> CreateMeasure(CreateMeasureRequest request, ServerCallContext context)
    {
        var fields = MeasureRequests.NewMeasure(request);
        return (await measures.CreateAsync(WriteContext.Of(context), request.RequestId, request, fields, context.CancellationToken)).ToProto();
    }

    [Authorize(Policy = Policies.Read)]
    public override async Task<Measure> GetMeasure(GetMeasureRequest request, ServerCallContext context)
    {
        var (id, asOf, knownAt) = MeasureRequests.Get(request);
        return (await measures.GetAsync(id, asOf, knownAt, context.CancellationToken)).ToProto();
    }

    [Authorize(Policy = Policies.Read)]
    public override async Task<ListMeasuresResponse> ListMeasures(ListMeasuresRequest request, ServerCallContext context)
    {
        var selection = MeasureRequests.Selection(request.Filter, request.ShowRetired, request.AsOf, request.KnownAt);
        var page = await measures.ListAsync(selection, request.PageSize, request.PageToken, context.CancellationToken);
        return new ListMeasuresResponse { Measures = { page.Rows.Select(r => r.ToProto()) }, NextPageToken = page.NextPageToken };
    }

    [Authorize(Policy = Policies.ReadOrWorker)]
    public override async Task StreamMeasures(StreamMeasuresRequest request, IServerStreamWriter<Measure> responseStream, ServerCallContext context)
    {
        var selection = MeasureRequests.Selection(request.Filter, request.ShowRetired, request.AsOf, request.KnownAt);
        await foreach (var row in measures.StreamAsync(selection, context.CancellationToken))
            await responseStream.WriteAsync(row.ToProto(), context.CancellationToken);
    }

    [Authorize(Policy = Policies.Edit)]
    public override async Task<Measure> UpdateMeasure(UpdateMeasureRequest request, ServerCallContext context)
    {
        var (id, patch) = MeasureRequests.Update(request);
        return (await measures.UpdateAsync(WriteContext.Of(context), id, request.Measure.Etag, patch, context.CancellationToken)).ToProto();
    }

    [Authorize(Policy = Policies.Coordinate)]
    public override async Task<Measure> DeleteMeasure(DeleteMeasureRequest request, ServerCallContext context)
    {
        var id = Domain.MeasureNames.Measures.RequireNumber(request.Name, "name");
        return (await measures.RetireAsync(WriteContext.Of(context), id, request.Etag, context.CancellationToken)).ToProto();
    }

    // ---- status events ----------------------------------------------------------------------------

    [Authorize(Policy = Policies.Edit)]
    public override async Task<StatusEvent> RecordStatus(RecordStatusRequest request, ServerCallContext context)
    {
        var (measureId, change) = MeasureRequests.RecordStatus(request);
        return (await measures.RecordStatusAsync(WriteContext.Of(context), request.RequestId, request, measureId, change, context.CancellationToken)).ToProto();
    }

    [Authorize(Policy = Policies.Read)]
    public override async Task<ListStatusEventsResponse> ListStatusEvents(ListStatusEventsRequest request, ServerCallContext context)
    {
        var measureId = Domain.MeasureNames.Measures.RequireNumber(request.Parent, "parent");
        var page = await measures.ListStatusEventsAsync(measureId, request.PageSize, request.PageToken, context.CancellationToken);
        return new ListStatusEventsResponse { StatusEvents = { page.Rows.Select(r => r.ToProto()) }, NextPageToken = page.NextPageToken };
    }

    // ---- catalogue (the snapshot worker reads the lists for the titles of its group summaries) -----

    [Authorize(Policy = Policies.ReadOrWorker)]
    public override async Task<ListFieldsOfActionResponse> ListFieldsOfAction(ListFieldsOfActionRequest request, ServerCallContext context)
    {
        var page = await catalogue.ListFieldsOfActionAsync(request.PageSize, request.PageToken, context.CancellationToken);
        return new ListFieldsOfActionResponse { FieldsOfAction = { page.Rows.Select(r => r.ToProto()) }, NextPageToken = page.NextPageToken };
    }

    [Authorize(Policy = Policies.ReadOrWorker)]
    public override async Task<ListActionConceptsResponse> ListActionConcepts(ListActionConceptsRequest request, ServerCallContext context)
    {
        var page = await catalogue.ListActionConceptsAsync(request.PageSize, request.PageToken, context.CancellationToken);
        return new ListActionConceptsResponse { ActionConcepts = { page.Rows.Select(r => r.ToProto()) }, NextPageToken = page.NextPageToken };
    }

    [Authorize(Policy = Policies.Coordinate)]
    public override async Task<ActionConcept> CreateActionConcept(CreateActionConceptRequest request, ServerCallContext context)
    {
        var concept = CatalogueRequests.NewActionConcept(request);
        return (await catalogue.CreateActionConceptAsync(WriteContext.Of(context), request.RequestId, request, concept, context.CancellationToken)).ToProto();
    }

    [Authorize(Policy = Policies.ReadOrWorker)]
    public override async Task<ListOrganizationalUnitsResponse> ListOrganizationalUnits(ListOrganizationalUnitsRequest request, ServerCallContext context)
    {
        var page = await catalogue.ListUnitsAsync(request.PageSize, request.PageToken, context.CancellationToken);
        return new ListOrganizationalUnitsResponse { OrganizationalUnits = { page.Rows.Select(r => r.ToProto()) }, NextPageToken = page.NextPageToken };
    }

    [Authorize(Policy = Policies.Coordinate)]
    public override async Task<OrganizationalUnit> CreateOrganizationalUnit(CreateOrganizationalUnitRequest request, ServerCallContext context)
    {
        var unit = CatalogueRequests.NewUnit(request);
        return (await catalogue.CreateUnitAsync(WriteContext.Of(context), request.RequestId, request, unit, context.CancellationToken)).ToProto();
    }

    [Authorize(Policy = Policies.Admin)]
    public override Task<ListAuditRecordsResponse> ListAuditRecords(ListAuditRecordsRequest request, ServerCallContext context) =>
        audit.ListAsync(request, context.CancellationToken);
}
