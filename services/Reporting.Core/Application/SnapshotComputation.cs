using Grpc.Core;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.ServiceDefaults.Api;
using MeasuresClient = IntegrationServices.Contracts.Measures.V1.MeasuresService.MeasuresServiceClient;
using DemographicsClient = IntegrationServices.Contracts.Demographics.V1.DemographicsService.DemographicsServiceClient;

namespace IntegrationServices.Reporting.Core.Application;

/// <summary>
/// Computes a cycle's snapshot: reads the measures (StreamMeasures, with the catalogue titles) and the
/// demographic summary (SummarizeAreas) through their gRPC APIs as of the reference date with the
/// knowledge cut-off, and aggregates them (<see cref="SnapshotAggregator"/>). The snapshot worker
/// takes snapshots with it; VerifySnapshot recomputes with it.
/// </summary>
public sealed class SnapshotComputation(
    MeasuresClient measures,
    DemographicsClient demographics,
    SnapshotCredentials credentials,
    SnapshotFaultPoint faults)
{
    public async Task<ComputedSnapshot> ComputeAsync(SnapshotInput input, Snapshot? previous, CancellationToken ct)
    {
        var read = await ReadMeasuresAsync(input, ct);
        var titles = await ReadTitlesAsync(ct);
        faults.Reach(SnapshotStep.MeasuresRead, input.CycleId);
        var summary = await demographics.SummarizeAreasAsync(new SummarizeAreasRequest
        {
            AsOf = input.ReferenceDate.ToProto(),
            KnownAt = input.KnownAt.ToProto(),
            AreaSetDate = input.ReferenceDate.ToProto(),
        }, credentials.CallOptions(ct));
        faults.Reach(SnapshotStep.DemographicsRead, input.CycleId);
        var computed = SnapshotAggregator.Compute(input, read, titles, summary, previous);
        faults.Reach(SnapshotStep.Aggregated, input.CycleId);
        return computed;
    }

    private async Task<List<Measure>> ReadMeasuresAsync(SnapshotInput input, CancellationToken ct)
    {
        var request = new StreamMeasuresRequest
        {
            AsOf = input.ReferenceDate.ToProto(),
            KnownAt = input.KnownAt.ToProto(),
        };
        // One concept: filtered by the service; several: filtered here.
        if (input.Scope.Count == 1 && input.Scope[0].All(c => c != '"' && c != '\\'))
            request.Filter = $"action_concept = \"{input.Scope[0]}\"";
        var scope = input.Scope.ToHashSet(StringComparer.Ordinal);
        var list = new List<Measure>();
        using var call = measures.StreamMeasures(request, credentials.CallOptions(ct));
        await foreach (var measure in call.ResponseStream.ReadAllAsync(ct))
            if (scope.Count == 0 || scope.Contains(measure.ActionConcept)) list.Add(measure);
        return list;
    }

    private async Task<CatalogueTitles> ReadTitlesAsync(CancellationToken ct)
    {
        var fields = new Dictionary<int, string>();
        await ReadAllAsync(token => measures.ListFieldsOfActionAsync(new ListFieldsOfActionRequest { PageSize = Paging.MaxPageSize, PageToken = token }, credentials.CallOptions(ct)),
            page => { foreach (var f in page.FieldsOfAction) fields[f.Number] = f.Title; return page.NextPageToken; });
        var concepts = new Dictionary<string, string>(StringComparer.Ordinal);
        await ReadAllAsync(token => measures.ListActionConceptsAsync(new ListActionConceptsRequest { PageSize = Paging.MaxPageSize, PageToken = token }, credentials.CallOptions(ct)),
            page => { foreach (var c in page.ActionConcepts) concepts[c.Name] = c.Title; return page.NextPageToken; });
        var units = new Dictionary<string, string>(StringComparer.Ordinal);
        await ReadAllAsync(token => measures.ListOrganizationalUnitsAsync(new ListOrganizationalUnitsRequest { PageSize = Paging.MaxPageSize, PageToken = token }, credentials.CallOptions(ct)),
            page => { foreach (var u in page.OrganizationalUnits) units[u.Name] = u.Title; return page.NextPageToken; });
        return new CatalogueTitles(fields, concepts, units);
    }

    /// <summary>Every page of a list method: <paramref name="take"/> keeps a page's items and returns its next_page_token.</summary>
    private static async Task ReadAllAsync<TPage>(Func<string, AsyncUnaryCall<TPage>> list, Func<TPage, string> take)
    {
        var token = "";
        do token = take(await list(token));
        while (token.Length > 0);
    }
}
