using IntegrationServices.Measures.Domain;
using IntegrationServices.Measures.Storage;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Storage;
using IMessage = Google.Protobuf.IMessage;

namespace IntegrationServices.Measures.Application;

/// <summary>
/// The catalogue measures refer to: the eight fields of action (seeded by migration, read-only), action
/// concepts and organizational units. Creates are idempotent by request id and audited.
/// </summary>
public sealed class CatalogueApplication(
    Database database, CatalogueRepository catalogue, AuditTrail audit, RequestIds requestIds, TimeProvider clock)
{
    public Task<Page<FieldOfActionRow>> ListFieldsOfActionAsync(int pageSize, string? pageToken, CancellationToken ct) =>
        Paging.Page<FieldOfActionRow, int>(pageSize, pageToken, Paging.Selection(MeasureNames.FieldsOfAction.Collection), clock,
            cursor => database.ReadAsync(db => catalogue.ListFieldsOfActionAsync(db, cursor.After, cursor.Limit, ct), ct),
            row => row.Number);

    public Task<Page<ActionConceptRow>> ListActionConceptsAsync(int pageSize, string? pageToken, CancellationToken ct) =>
        Paging.Page<ActionConceptRow, string>(pageSize, pageToken, Paging.Selection(MeasureNames.ActionConcepts.Collection), clock,
            cursor => database.ReadAsync(db => catalogue.ListActionConceptsAsync(db, cursor.After ?? "", cursor.Limit, ct), ct),
            row => row.Id);

    public Task<Page<UnitRow>> ListUnitsAsync(int pageSize, string? pageToken, CancellationToken ct) =>
        Paging.Page<UnitRow, string>(pageSize, pageToken, Paging.Selection(MeasureNames.Units.Collection), clock,
            cursor => database.ReadAsync(db => catalogue.ListUnitsAsync(db, cursor.After ?? "", cursor.Limit, ct), ct),
            row => row.Id);

    public async Task<ActionConceptRow> CreateActionConceptAsync(WriteContext writer, string? requestId, IMessage request,
        NewActionConcept concept, CancellationToken ct)
    {
        var row = new ActionConceptRow
        {
            Id = concept.Id, Title = concept.Title, AdoptedOn = concept.AdoptedOn, CouncilPaper = concept.CouncilPaper, Note = concept.Note,
            CreateTime = clock.GetUtcNow().UtcDateTime,
        };
        var name = MeasureNames.ActionConcepts.Format(row.Id);
        // A retry returns the first call's concept, whose id need not be this call's (generated ids differ).
        var created = await database.OrAlreadyExistsAsync(() => requestIds.CreateOnceAsync(writer, requestId, request, async db =>
        {
            if (await catalogue.GetActionConceptAsync(db, row.Id, ct) is not null) throw ServiceException.AlreadyExists(name);
            await catalogue.InsertActionConceptAsync(db, row, ct);
            await audit.AppendAsync(db, writer, name, AuditChange.Created()
                .Set("title", row.Title)
                .Set("adopted_on", row.AdoptedOn?.Iso())
                .Set("council_paper", row.CouncilPaper)
                .Set("note", row.Note), ct);
            return name;
        }, ct), () => ServiceException.AlreadyExists(name));
        return (await database.ReadAsync(db => catalogue.GetActionConceptAsync(db, MeasureNames.ActionConcepts.Parse(created), ct), ct))!;
    }

    public async Task<UnitRow> CreateUnitAsync(WriteContext writer, string? requestId, IMessage request, NewUnit unit, CancellationToken ct)
    {
        var row = new UnitRow { Id = unit.Id, Title = unit.Title, ParentId = unit.ParentId, CreateTime = clock.GetUtcNow().UtcDateTime };
        var name = MeasureNames.Units.Format(row.Id);
        // A retry returns the first call's unit, whose id need not be this call's (generated ids differ).
        var created = await database.OrAlreadyExistsAsync(() => requestIds.CreateOnceAsync(writer, requestId, request, async db =>
        {
            if (await catalogue.GetUnitAsync(db, row.Id, ct) is not null) throw ServiceException.AlreadyExists(name);
            if (row.ParentId is { } parent && await catalogue.GetUnitAsync(db, parent, ct) is null)
                throw ServiceException.Invalid("organizational_unit.parent", $"{MeasureNames.Units.Format(parent)} does not exist");
            await catalogue.InsertUnitAsync(db, row, ct);
            await audit.AppendAsync(db, writer, name, AuditChange.Created()
                .Set("title", row.Title)
                .Set("parent", row.ParentId is { } p ? MeasureNames.Units.Format(p) : null), ct);
            return name;
        }, ct), () => ServiceException.AlreadyExists(name));
        return (await database.ReadAsync(db => catalogue.GetUnitAsync(db, MeasureNames.Units.Parse(created), ct), ct))!;
    }
}
