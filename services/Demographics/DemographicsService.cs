using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Grpc.Core;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Demographics.Storage;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;
using Contract = IntegrationServices.Contracts.Demographics.V1.DemographicsService;

namespace IntegrationServices.Demographics;

/// <summary>The gRPC surface: validate, call the repositories, map.</summary>
public sealed partial class DemographicsService(
    CatalogRepository catalog,
    ObservationRepository observations,
    ObservationImporter importer,
    AreaSummarizer summarizer,
    AuditTrail audit,
    RequestIds requestIds,
    TimeProvider clock) : Contract.DemographicsServiceBase
{
    private static readonly IReadOnlyDictionary<string, FilterField> ObservationFilterFields = new Dictionary<string, FilterField>
    {
        ["indicator"] = new("indicator_id", v => Indicators.IdOf(v), OrderedOperators: false),
        ["area"] = new("area_id", v => AreaCatalog.IdOf(v), OrderedOperators: false),
        ["reference_date"] = new("reference_date", v => DateOnly.ParseExact(v, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
    };

    [Authorize(Policy = Policies.Read)]
    public override async Task<ListAreasResponse> ListAreas(ListAreasRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize);
        var asOf = ProtoConvert.ToDateOnly(request.AsOf, "as_of");
        var selection = Paging.Selection("areas", asOf);
        var after = Paging.Decode<string>(request.PageToken, selection) ?? "";
        var rows = await catalog.PageAreasAsync(after, asOf, pageSize + 1, context.CancellationToken);
        var response = new ListAreasResponse();
        response.Areas.AddRange(rows.Take(pageSize).Select(ToProto));
        if (rows.Count > pageSize) response.NextPageToken = Paging.Encode(rows[pageSize - 1].Id, selection);
        return response;
    }

    [Authorize(Policy = Policies.Statistics)]
    public override async Task<Area> CreateArea(CreateAreaRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var requestId = RequestIds.Normalize(request.RequestId);
        var area = request.Area ?? throw ServiceException.Invalid("area", "is required");
        var row = ValidateArea(area, request.AreaId);
        var name = await requestIds.CreateOnceAsync(WriteContext.Of(context), requestId, request, async db =>
        {
            var (connection, transaction) = (db.Connection, db.Transaction!);
            // Read inside the write transaction (SQLite: IMMEDIATE, i.e. writers serialized), so the
            // overlap check and the insert see the same areas.
            var areas = await catalog.LoadAreasAsync(connection, transaction, ct);
            if (areas.Find(row.Id) is not null) throw ServiceException.AlreadyExists(AreaCatalog.NameOf(row.Id));
            var validator = new Validator();
            if (row.ParentId is not null && areas.Find(row.ParentId) is null)
                validator.Add("area.parent", $"unknown area '{area.Parent}'");
            for (var i = 0; i < row.Successors.Count; i++)
                if (areas.Find(row.Successors[i]) is null) validator.Add($"area.successors[{i}]", $"unknown area '{area.Successors[i]}'");
            foreach (var other in areas.WithCode(row.Code))
                if (Overlaps(row, other))
                    validator.Add("area.code", $"{AreaCatalog.NameOf(other.Id)} has the same code and an overlapping validity ({other.Validity}); end it first or choose other dates");
            validator.ThrowIfInvalid();
            try
            {
                await catalog.InsertAreaAsync(connection, transaction, row, ct);
            }
            catch (Exception e) when (catalog.Database.Dialect.IsUniqueViolation(e))
            {
                throw ServiceException.AlreadyExists(AreaCatalog.NameOf(row.Id));
            }
            var resource = AreaCatalog.NameOf(row.Id);
            await audit.AppendAsync(connection, transaction, context, resource, ToProto(row).ToString(), ct);
            return resource;
        }, ct);
        await using var read = await catalog.Database.OpenAsync(ct);
        return ToProto(await catalog.FindAreaAsync(read, null, AreaCatalog.IdOf(name), ct) ?? throw ServiceException.NotFound(name));
    }

    [Authorize(Policy = Policies.Read)]
    public override async Task<ListIndicatorsResponse> ListIndicators(ListIndicatorsRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize);
        var selection = Paging.Selection("indicators");
        var after = Paging.Decode<string>(request.PageToken, selection) ?? "";
        var rows = await catalog.PageIndicatorsAsync(after, pageSize + 1, context.CancellationToken);
        var response = new ListIndicatorsResponse();
        response.Indicators.AddRange(rows.Take(pageSize).Select(ToProto));
        if (rows.Count > pageSize) response.NextPageToken = Paging.Encode(rows[pageSize - 1].Id, selection);
        return response;
    }

    [Authorize(Policy = Policies.Statistics)]
    public override async Task<Indicator> CreateIndicator(CreateIndicatorRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var requestId = RequestIds.Normalize(request.RequestId);
        var indicator = request.Indicator ?? throw ServiceException.Invalid("indicator", "is required");
        var validator = new Validator()
            .Require(IndicatorId().IsMatch(request.IndicatorId ?? ""), "indicator_id",
                "is required: lower-case letters, digits and '_', starting with a letter, at most 64 characters")
            .Text(indicator.Title, "indicator.title", 200)
            .Require(indicator.Unit is IndicatorUnit.Persons or IndicatorUnit.Percent, "indicator.unit", "is required: PERSONS or PERCENT")
            .FreeText(indicator.Definition, "indicator.definition", 2000, required: true)
            .FreeText(indicator.Source, "indicator.source", 2000, required: true);
        validator.ThrowIfInvalid();
        var row = new IndicatorRow
        {
            Id = request.IndicatorId!,
            Title = indicator.Title.Trim(),
            Unit = indicator.Unit == IndicatorUnit.Persons ? Units.Persons : Units.Percent,
            Definition = indicator.Definition.Trim(),
            Source = indicator.Source.Trim(),
        };
        var name = await requestIds.CreateOnceAsync(WriteContext.Of(context), requestId, request, async db =>
        {
            var (connection, transaction) = (db.Connection, db.Transaction!);
            var resource = Indicators.NameOf(row.Id);
            if (await catalog.FindIndicatorAsync(connection, transaction, row.Id, ct) is not null) throw ServiceException.AlreadyExists(resource);
            try
            {
                await catalog.InsertIndicatorAsync(connection, transaction, row, ct);
            }
            catch (Exception e) when (catalog.Database.Dialect.IsUniqueViolation(e))
            {
                throw ServiceException.AlreadyExists(resource);
            }
            await audit.AppendAsync(connection, transaction, context, resource, ToProto(row).ToString(), ct);
            return resource;
        }, ct);
        await using var read = await catalog.Database.OpenAsync(ct);
        return ToProto(await catalog.FindIndicatorAsync(read, null, Indicators.IdOf(name), ct) ?? throw ServiceException.NotFound(name));
    }

    [Authorize(Policy = Policies.Statistics)]
    public override async Task<ImportObservationsResponse> ImportObservations(
        IAsyncStreamReader<ImportObservationsRequest> requestStream, ServerCallContext context)
    {
        var count = await importer.ImportAsync(Rows(requestStream, context.CancellationToken), Caller.From(context), context.Method, context.CancellationToken);
        return new ImportObservationsResponse { ImportedCount = count };
    }

    private static async IAsyncEnumerable<ImportRow> Rows(IAsyncStreamReader<ImportObservationsRequest> requests, [EnumeratorCancellation] CancellationToken ct)
    {
        var index = 0;
        while (await requests.MoveNext(ct))
            foreach (var observation in requests.Current.Observations)
                yield return new ImportRow(index++, observation);
    }

    [Authorize(Policy = Policies.ReadOrWorker)]
    public override async Task<ListObservationsResponse> ListObservations(ListObservationsRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize);
        var terms = Filter.Parse(request.Filter, ObservationFilterFields);
        var asOf = ProtoConvert.ToDateOnly(request.AsOf, "as_of");
        var requestedKnownAt = ProtoConvert.ToDateTime(request.KnownAt, "known_at");
        var selection = Paging.Selection("observations", request.Filter, asOf, requestedKnownAt?.ToString("O"));
        var token = Paging.Decode<ObservationPageToken>(request.PageToken, selection);
        // Without known_at, the first page fixes "now" so that later pages see the same revisions.
        var knownAt = requestedKnownAt ?? token?.KnownAt ?? clock.GetUtcNow().UtcDateTime;

        var where = new StringBuilder();
        var parameters = new DynamicParameters();
        Filter.AppendSql(terms, ObservationFilterFields, where, parameters);
        var rows = await observations.PageAsync(where.ToString(), parameters, asOf, knownAt, token?.After, pageSize + 1, context.CancellationToken);

        var response = new ListObservationsResponse();
        response.Observations.AddRange(rows.Take(pageSize).Select(ToProto));
        if (rows.Count > pageSize)
        {
            var last = rows[pageSize - 1];
            response.NextPageToken = Paging.Encode(new ObservationPageToken(
                new ObservationRepository.PageKey(last.IndicatorId, last.AreaId, last.Dimensions, last.ReferenceDate), knownAt), selection);
        }
        return response;
    }

    private sealed record ObservationPageToken(ObservationRepository.PageKey After, DateTime KnownAt);

    [Authorize(Policy = Policies.ReadOrWorker)]
    public override async Task<SummarizeAreasResponse> SummarizeAreas(SummarizeAreasRequest request, ServerCallContext context)
    {
        var now = clock.GetUtcNow();
        var asOf = ProtoConvert.ToDateOnly(request.AsOf, "as_of") ?? BusinessCalendar.Today(clock);
        var knownAt = ProtoConvert.ToDateTime(request.KnownAt, "known_at") ?? now.UtcDateTime;
        var areaSetDate = ProtoConvert.ToDateOnly(request.AreaSetDate, "area_set_date") ?? asOf;
        var result = await summarizer.SummarizeAsync(asOf, knownAt, areaSetDate, context.CancellationToken);
        var response = new SummarizeAreasResponse { City = ToProto(result.City) };
        response.Areas.AddRange(result.Areas.Select(ToProto));
        response.UnmappedAreas.AddRange(result.UnmappedAreaIds.Select(AreaCatalog.NameOf));
        return response;
    }

    [Authorize(Policy = Policies.Admin)]
    public override Task<ListAuditRecordsResponse> ListAuditRecords(ListAuditRecordsRequest request, ServerCallContext context) =>
        audit.ListAsync(request, context.CancellationToken);

    private static AreaRow ValidateArea(Area area, string? areaId)
    {
        var validator = new Validator()
            .Text(area.Code, "area.code", 32)
            .Text(area.Title, "area.title", 200)
            .FreeText(area.Description, "area.description", 2000, required: false)
            .Require(area.Kind is AreaKind.City or AreaKind.District, "area.kind", "is required: CITY or DISTRICT");
        var id = string.IsNullOrEmpty(areaId) ? area.Code?.Trim() ?? "" : areaId;
        validator.Require(AreaId().IsMatch(id), string.IsNullOrEmpty(areaId) ? "area.code" : "area_id",
            "must be usable as an id (lower-case letters, digits and '-', at most 64 characters); pass area_id otherwise");
        DateOnly? from = null, to = null;
        try { from = ProtoConvert.ToDateOnly(area.ValidFrom, "area.valid_from"); }
        catch (ServiceException e) { validator.Add("area.valid_from", e.Violations[0].Description); }
        try { to = ProtoConvert.ToDateOnly(area.ValidTo, "area.valid_to"); }
        catch (ServiceException e) { validator.Add("area.valid_to", e.Violations[0].Description); }
        if (from is not null && to is not null && from > to) validator.Add("area.valid_to", "must not be before valid_from");
        var successors = area.Successors.Select(AreaCatalog.IdOf).ToList();
        if (successors.Contains(id)) validator.Add("area.successors", "an area cannot be its own successor");
        if (successors.Count > 0 && to is null) validator.Add("area.valid_to", "is required when successors are given (an area is merged when it ends)");
        validator.ThrowIfInvalid();
        return new AreaRow
        {
            Id = id,
            Code = area.Code!.Trim(),
            Title = area.Title.Trim(),
            Kind = area.Kind == AreaKind.City ? AreaKinds.City : AreaKinds.District,
            ParentId = string.IsNullOrWhiteSpace(area.Parent) ? null : AreaCatalog.IdOf(area.Parent),
            ValidFrom = from,
            ValidTo = to,
            Description = area.Description?.Trim() ?? "",
            Successors = successors.Distinct(StringComparer.Ordinal).ToList(),
        };
    }

    private static bool Overlaps(AreaRow a, AreaRow b) =>
        (a.ValidFrom ?? DateOnly.MinValue) <= (b.ValidTo ?? DateOnly.MaxValue) && (b.ValidFrom ?? DateOnly.MinValue) <= (a.ValidTo ?? DateOnly.MaxValue);

    [GeneratedRegex("^[0-9a-z][0-9a-z-]{0,63}$")]
    private static partial Regex AreaId();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$")]
    private static partial Regex IndicatorId();

    public static Area ToProto(AreaRow row)
    {
        var area = new Area
        {
            Name = AreaCatalog.NameOf(row.Id),
            Code = row.Code,
            Title = row.Title,
            Kind = row.IsCity ? AreaKind.City : AreaKind.District,
            Parent = row.ParentId is null ? "" : AreaCatalog.NameOf(row.ParentId),
            ValidFrom = row.ValidFrom?.ToProto(),
            ValidTo = row.ValidTo?.ToProto(),
            Description = row.Description,
        };
        area.Successors.AddRange(row.Successors.Select(AreaCatalog.NameOf));
        return area;
    }

    public static Indicator ToProto(IndicatorRow row) => new()
    {
        Name = Indicators.NameOf(row.Id),
        Title = row.Title,
        Unit = row.Unit switch { Units.Persons => IndicatorUnit.Persons, Units.Percent => IndicatorUnit.Percent, _ => IndicatorUnit.Unspecified },
        Definition = row.Definition,
        Source = row.Source,
    };

    public static Observation ToProto(ObservationRow row)
    {
        var observation = new Observation
        {
            Indicator = Indicators.NameOf(row.IndicatorId),
            Area = AreaCatalog.NameOf(row.AreaId),
            ReferenceDate = row.ReferenceDate.ToProto(),
            Value = row.Value,
            Status = row.Status switch
            {
                "FINAL" => ObservationStatus.Final,
                "PROVISIONAL" => ObservationStatus.Provisional,
                "ESTIMATED" => ObservationStatus.Estimated,
                _ => ObservationStatus.Unspecified,
            },
            Comment = row.Comment ?? "",
            RecordTime = row.RecordTime.ToProto(),
        };
        foreach (var (key, value) in Dimensions.Decode(row.Dimensions)) observation.Dimensions[key] = value;
        return observation;
    }

    private static AreaSummary ToProto(AreaFigures figures)
    {
        var summary = new AreaSummary
        {
            Area = AreaCatalog.NameOf(figures.Area.Id),
            AreaTitle = figures.Area.Title,
            ReferenceDate = figures.ReferenceDate?.ToProto(),
        };
        if (figures.PopulationTotal is { } p) summary.PopulationTotal = p;
        if (figures.ForeignNationals is { } f) summary.ForeignNationals = f;
        if (figures.PopulationWithMigrationBackground is { } m) summary.PopulationWithMigrationBackground = m;
        if (figures.MigrationBackgroundSharePercent is { } s) summary.MigrationBackgroundSharePercent = s;
        summary.MappedFrom.AddRange(figures.MappedFrom.Select(AreaCatalog.NameOf));
        return summary;
    }
}
