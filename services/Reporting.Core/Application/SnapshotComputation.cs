using System.Runtime.ExceptionServices;
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
/// Computes a cycle's snapshot: reads the measures (StreamMeasures, with the catalogue titles), the
/// demographic summary (SummarizeAreas) and, from content version 2, the area catalogue (ListAreas)
/// through their gRPC APIs as of the reference date with the knowledge cut-off, and aggregates them by
/// the input's content version (<see cref="SnapshotAggregator"/>). The snapshot worker takes snapshots
/// with it; VerifySnapshot recomputes with it.
/// </summary>
public sealed class SnapshotComputation(
    MeasuresClient measures,
    DemographicsClient demographics,
    SnapshotCredentials credentials,
    SnapshotFaultPoint faults)
{
    /// <summary>
    /// The calls one computation makes, each with its own deadline of <see cref="SnapshotOptions.CallTimeout"/>
    /// (StreamMeasures, three catalogue lists, SummarizeAreas, ListAreas; a list of more than 1,000 entries
    /// takes one call per page): what the longest attempt is estimated from.
    /// </summary>
    public const int Calls = 6;

    /// <summary>
    /// The snapshot without its changes (those are taken against the base under the store lock). The reads
    /// are independent and each pinned to the reference date and the cut-off, so they run at once and the
    /// attempt waits for the slowest, not for their sum. The first read to fail cancels the others at once and
    /// is the failure reported (not the cancellations it caused); none outlives the attempt.
    /// </summary>
    public async Task<Snapshot> AggregateAsync(SnapshotInput input, CancellationToken ct)
    {
        using var reads = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Exception? firstFailure = null;
        async Task<T> Read<T>(Func<CancellationToken, Task<T>> read)
        {
            try
            {
                return await read(reads.Token);
            }
            catch (Exception e) when (!reads.IsCancellationRequested)
            {
                // A read ended by the cancellation (another's failure, a failure after the reads, the caller) is no failure of its own.
                Interlocked.CompareExchange(ref firstFailure, e, null);
                await reads.CancelAsync();
                throw;
            }
        }

        var measuresRead = Read(c => ReadMeasuresAsync(input, c));
        var titlesRead = Read(ReadTitlesAsync);
        var demographicsRead = Read(c => ReadDemographicsAsync(input, c));
        try
        {
            var (read, titles) = (await measuresRead, await titlesRead);
            faults.Reach(SnapshotStep.MeasuresRead, input.CycleId);
            var (summary, areas) = await demographicsRead;
            faults.Reach(SnapshotStep.DemographicsRead, input.CycleId);
            var snapshot = SnapshotAggregator.Aggregate(input, new SnapshotSources(read, titles, summary, areas));
            faults.Reach(SnapshotStep.Aggregated, input.CycleId);
            return snapshot;
        }
        catch
        {
            await reads.CancelAsync();
            try { await Task.WhenAll(measuresRead, titlesRead, demographicsRead); }
            catch (Exception) { /* these ended with the failure reported below */ }
            if (!ct.IsCancellationRequested && firstFailure is not null) ExceptionDispatchInfo.Throw(firstFailure);
            throw;
        }
    }

    /// <summary>The snapshot with its changes against <paramref name="base"/>, its canonical bytes and hash.</summary>
    public async Task<ComputedSnapshot> ComputeAsync(SnapshotInput input, Snapshot? @base, CancellationToken ct) =>
        SnapshotContent.Freeze(await AggregateAsync(input, ct), @base);

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
        using var call = measures.StreamMeasures(request, await credentials.CallOptionsAsync(ct));
        await foreach (var measure in call.ResponseStream.ReadAllAsync(ct))
            if (scope.Count == 0 || scope.Contains(measure.ActionConcept)) list.Add(measure);
        return list;
    }

    /// <summary>The demographic summary and, from content version 2, the area catalogue.</summary>
    private async Task<(SummarizeAreasResponse Summary, List<Area> Areas)> ReadDemographicsAsync(SnapshotInput input, CancellationToken ct)
    {
        var summary = await demographics.SummarizeAreasAsync(new SummarizeAreasRequest
        {
            AsOf = input.ReferenceDate.ToProto(),
            KnownAt = input.KnownAt.ToProto(),
            AreaSetDate = input.ReferenceDate.ToProto(),
        }, await credentials.CallOptionsAsync(ct));
        var areas = input.ContentVersion >= SnapshotRulesV2.Version ? await ReadAreasAsync(input, ct) : [];
        return (summary, areas);
    }

    private async Task<CatalogueTitles> ReadTitlesAsync(CancellationToken ct)
    {
        var fields = new Dictionary<int, string>();
        await ReadAllAsync(async token => await measures.ListFieldsOfActionAsync(new ListFieldsOfActionRequest { PageSize = Paging.MaxPageSize, PageToken = token }, await credentials.CallOptionsAsync(ct)),
            page => { foreach (var f in page.FieldsOfAction) fields[f.Number] = f.Title; return page.NextPageToken; });
        var concepts = new Dictionary<string, string>(StringComparer.Ordinal);
        await ReadAllAsync(async token => await measures.ListActionConceptsAsync(new ListActionConceptsRequest { PageSize = Paging.MaxPageSize, PageToken = token }, await credentials.CallOptionsAsync(ct)),
            page => { foreach (var c in page.ActionConcepts) concepts[c.Name] = c.Title; return page.NextPageToken; });
        var units = new Dictionary<string, string>(StringComparer.Ordinal);
        await ReadAllAsync(async token => await measures.ListOrganizationalUnitsAsync(new ListOrganizationalUnitsRequest { PageSize = Paging.MaxPageSize, PageToken = token }, await credentials.CallOptionsAsync(ct)),
            page => { foreach (var u in page.OrganizationalUnits) units[u.Name] = u.Title; return page.NextPageToken; });
        return new CatalogueTitles(fields, concepts, units);
    }

    /// <summary>Every area (with its validity and successors) as known at the cut-off.</summary>
    private async Task<List<Area>> ReadAreasAsync(SnapshotInput input, CancellationToken ct)
    {
        var areas = new List<Area>();
        await ReadAllAsync(async token => await demographics.ListAreasAsync(new ListAreasRequest { PageSize = Paging.MaxPageSize, PageToken = token, KnownAt = input.KnownAt.ToProto() }, await credentials.CallOptionsAsync(ct)),
            page => { areas.AddRange(page.Areas); return page.NextPageToken; });
        return areas;
    }

    /// <summary>Every page of a list method: <paramref name="take"/> keeps a page's items and returns its next_page_token.</summary>
    private static async Task ReadAllAsync<TPage>(Func<string, Task<TPage>> list, Func<TPage, string> take)
    {
        var token = "";
        do token = take(await list(token));
        while (token.Length > 0);
    }
}
