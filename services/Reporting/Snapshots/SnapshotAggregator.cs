using Grpc.Core;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.ServiceDefaults.Api;
using MeasuresClient = IntegrationServices.Contracts.Measures.V1.MeasuresService.MeasuresServiceClient;
using DemographicsClient = IntegrationServices.Contracts.Demographics.V1.DemographicsService.DemographicsServiceClient;

namespace IntegrationServices.Reporting.Snapshots;

/// <summary>What a snapshot is computed from: the cycle, its Stichtag, the knowledge cut-off and the scope.</summary>
public sealed record SnapshotInput(string CycleId, DateOnly ReferenceDate, DateTime KnownAt, IReadOnlyList<string> Scope)
{
    public string Name => SnapshotContent.NameOf(CycleId);
}

/// <summary>A computed snapshot with its canonical bytes and their hash.</summary>
public sealed record ComputedSnapshot(Snapshot Snapshot, byte[] Content, string Sha256, int MeasureCount, int AreaCount);

/// <summary>Catalogue titles by key (field of action number, action concept name, unit name).</summary>
public sealed record CatalogueTitles(
    IReadOnlyDictionary<int, string> FieldsOfAction,
    IReadOnlyDictionary<string, string> ActionConcepts,
    IReadOnlyDictionary<string, string> Units);

