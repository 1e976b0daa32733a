using System.Data.Common;
using Grpc.Core;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;

namespace IntegrationServices.Measures;

/// <summary>
/// integration.measures.v1.MeasuresService: validates, calls the repository in one transaction per
/// write (with its audit record), maps. Who may call what is declared per method.
/// </summary>
public sealed class MeasuresService(MeasureRepository repository, AuditTrail audit, RequestIds requestIds, TimeProvider clock)
    : Contracts.Measures.V1.MeasuresService.MeasuresServiceBase
{
    public const int MaxCode = 50, MaxTitle = 200, MaxDescription = 4000, MaxNote = 2000, MaxCouncilPaper = 50;

    private static readonly string[] MutableFields =
        ["code", "title", "description", "action_concept", "field_of_action", "responsible_unit", "parent", "adopted_on"];

    private static readonly string[] OutputOnlyFields =
        ["name", "status", "progress_percent", "status_effective_date", "create_time", "update_time", "retire_time", "etag"];

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    // ---- measures ---------------------------------------------------------------------------------

    [Authorize(Policy = Policies.Coordinate)]
    public override async Task<Measure> CreateMeasure(CreateMeasureRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var requestId = RequestIds.Normalize(request.RequestId);
        if (request.Measure is null) throw ServiceException.Invalid("measure", "is required");
        var fields = Parse(request.Measure, "measure");
        var caller = Caller.From(context);
        var name = await UniqueAsync(() => requestIds.CreateOnceAsync(WriteContext.Of(context), requestId, request, async db =>
        {
            var (c, tx) = (db.Connection, db.Transaction!);
            await CheckReferencesAsync(c, tx, fields, selfId: 0, "measure", ct);
            if (await repository.CodeTakenAsync(c, tx, fields.Code, 0, ct))
                throw ServiceException.AlreadyExists($"A measure with code '{fields.Code}'", $"A measure with code '{fields.Code}' already exists; codes are unique.");
            var id = await repository.InsertMeasureAsync(c, tx, fields, Now, caller.Subject, ct);
            await audit.AppendAsync(c, tx, context, Names.Measure(id), new { created = fields }, ct);
            return Names.Measure(id);
        }, ct), () => ServiceException.AlreadyExists($"A measure with code '{fields.Code}'", $"A measure with code '{fields.Code}' already exists; codes are unique."));
        return await CurrentAsync(Names.ParseMeasureId(name), ct);
    }

    [Authorize(Policy = Policies.Read)]
    public override async Task<Measure> GetMeasure(GetMeasureRequest request, ServerCallContext context)
    {
        var id = Names.Require(request.Name, "name", Names.ParseMeasureId);
        var (asOf, knownAt, _) = PointInTime(request.AsOf, request.KnownAt);
        var row = await repository.GetMeasureAsync(id, asOf, knownAt, context.CancellationToken)
                  ?? throw ServiceException.NotFound(request.Name);
        return row.ToProto();
    }

    [Authorize(Policy = Policies.Read)]
    public override async Task<ListMeasuresResponse> ListMeasures(ListMeasuresRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize);
        var filter = Filter.Parse(request.Filter, MeasureRepository.FilterFields);
        var (asOf, knownAt, timeTravel) = PointInTime(request.AsOf, request.KnownAt);
        var selection = Paging.Selection("measures", request.Filter, request.ShowRetired, request.AsOf, request.KnownAt);
        var after = Paging.Decode<long?>(request.PageToken, selection) ?? 0;

        var rows = await repository.ListMeasuresAsync(
            new MeasureQuery(asOf, knownAt, timeTravel, request.ShowRetired, filter, after, pageSize + 1), context.CancellationToken);
        var response = new ListMeasuresResponse();
        response.Measures.AddRange(rows.Take(pageSize).Select(r => r.ToProto()));
        if (rows.Count > pageSize) response.NextPageToken = Paging.Encode<long?>(rows[pageSize - 1].Id, selection);
        return response;
    }

    [Authorize(Policy = Policies.ReadOrWorker)]
    public override async Task StreamMeasures(StreamMeasuresRequest request, IServerStreamWriter<Measure> responseStream, ServerCallContext context)
    {
        var filter = Filter.Parse(request.Filter, MeasureRepository.FilterFields);
        var (asOf, knownAt, timeTravel) = PointInTime(request.AsOf, request.KnownAt);
        await foreach (var row in repository.StreamMeasuresAsync(
                           new MeasureQuery(asOf, knownAt, timeTravel, request.ShowRetired, filter), context.CancellationToken))
            await responseStream.WriteAsync(row.ToProto(), context.CancellationToken);
    }

    [Authorize(Policy = Policies.Edit)]
    public override async Task<Measure> UpdateMeasure(UpdateMeasureRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        if (request.Measure is null) throw ServiceException.Invalid("measure", "is required");
        var id = Names.Require(request.Measure.Name, "measure.name", Names.ParseMeasureId);
        var paths = MaskPaths(request);
        var caller = Caller.From(context);
        var requestedUnit = paths.Contains("responsible_unit")
            ? Names.Require(request.Measure.ResponsibleUnit, "measure.responsible_unit", n => Names.Parse(n, Names.Units))
            : null;
        await EnsureEditorScopeAsync(caller, id, requestedUnit, ct);

        await repository.Database.InTransactionAsync(async (c, tx) =>
        {
            var current = await repository.GetMeasureAsync(c, tx, id, BusinessCalendar.Today(clock), Now, ct)
                          ?? throw ServiceException.NotFound(request.Measure.Name);
            if (current.RetireTime is not null)
                throw ServiceException.FailedPrecondition("MEASURE_RETIRED", $"{request.Measure.Name} is retired and can no longer be changed.");
            if (!string.IsNullOrEmpty(request.Measure.Etag) && request.Measure.Etag != MeasureMapping.Etag(current.Revision, current.RetireTime))
                throw ServiceException.StaleEtag(request.Measure.Name);

            var old = current.Fields();
            var merged = Merge(old, request.Measure, paths);
            if (merged == old) return;
            await CheckReferencesAsync(c, tx, merged, id, "measure", ct);
            if (merged.Code != old.Code && await repository.CodeTakenAsync(c, tx, merged.Code, id, ct))
                throw ServiceException.AlreadyExists($"A measure with code '{merged.Code}'", $"A measure with code '{merged.Code}' already exists; codes are unique.");
            if (!await UniqueAsync(() => repository.InsertNextVersionAsync(c, tx, id, current.Revision, merged, Now, caller.Subject, ct),
                    () => ServiceException.AlreadyExists($"A measure with code '{merged.Code}'", $"A measure with code '{merged.Code}' already exists; codes are unique.")))
                throw ServiceException.StaleEtag(request.Measure.Name);
            await audit.AppendAsync(c, tx, context, request.Measure.Name, new
            {
                update_mask = paths,
                old = paths.ToDictionary(p => p, p => FieldValue(old, p)),
                @new = paths.ToDictionary(p => p, p => FieldValue(merged, p)),
            }, ct);
        }, ct);
        return await CurrentAsync(id, ct);
    }

    [Authorize(Policy = Policies.Coordinate)]
    public override async Task<Measure> DeleteMeasure(DeleteMeasureRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var id = Names.Require(request.Name, "name", Names.ParseMeasureId);
        await repository.Database.InTransactionAsync(async (c, tx) =>
        {
            var current = await repository.GetMeasureAsync(c, tx, id, BusinessCalendar.Today(clock), Now, ct)
                          ?? throw ServiceException.NotFound(request.Name);
            if (current.RetireTime is not null)
                throw ServiceException.FailedPrecondition("MEASURE_RETIRED", $"{request.Name} is already retired.");
            if (!string.IsNullOrEmpty(request.Etag) && request.Etag != MeasureMapping.Etag(current.Revision, current.RetireTime))
                throw ServiceException.StaleEtag(request.Name);
            if (!await repository.RetireAsync(c, tx, id, current.Revision, Now, ct))
                throw ServiceException.StaleEtag(request.Name);
            await audit.AppendAsync(c, tx, context, request.Name, new { retired = true, retire_time = Now }, ct);
        }, ct);
        return await CurrentAsync(id, ct);
    }

    // ---- status events ----------------------------------------------------------------------------

    [Authorize(Policy = Policies.Edit)]
    public override async Task<StatusEvent> RecordStatus(RecordStatusRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var measureId = Names.Require(request.Parent, "parent", Names.ParseMeasureId);
        var requestId = RequestIds.Normalize(request.RequestId);
        var v = new Validator();
        if (request.Status == MeasureStatus.Unspecified || !System.Enum.IsDefined(request.Status))
            v.Add("status", "must be one of NOT_STARTED, IN_PROGRESS, IMPLEMENTED, ONGOING, DISCONTINUED");
        v.Require(request.ProgressPercent is >= 0 and <= 100, "progress_percent", $"must be between 0 and 100 (got {request.ProgressPercent})");
        DateOnly? effective = null;
        try { effective = ProtoConvert.RequireDate(request.EffectiveDate, "effective_date"); }
        catch (ServiceException e) { v.Add("effective_date", e.Violations[0].Description); }
        v.FreeText(request.Note, "note", MaxNote, required: false);
        v.ThrowIfInvalid();

        var caller = Caller.From(context);
        await EnsureEditorScopeAsync(caller, measureId, null, ct);
        var name = await requestIds.CreateOnceAsync(WriteContext.Of(context), requestId, request, async db =>
        {
            var (c, tx) = (db.Connection, db.Transaction!);
            var measure = await repository.GetMeasureAsync(c, tx, measureId, BusinessCalendar.Today(clock), Now, ct)
                          ?? throw ServiceException.NotFound(request.Parent);
            if (measure.RetireTime is not null)
                throw ServiceException.FailedPrecondition("MEASURE_RETIRED", $"{request.Parent} is retired; its history can be read but not extended.");
            var eventId = await repository.InsertStatusEventAsync(c, tx, measureId, (int)request.Status, request.ProgressPercent,
                effective!.Value, request.Note ?? "", Now, caller.Subject, ct);
            var eventName = Names.StatusEvent(measureId, eventId);
            await audit.AppendAsync(c, tx, context, eventName, new
            {
                status = MeasureMapping.StatusName(request.Status), progress_percent = request.ProgressPercent,
                effective_date = effective.Value.Iso(), note = request.Note,
            }, ct);
            return eventName;
        }, ct);

        var eventIdOfName = long.Parse(name[(name.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        await using var connection = await repository.Database.OpenAsync(ct);
        return (await repository.GetStatusEventAsync(connection, null, eventIdOfName, ct))!.ToProto();
    }

    [Authorize(Policy = Policies.Read)]
    public override async Task<ListStatusEventsResponse> ListStatusEvents(ListStatusEventsRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var measureId = Names.Require(request.Parent, "parent", Names.ParseMeasureId);
        var pageSize = Paging.PageSize(request.PageSize);
        var selection = Paging.Selection("statusEvents", request.Parent);
        var after = Paging.Decode<long?>(request.PageToken, selection) ?? 0;
        await using (var c = await repository.Database.OpenAsync(ct))
            if (!await repository.MeasureExistsAsync(c, null, measureId, ct)) throw ServiceException.NotFound(request.Parent);
        var rows = await repository.ListStatusEventsAsync(measureId, after, pageSize + 1, ct);
        var response = new ListStatusEventsResponse();
        response.StatusEvents.AddRange(rows.Take(pageSize).Select(r => r.ToProto()));
        if (rows.Count > pageSize) response.NextPageToken = Paging.Encode<long?>(rows[pageSize - 1].Id, selection);
        return response;
    }

    // ---- catalogues -------------------------------------------------------------------------------

    // The snapshot worker reads the catalogue titles for its group summaries.
    [Authorize(Policy = Policies.ReadOrWorker)]
    public override async Task<ListFieldsOfActionResponse> ListFieldsOfAction(ListFieldsOfActionRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize);
        var selection = Paging.Selection("fieldsOfAction");
        var after = Paging.Decode<int?>(request.PageToken, selection) ?? 0;
        var rows = await repository.ListFieldsOfActionAsync(after, pageSize + 1, context.CancellationToken);
        var response = new ListFieldsOfActionResponse();
        response.FieldsOfAction.AddRange(rows.Take(pageSize).Select(r => r.ToProto()));
        if (rows.Count > pageSize) response.NextPageToken = Paging.Encode<int?>(rows[pageSize - 1].Number, selection);
        return response;
    }

    // The snapshot worker reads the catalogue titles for its group summaries.
    [Authorize(Policy = Policies.ReadOrWorker)]
    public override async Task<ListActionConceptsResponse> ListActionConcepts(ListActionConceptsRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize);
        var selection = Paging.Selection("actionConcepts");
        var after = Paging.Decode<string>(request.PageToken, selection) ?? "";
        var rows = await repository.ListActionConceptsAsync(after, pageSize + 1, context.CancellationToken);
        var response = new ListActionConceptsResponse();
        response.ActionConcepts.AddRange(rows.Take(pageSize).Select(r => r.ToProto()));
        if (rows.Count > pageSize) response.NextPageToken = Paging.Encode(rows[pageSize - 1].Id, selection);
        return response;
    }

    [Authorize(Policy = Policies.Coordinate)]
    public override async Task<ActionConcept> CreateActionConcept(CreateActionConceptRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var requestId = RequestIds.Normalize(request.RequestId);
        var concept = request.ActionConcept ?? throw ServiceException.Invalid("action_concept", "is required");
        var v = new Validator()
            .Text(concept.Title, "action_concept.title", MaxTitle)
            .Text(concept.CouncilPaper, "action_concept.council_paper", MaxCouncilPaper, required: false)
            .FreeText(concept.Note, "action_concept.note", MaxNote, required: false);
        var id = ChosenId(request.ActionConceptId, "action_concept_id", v);
        DateOnly? adopted = null;
        try { adopted = ProtoConvert.ToDateOnly(concept.AdoptedOn, "action_concept.adopted_on"); }
        catch (ServiceException e) { v.Add("action_concept.adopted_on", e.Violations[0].Description); }
        v.ThrowIfInvalid();

        var row = new ActionConceptRow { Id = id, Title = concept.Title.Trim(), AdoptedOn = adopted, CouncilPaper = concept.CouncilPaper ?? "", Note = concept.Note ?? "", CreateTime = Now };
        // A retry returns the first call's concept, whose id need not be this call's (generated ids differ).
        var name = await UniqueAsync(() => requestIds.CreateOnceAsync(WriteContext.Of(context), requestId, request, async db =>
        {
            var (c, tx) = (db.Connection, db.Transaction!);
            if (await repository.GetActionConceptAsync(c, tx, id, ct) is not null) throw ServiceException.AlreadyExists(Names.ActionConcept(id));
            await repository.InsertActionConceptAsync(c, tx, row, ct);
            await audit.AppendAsync(c, tx, context, Names.ActionConcept(id), new { created = row }, ct);
            return Names.ActionConcept(id);
        }, ct), () => ServiceException.AlreadyExists(Names.ActionConcept(id)));
        await using var connection = await repository.Database.OpenAsync(ct);
        return (await repository.GetActionConceptAsync(connection, null, Names.Parse(name, Names.ActionConcepts), ct))!.ToProto();
    }

    // The snapshot worker reads the catalogue titles for its group summaries.
    [Authorize(Policy = Policies.ReadOrWorker)]
    public override async Task<ListOrganizationalUnitsResponse> ListOrganizationalUnits(ListOrganizationalUnitsRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize);
        var selection = Paging.Selection("units");
        var after = Paging.Decode<string>(request.PageToken, selection) ?? "";
        var rows = await repository.ListUnitsAsync(after, pageSize + 1, context.CancellationToken);
        var response = new ListOrganizationalUnitsResponse();
        response.OrganizationalUnits.AddRange(rows.Take(pageSize).Select(r => r.ToProto()));
        if (rows.Count > pageSize) response.NextPageToken = Paging.Encode(rows[pageSize - 1].Id, selection);
        return response;
    }

    [Authorize(Policy = Policies.Coordinate)]
    public override async Task<OrganizationalUnit> CreateOrganizationalUnit(CreateOrganizationalUnitRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var requestId = RequestIds.Normalize(request.RequestId);
        var unit = request.OrganizationalUnit ?? throw ServiceException.Invalid("organizational_unit", "is required");
        var v = new Validator().Text(unit.Title, "organizational_unit.title", MaxTitle);
        var id = ChosenId(request.OrganizationalUnitId, "organizational_unit_id", v);
        string? parentId = null;
        if (!string.IsNullOrEmpty(unit.Parent))
        {
            try { parentId = Names.Parse(unit.Parent, Names.Units); }
            catch (FormatException e) { v.Add("organizational_unit.parent", e.Message); }
        }
        v.ThrowIfInvalid();

        var row = new UnitRow { Id = id, Title = unit.Title.Trim(), ParentId = parentId, CreateTime = Now };
        // A retry returns the first call's unit, whose id need not be this call's (generated ids differ).
        var name = await UniqueAsync(() => requestIds.CreateOnceAsync(WriteContext.Of(context), requestId, request, async db =>
        {
            var (c, tx) = (db.Connection, db.Transaction!);
            if (await repository.GetUnitAsync(c, tx, id, ct) is not null) throw ServiceException.AlreadyExists(Names.Unit(id));
            if (parentId is not null && await repository.GetUnitAsync(c, tx, parentId, ct) is null)
                throw ServiceException.Invalid("organizational_unit.parent", $"{unit.Parent} does not exist");
            await repository.InsertUnitAsync(c, tx, row, ct);
            await audit.AppendAsync(c, tx, context, Names.Unit(id), new { created = row }, ct);
            return Names.Unit(id);
        }, ct), () => ServiceException.AlreadyExists(Names.Unit(id)));
        await using var connection = await repository.Database.OpenAsync(ct);
        return (await repository.GetUnitAsync(connection, null, Names.Parse(name, Names.Units), ct))!.ToProto();
    }

    [Authorize(Policy = Policies.Admin)]
    public override Task<ListAuditRecordsResponse> ListAuditRecords(ListAuditRecordsRequest request, ServerCallContext context) =>
        audit.ListAsync(request, context.CancellationToken);

    // ---- helpers ----------------------------------------------------------------------------------

    /// <summary>
    /// A write whose unique key (code, chosen id) was checked just before: under read committed
    /// (SQL Server) a concurrent writer can still take the key between check and write. That is the
    /// caller's ALREADY_EXISTS, not an INTERNAL unique-key violation. Around a create it wraps
    /// RequestIds.CreateOnceAsync, which first answers a concurrent retry of the same request_id
    /// with the winner's resource.
    /// </summary>
    private async Task<T> UniqueAsync<T>(Func<Task<T>> write, Func<ServiceException> conflict)
    {
        try { return await write(); }
        catch (Exception e) when (repository.Database.Dialect.IsUniqueViolation(e)) { throw conflict(); }
    }

    private async Task<Measure> CurrentAsync(long id, CancellationToken ct) =>
        (await repository.GetMeasureAsync(id, BusinessCalendar.Today(clock), Now, ct))!.ToProto();

    /// <summary>as_of/known_at, defaulting to today (Berlin) and now; TimeTravel when as_of was given.</summary>
    private (DateOnly AsOf, DateTime KnownAt, bool TimeTravel) PointInTime(Google.Type.Date? asOf, Google.Protobuf.WellKnownTypes.Timestamp? knownAt)
    {
        var date = ProtoConvert.ToDateOnly(asOf, "as_of");
        var instant = ProtoConvert.ToDateTime(knownAt, "known_at");
        return (date ?? BusinessCalendar.Today(clock), instant ?? Now, date is not null);
    }

    private static string ChosenId(string? requested, string field, Validator v)
    {
        if (string.IsNullOrEmpty(requested)) return Guid.NewGuid().ToString("N")[..12];
        if (!Names.IsValidId(requested)) v.Add(field, "must be 1–63 lower-case letters, digits or '-', not starting or ending with '-'");
        return requested;
    }

    /// <summary>Syntactic validation of a whole measure (create, or the merged result of an update).</summary>
    private static MeasureFields Parse(Measure m, string prefix)
    {
        var v = new Validator()
            .Text(m.Code, $"{prefix}.code", MaxCode)
            .Text(m.Title, $"{prefix}.title", MaxTitle)
            .FreeText(m.Description, $"{prefix}.description", MaxDescription, required: false);
        v.Require(m.FieldOfAction is >= 1 and <= 8, $"{prefix}.field_of_action", $"must be a field of action between 1 and 8 (got {m.FieldOfAction})");
        string? concept = null, unit = null;
        long? parent = null;
        DateOnly? adopted = null;
        Try(v, $"{prefix}.action_concept", () => concept = Names.Require(m.ActionConcept, $"{prefix}.action_concept", n => Names.Parse(n, Names.ActionConcepts)));
        Try(v, $"{prefix}.responsible_unit", () => unit = Names.Require(m.ResponsibleUnit, $"{prefix}.responsible_unit", n => Names.Parse(n, Names.Units)));
        if (!string.IsNullOrEmpty(m.Parent))
            Try(v, $"{prefix}.parent", () => parent = Names.Require(m.Parent, $"{prefix}.parent", Names.ParseMeasureId));
        Try(v, $"{prefix}.adopted_on", () => adopted = ProtoConvert.RequireDate(m.AdoptedOn, $"{prefix}.adopted_on"));
        v.ThrowIfInvalid();
        return new MeasureFields(m.Code.Trim(), m.Title.Trim(), m.Description ?? "", concept!, m.FieldOfAction, unit!, parent, adopted!.Value);
    }

    private static void Try(Validator v, string field, Action parse)
    {
        try { parse(); }
        catch (ServiceException e) { foreach (var violation in e.Violations) v.Add(violation.Field, violation.Description); }
    }

    private static IReadOnlyList<string> MaskPaths(UpdateMeasureRequest request)
    {
        if (request.UpdateMask is null || request.UpdateMask.Paths.Count == 0) return MutableFields;
        var v = new Validator();
        foreach (var path in request.UpdateMask.Paths)
        {
            if (path == "*") return MutableFields;
            if (OutputOnlyFields.Contains(path)) v.Add("update_mask", $"'{path}' is output-only and cannot be updated");
            else if (!MutableFields.Contains(path)) v.Add("update_mask", $"'{path}' is not a field of Measure; updatable: {string.Join(", ", MutableFields)}");
        }
        v.ThrowIfInvalid();
        return request.UpdateMask.Paths.Distinct().ToList();
    }

    private static MeasureFields Merge(MeasureFields old, Measure update, IReadOnlyList<string> paths)
    {
        var asProto = new Measure
        {
            Code = paths.Contains("code") ? update.Code : old.Code,
            Title = paths.Contains("title") ? update.Title : old.Title,
            Description = paths.Contains("description") ? update.Description : old.Description,
            ActionConcept = paths.Contains("action_concept") ? update.ActionConcept : Names.ActionConcept(old.ActionConceptId),
            FieldOfAction = paths.Contains("field_of_action") ? update.FieldOfAction : old.FieldOfAction,
            ResponsibleUnit = paths.Contains("responsible_unit") ? update.ResponsibleUnit : Names.Unit(old.ResponsibleUnitId),
            Parent = paths.Contains("parent") ? update.Parent : old.ParentId is { } p ? Names.Measure(p) : "",
            AdoptedOn = paths.Contains("adopted_on") ? update.AdoptedOn : old.AdoptedOn.ToProto(),
        };
        return Parse(asProto, "measure");
    }

    private static object? FieldValue(MeasureFields f, string path) => path switch
    {
        "code" => f.Code,
        "title" => f.Title,
        "description" => f.Description,
        "action_concept" => Names.ActionConcept(f.ActionConceptId),
        "field_of_action" => f.FieldOfAction,
        "responsible_unit" => Names.Unit(f.ResponsibleUnitId),
        "parent" => f.ParentId is { } p ? Names.Measure(p) : null,
        "adopted_on" => f.AdoptedOn.Iso(),
        _ => null,
    };

    /// <summary>Existence of everything a measure refers to, and no parent cycles.</summary>
    private async Task CheckReferencesAsync(DbConnection c, DbTransaction tx, MeasureFields f, long selfId, string prefix, CancellationToken ct)
    {
        var v = new Validator();
        if (!await repository.FieldOfActionExistsAsync(c, tx, f.FieldOfAction, ct))
            v.Add($"{prefix}.field_of_action", $"field of action {f.FieldOfAction} does not exist");
        if (await repository.GetActionConceptAsync(c, tx, f.ActionConceptId, ct) is null)
            v.Add($"{prefix}.action_concept", $"{Names.ActionConcept(f.ActionConceptId)} does not exist");
        if (await repository.GetUnitAsync(c, tx, f.ResponsibleUnitId, ct) is null)
            v.Add($"{prefix}.responsible_unit", $"{Names.Unit(f.ResponsibleUnitId)} does not exist");
        if (f.ParentId is { } parent)
        {
            if (parent == selfId) v.Add($"{prefix}.parent", "a measure cannot be its own parent");
            else if (!await repository.MeasureExistsAsync(c, tx, parent, ct)) v.Add($"{prefix}.parent", $"{Names.Measure(parent)} does not exist");
            else if (selfId != 0)
            {
                // Walk up from the new parent: meeting this measure again would make a cycle.
                long? ancestor = parent;
                for (var depth = 0; ancestor is { } a && depth < 64; depth++)
                {
                    if (a == selfId) { v.Add($"{prefix}.parent", $"{Names.Measure(parent)} is below this measure; parents cannot form a cycle"); break; }
                    ancestor = await repository.ParentOfAsync(c, tx, a, ct);
                }
            }
        }
        v.ThrowIfInvalid();
    }

    /// <summary>
    /// Editors act only on measures of their own units (or units below them). Checked before anything
    /// about the measure is revealed: an unknown measure is PERMISSION_DENIED for them, not NOT_FOUND.
    /// </summary>
    private async Task EnsureEditorScopeAsync(Caller caller, long measureId, string? newUnitId, CancellationToken ct)
    {
        if (caller.HasAnyRole(Roles.Coordinator, Roles.Admin)) return;
        var allowed = UnitScope.Expand(caller.Units, await repository.AllUnitsAsync(ct));
        var measure = await repository.GetMeasureAsync(measureId, BusinessCalendar.Today(clock), Now, ct);
        if (measure is null || !allowed.Contains(measure.ResponsibleUnitId) || (newUnitId is not null && !allowed.Contains(newUnitId)))
            throw ServiceException.PermissionDenied(
                $"Editors may change only measures of their own units ({string.Join(", ", caller.Units.DefaultIfEmpty("none"))}) and the units below them.");
    }
}

/// <summary>Department scoping: a unit claim covers that unit and every unit below it.</summary>
public static class UnitScope
{
    public static IReadOnlySet<string> Expand(IEnumerable<string> unitClaims, IReadOnlyList<UnitRow> units)
    {
        var children = units.Where(u => u.ParentId is not null).ToLookup(u => u.ParentId!, u => u.Id);
        var result = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>(unitClaims
            .Select(claim => claim.StartsWith(Names.Units + "/", StringComparison.Ordinal) ? claim[(Names.Units.Length + 1)..] : claim));
        while (pending.TryDequeue(out var id))
            if (result.Add(id))
                foreach (var child in children[id]) pending.Enqueue(child);
        return result;
    }
}
