using System.Runtime.CompilerServices;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Measures.Domain;
using IntegrationServices.Measures.Storage;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Storage;
using IMessage = Google.Protobuf.IMessage;

namespace IntegrationServices.Measures.Application;

/// <summary>
/// The measure aggregate: its fields (versioned), its retirement and its status history. Each write is one
/// transaction with its audit record; creates honour request ids; reads answer for a point in time. A write
/// becomes known at its commit, so its record time is read from the clock as the last step before its
/// inserts — after every check and lock wait — never when the request arrived: what is stamped before a
/// snapshot's cut-off has committed within moments, well inside the worker's settle delay.
/// </summary>
public sealed class MeasureApplication(
    Database database, MeasureRepository measures, MeasureChecks checks, AuditTrail audit, RequestIds requestIds, TimeProvider clock)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<MeasureRow> CreateAsync(WriteContext writer, string? requestId, IMessage request, MeasureFields fields, CancellationToken ct)
    {
        var name = await database.OrAlreadyExistsAsync(() => requestIds.CreateOnceAsync(writer, requestId, request, async db =>
        {
            await checks.ReferencesAsync(db, fields, selfId: 0, ct);
            if (await measures.CodeTakenAsync(db, fields.Code, 0, ct)) throw CodeTaken(fields.Code);
            var created = MeasureNames.Measures.Format(await measures.InsertAsync(db, fields, Now, writer.Caller.Subject, ct));
            await audit.AppendAsync(db, writer, created,
                MeasureFields.Paths.Aggregate(AuditChange.Created(), (change, path) => change.Set(path, fields.ValueOf(path))), ct);
            return created;
        }, ct), () => CodeTaken(fields.Code));
        return await CurrentAsync(MeasureNames.Measures.ParseNumber(name), ct);
    }

    /// <summary>GetMeasure: the measure as known at <paramref name="knownAt"/> on <paramref name="asOf"/> (defaults: now, today).</summary>
    public async Task<MeasureRow> GetAsync(long id, DateOnly? asOf, DateTime? knownAt, CancellationToken ct) =>
        await database.ReadAsync(db => measures.GetAsync(db, id, PointInTime.Of(asOf, knownAt, Now), ct), ct)
        ?? throw ServiceException.NotFound(MeasureNames.Measures.Format(id));

    /// <summary>ListMeasures: one page; "now" is fixed by the first page, so every page answers for the same instant.</summary>
    public Task<Page<MeasureRow>> ListAsync(MeasureSelection selection, int pageSize, string? pageToken, CancellationToken ct) =>
        Paging.Page<MeasureRow, long>(pageSize, pageToken, selection.Fingerprint, clock,
            cursor => database.ReadAsync(db => measures.ListAsync(db, selection.At(cursor.Now), cursor.After, cursor.Limit, ct), ct),
            row => row.Id);

    /// <summary>
    /// StreamMeasures: the same selection without paging, read in keyset batches of <see cref="StreamBatch"/>,
    /// each on a connection of its own that is released before the batch is sent: a caller that reads
    /// slowly, or stops, holds no connection and no read snapshot, and memory stays that of one batch.
    /// Every batch answers for the same instant, as the pages of ListMeasures do.
    /// </summary>
    public async IAsyncEnumerable<MeasureRow> StreamAsync(MeasureSelection selection, [EnumeratorCancellation] CancellationToken ct)
    {
        var query = selection.At(Now);
        for (var after = 0L; ;)
        {
            var batch = await database.ReadAsync(db => measures.ListAsync(db, query, after, StreamBatch, ct), ct);
            foreach (var row in batch) yield return row;
            if (batch.Count < StreamBatch) yield break;
            after = batch[^1].Id;
        }
    }

    /// <summary>Measures read at a time by <see cref="StreamAsync"/>: the largest list page.</summary>
    public const int StreamBatch = Paging.MaxPageSize;

    /// <summary>UpdateMeasure: a new version with the patched fields (none when nothing changes), under the caller's etag.</summary>
    public async Task<MeasureRow> UpdateAsync(WriteContext writer, long id, string? etag, MeasurePatch patch, CancellationToken ct)
    {
        var name = MeasureNames.Measures.Format(id);
        await database.OrAlreadyExistsAsync(() => database.WriteAsync(async db =>
        {
            var current = await LiveAsync(db, writer, id, patch.NewResponsibleUnitId, "is retired and can no longer be changed.", ct);
            if (MeasureRules.IsStale(etag, current.Revision, current.Retired)) throw ServiceException.StaleEtag(name);
            var old = current.ToFields();
            var changed = patch.ApplyTo(old);
            if (changed == old) return false;
            await checks.ReferencesAsync(db, changed, id, ct);
            if (changed.Code != old.Code && await measures.CodeTakenAsync(db, changed.Code, id, ct)) throw CodeTaken(changed.Code);
            if (!await measures.InsertNextVersionAsync(db, id, current.Revision, changed, Now, writer.Caller.Subject, ct))
                throw ServiceException.StaleEtag(name);
            await audit.AppendAsync(db, writer, name,
                patch.Paths.Aggregate(AuditChange.Updated(patch.Paths), (change, path) => change.Set(path, old.ValueOf(path), changed.ValueOf(path))), ct);
            return true;
        }, ct), () => CodeTaken(patch.Code ?? ""));
        return await CurrentAsync(id, ct);
    }

    /// <summary>DeleteMeasure: retires the measure; its versions and status history stay readable.</summary>
    public async Task<MeasureRow> RetireAsync(WriteContext writer, long id, string? etag, CancellationToken ct)
    {
        var name = MeasureNames.Measures.Format(id);
        await database.WriteAsync(async db =>
        {
            var current = await LiveAsync(db, writer, id, null, "is already retired.", ct);
            if (MeasureRules.IsStale(etag, current.Revision, current.Retired)) throw ServiceException.StaleEtag(name);
            var now = Now;
            if (!await measures.RetireAsync(db, id, current.Revision, now, ct))
                throw ServiceException.StaleEtag(name);
            await audit.AppendAsync(db, writer, name, AuditChange.Of("retired").Set("retire_time", now), ct);
        }, ct);
        return await CurrentAsync(id, ct);
    }

    /// <summary>RecordStatus: appends a status event to a measure that is not retired.</summary>
    public async Task<StatusEventRow> RecordStatusAsync(WriteContext writer, string? requestId, IMessage request, long measureId,
        StatusChange change, CancellationToken ct)
    {
        var name = await requestIds.CreateOnceAsync(writer, requestId, request, async db =>
        {
            await LiveAsync(db, writer, measureId, null, "is retired; its history can be read but not extended.", ct);
            var recorded = MeasureNames.StatusEvent(measureId, await measures.InsertStatusEventAsync(db, measureId, change, Now, writer.Caller.Subject, ct));
            await audit.AppendAsync(db, writer, recorded, AuditChange.Of("recorded")
                .Set("status", ProtoEnum<MeasureStatus>.Name(change.Status))
                .Set("progress_percent", change.ProgressPercent)
                .Set("effective_date", change.EffectiveDate.Iso())
                .Set("note", change.Note), ct);
            return recorded;
        }, ct);
        return (await database.ReadAsync(db => measures.GetStatusEventAsync(db, MeasureNames.StatusEventId(name), ct), ct))!;
    }

    /// <summary>ListStatusEvents: a measure's history in recording order.</summary>
    public Task<Page<StatusEventRow>> ListStatusEventsAsync(long measureId, int pageSize, string? pageToken, CancellationToken ct) =>
        Paging.Page<StatusEventRow, long>(pageSize, pageToken, Paging.Selection(MeasureNames.StatusEvents, measureId), clock,
            cursor => database.ReadAsync(async db =>
            {
                if (!await measures.ExistsAsync(db, measureId, ct)) throw ServiceException.NotFound(MeasureNames.Measures.Format(measureId));
                return await measures.ListStatusEventsAsync(db, measureId, cursor.After, cursor.Limit, ct);
            }, ct),
            row => row.Id);

    /// <summary>
    /// The measure as it is now, for a write on it. Editors are checked first, so an unknown measure is
    /// PERMISSION_DENIED for them rather than NOT_FOUND; a retired one is FAILED_PRECONDITION.
    /// </summary>
    private async Task<MeasureRow> LiveAsync(DbScope db, WriteContext writer, long id, string? newUnitId, string whenRetired, CancellationToken ct)
    {
        var current = await measures.GetAsync(db, id, PointInTime.Current(Now), ct);
        await checks.EditorScopeAsync(db, writer.Caller, current, newUnitId, ct);
        var name = MeasureNames.Measures.Format(id);
        if (current is null) throw ServiceException.NotFound(name);
        if (current.Retired) throw ServiceException.FailedPrecondition("MEASURE_RETIRED", $"{name} {whenRetired}");
        return current;
    }

    private async Task<MeasureRow> CurrentAsync(long id, CancellationToken ct) =>
        (await database.ReadAsync(db => measures.GetAsync(db, id, PointInTime.Current(Now), ct), ct))!;

    private static ServiceException CodeTaken(string code) =>
        ServiceException.AlreadyExists($"A measure with code '{code}'", $"A measure with code '{code}' already exists; codes are unique.");
}
