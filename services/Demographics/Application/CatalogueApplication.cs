using System.Globalization;
using IMessage = Google.Protobuf.IMessage;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.Demographics.Storage;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Demographics.Application;

/// <summary>The catalogue of areas and indicators: listing it, and adding to it (audited, idempotent by request id).</summary>
public sealed class CatalogueApplication(Database database, CatalogueRepository catalogue, AuditTrail audit, RequestIds requestIds, TimeProvider clock)
{
    private static readonly ResourceName Areas = DemographicsNames.Areas;
    private static readonly ResourceName Indicators = DemographicsNames.Indicators;

    /// <summary>
    /// The areas in id order as known at <paramref name="knownAt"/>; with <paramref name="asOf"/> only those valid on
    /// that date. Without <paramref name="knownAt"/>, "now" is the first page's (carried in the page token), so that
    /// later pages leave out the same areas.
    /// </summary>
    public Task<Page<AreaEntry>> ListAreasAsync(int pageSize, string? pageToken, DateOnly? asOf, DateTime? knownAt, CancellationToken ct) =>
        Paging.Page<AreaEntry, string>(pageSize, pageToken, Paging.Selection("areas", asOf, knownAt?.ToString("O", CultureInfo.InvariantCulture)), clock,
            cursor => database.ReadAsync(db => catalogue.PageAreasAsync(db, cursor.After ?? "", asOf, knownAt ?? cursor.Now, cursor.Limit, ct), ct),
            area => area.Id);

    /// <summary>
    /// Adds an area: its id must be free (else ALREADY_EXISTS), its parent and successors known, and no area
    /// with its code may be valid on any of its days (else INVALID_ARGUMENT). <paramref name="request"/> binds
    /// the request id to the request's payload. The area and its successor links are recorded at the clock's
    /// time, taken as the transaction's last step, so that no answer as known at an earlier instant contains it.
    /// </summary>
    public async Task<AreaEntry> CreateAreaAsync(AreaEntry area, string? requestId, IMessage request, WriteContext writer, CancellationToken ct)
    {
        var name = await requestIds.CreateOnceAsync(writer, requestId, request, async db =>
        {
            // Read inside the write transaction (SQLite: IMMEDIATE, i.e. writers serialized), so the
            // overlap check and the insert see the same areas.
            var areas = await catalogue.LoadAreasAsync(db, knownAt: null, ct);
            if (areas.Find(area.Id) is not null) throw ServiceException.AlreadyExists(Areas.Format(area.Id));
            if (areas.ViolationsOf(area) is { Count: > 0 } violations) throw ServiceException.Invalid(violations);
            await audit.AppendAsync(db, writer, Areas.Format(area.Id), AuditChange.Created()
                .Set("code", area.Code)
                .Set("title", area.Title)
                .Set("kind", ProtoEnum<AreaKind>.Name(area.Kind))
                .Set("parent", area.ParentId is null ? null : Areas.Format(area.ParentId))
                .Set("valid_from", area.ValidFrom)
                .Set("valid_to", area.ValidTo)
                .Set("description", area.Description)
                .Set("successors", area.Successors.Select(Areas.Format).ToList()), ct);
            try
            {
                await catalogue.InsertAreaAsync(db, area, clock.GetUtcNow().UtcDateTime, ct);
            }
            catch (Exception e) when (database.Dialect.IsUniqueViolation(e))
            {
                throw ServiceException.AlreadyExists(Areas.Format(area.Id));
            }
            return Areas.Format(area.Id);
        }, ct);
        return await database.ReadAsync(db => catalogue.FindAreaAsync(db, Areas.Parse(name), ct), ct) ?? throw ServiceException.NotFound(name);
    }

    /// <summary>The indicators in id order.</summary>
    public Task<Page<IndicatorEntry>> ListIndicatorsAsync(int pageSize, string? pageToken, CancellationToken ct) =>
        Paging.Page<IndicatorEntry, string>(pageSize, pageToken, Paging.Selection("indicators"), clock,
            cursor => database.ReadAsync(db => catalogue.PageIndicatorsAsync(db, cursor.After ?? "", cursor.Limit, ct), ct),
            indicator => indicator.Id);

    /// <summary>Adds an indicator; its id must be free (else ALREADY_EXISTS).</summary>
    public async Task<IndicatorEntry> CreateIndicatorAsync(IndicatorEntry indicator, string? requestId, IMessage request, WriteContext writer, CancellationToken ct)
    {
        var name = await requestIds.CreateOnceAsync(writer, requestId, request, async db =>
        {
            var resource = Indicators.Format(indicator.Id);
            if (await catalogue.FindIndicatorAsync(db, indicator.Id, ct) is not null) throw ServiceException.AlreadyExists(resource);
            try
            {
                await catalogue.InsertIndicatorAsync(db, indicator, ct);
            }
            catch (Exception e) when (database.Dialect.IsUniqueViolation(e))
            {
                throw ServiceException.AlreadyExists(resource);
            }
            await audit.AppendAsync(db, writer, resource, AuditChange.Created()
                .Set("title", indicator.Title)
                .Set("unit", ProtoEnum<IndicatorUnit>.Name(indicator.Unit))
                .Set("definition", indicator.Definition)
                .Set("source", indicator.Source), ct);
            return resource;
        }, ct);
        return await database.ReadAsync(db => catalogue.FindIndicatorAsync(db, Indicators.Parse(name), ct), ct) ?? throw ServiceException.NotFound(name);
    }
}