/// <summary>
/// Computes a cycle's snapshot: reads the measures (StreamMeasures) and the demographic summary
/// (SummarizeAreas) through their gRPC APIs as of the reference date with the knowledge cut-off, and
/// aggregates them into the canonical <see cref="Snapshot"/> (see <see cref="SnapshotContent"/>).
/// </summary>
public sealed class SnapshotAggregator(
    MeasuresClient measures,
    DemographicsClient demographics,
    SnapshotCredentials credentials,
    ISnapshotFaultInjector faults)
{
    public async Task<ComputedSnapshot> ComputeAsync(SnapshotInput input, Snapshot? previous, CancellationToken ct)
    {
        var read = await ReadMeasuresAsync(input, ct);
        var titles = await ReadTitlesAsync(ct);
        await faults.OnStepAsync(SnapshotStep.MeasuresRead, input.CycleId, ct);
        var summary = await demographics.SummarizeAreasAsync(new SummarizeAreasRequest
        {
            AsOf = input.ReferenceDate.ToProto(),
            KnownAt = input.KnownAt.ToProto(),
            AreaSetDate = input.ReferenceDate.ToProto(),
        }, credentials.CallOptions(ct));
        await faults.OnStepAsync(SnapshotStep.DemographicsRead, input.CycleId, ct);
        var snapshot = Aggregate(input, read, titles, summary, previous);
        var content = SnapshotContent.CanonicalBytes(snapshot);
        var sha = SnapshotContent.Sha256Hex(content);
        snapshot.ContentSha256 = sha;
        await faults.OnStepAsync(SnapshotStep.Aggregated, input.CycleId, ct);
        return new ComputedSnapshot(snapshot, content, sha, read.Count, summary.Areas.Count);
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
        var fieldsToken = "";
        do
        {
            var page = await measures.ListFieldsOfActionAsync(new ListFieldsOfActionRequest { PageSize = 1000, PageToken = fieldsToken }, credentials.CallOptions(ct));
            foreach (var f in page.FieldsOfAction) fields[f.Number] = f.Title;
            fieldsToken = page.NextPageToken;
        } while (fieldsToken.Length > 0);

        var concepts = new Dictionary<string, string>(StringComparer.Ordinal);
        var conceptsToken = "";
        do
        {
            var page = await measures.ListActionConceptsAsync(new ListActionConceptsRequest { PageSize = 1000, PageToken = conceptsToken }, credentials.CallOptions(ct));
            foreach (var c in page.ActionConcepts) concepts[c.Name] = c.Title;
            conceptsToken = page.NextPageToken;
        } while (conceptsToken.Length > 0);

        var units = new Dictionary<string, string>(StringComparer.Ordinal);
        var unitsToken = "";
        do
        {
            var page = await measures.ListOrganizationalUnitsAsync(new ListOrganizationalUnitsRequest { PageSize = 1000, PageToken = unitsToken }, credentials.CallOptions(ct));
            foreach (var u in page.OrganizationalUnits) units[u.Name] = u.Title;
            unitsToken = page.NextPageToken;
        } while (unitsToken.Length > 0);
        return new CatalogueTitles(fields, concepts, units);
    }

    /// <summary>The pure aggregation: same inputs, same snapshot (and bytes), whatever the run.</summary>
    public static Snapshot Aggregate(SnapshotInput input, IReadOnlyList<Measure> measures, CatalogueTitles titles,
        SummarizeAreasResponse demographics, Snapshot? previous)
    {
        var entries = measures
            .Select(m => new MeasureEntry
            {
                Name = m.Name,
                Code = m.Code,
                Title = m.Title,
                FieldOfAction = m.FieldOfAction,
                ActionConcept = m.ActionConcept,
                ResponsibleUnit = m.ResponsibleUnit,
                // A measure without status events is NOT_STARTED (API.md).
                Status = m.Status == MeasureStatus.Unspecified ? MeasureStatus.NotStarted : m.Status,
                ProgressPercent = m.ProgressPercent,
                StatusEffectiveDate = m.StatusEffectiveDate,
            })
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToList();

        var summary = new MeasureSummary
        {
            Total = entries.Count,
            AverageProgressPercent = AveragePercent(entries),
        };
        summary.ByStatus.AddRange(Counts(entries));
        summary.ByFieldOfAction.AddRange(Groups(entries, e => SnapshotContent.Key(e.FieldOfAction),
            key => int.TryParse(key, out var n) && titles.FieldsOfAction.TryGetValue(n, out var t) ? t : ""));
        summary.ByActionConcept.AddRange(Groups(entries, e => e.ActionConcept,
            key => titles.ActionConcepts.TryGetValue(key, out var t) ? t : ""));
        summary.ByResponsibleUnit.AddRange(Groups(entries, e => e.ResponsibleUnit,
            key => titles.Units.TryGetValue(key, out var t) ? t : ""));
        summary.Entries.AddRange(entries);

        var snapshot = new Snapshot
        {
            Name = input.Name,
            Cycle = Cycles.CycleNames.Format(input.CycleId),
            ReferenceDate = input.ReferenceDate.ToProto(),
            KnownAt = input.KnownAt.ToProto(),
            Measures = summary,
            Demographics = Demographics(demographics, input.ReferenceDate),
        };
        snapshot.Changes = SnapshotContent.Compare(previous, snapshot);
        return snapshot;
    }

    private static double AveragePercent(List<MeasureEntry> entries) =>
        entries.Count == 0 ? 0 : Math.Round(entries.Average(e => (double)e.ProgressPercent), 2, MidpointRounding.AwayFromZero);

    private static IEnumerable<StatusCount> Counts(List<MeasureEntry> entries) =>
        SnapshotContent.Statuses.Select(s => new StatusCount { Status = s, Count = entries.Count(e => e.Status == s) });

    private static IEnumerable<GroupSummary> Groups(List<MeasureEntry> entries, Func<MeasureEntry, string> key, Func<string, string> title) =>
        entries.GroupBy(key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var group = new GroupSummary { Key = g.Key, Title = title(g.Key), Total = g.Count() };
                group.ByStatus.AddRange(Counts(g.ToList()));
                return group;
            });

    private static SnapshotDemographics Demographics(SummarizeAreasResponse response, DateOnly areaSetDate)
    {
        var result = new SnapshotDemographics { AreaSetDate = areaSetDate.ToProto() };
        result.Areas.AddRange(response.Areas.Select(Area).OrderBy(a => a.Area, StringComparer.Ordinal));
        if (response.City is { } city) result.City = Area(city);
        result.UnmappedAreas.AddRange(response.UnmappedAreas.Order(StringComparer.Ordinal));
        return result;
    }

    private static DemographicsAreaSummary Area(AreaSummary a)
    {
        var s = new DemographicsAreaSummary { Area = a.Area, AreaTitle = a.AreaTitle, ReferenceDate = a.ReferenceDate };
        if (a.HasPopulationTotal) s.PopulationTotal = a.PopulationTotal;
        if (a.HasForeignNationals) s.ForeignNationals = a.ForeignNationals;
        if (a.HasPopulationWithMigrationBackground) s.PopulationWithMigrationBackground = a.PopulationWithMigrationBackground;
        if (a.HasMigrationBackgroundSharePercent) s.MigrationBackgroundSharePercent = a.MigrationBackgroundSharePercent;
        return s;
    }
}
