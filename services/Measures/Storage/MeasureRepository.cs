using Dapper;
using IntegrationServices.Measures.Domain;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Measures.Storage;

/// <summary>Measures, their versions and status events; every method runs in the caller's <see cref="DbScope"/>.</summary>
public sealed class MeasureRepository(Database database)
{
    private readonly MeasureSql _sql = new(database.Dialect);

    public async Task<MeasureRow?> GetAsync(DbScope db, long id, PointInTime at, CancellationToken ct) =>
        (await db.QuerySingleOrDefaultAsync<MeasureRow>(_sql.QueryById, new { Id = id, at.AsOf, at.KnownAt, at.AsOfEnd }, ct))?.AsUtc();

    /// <summary>Up to <paramref name="limit"/> measures of the query after id <paramref name="after"/>, in id order.</summary>
    public async Task<IReadOnlyList<MeasureRow>> ListAsync(DbScope db, MeasureQuery query, long after, int limit, CancellationToken ct) =>
        (await db.QueryAsync<MeasureRow>(_sql.Query(query.Filter, query.ShowRetired, query.At.TimeTravel),
            query.Filter.AddTo(new DynamicParameters(new { After = after, query.At.AsOf, query.At.KnownAt, query.At.AsOfEnd, Limit = limit })), ct))
        .Select(r => r.AsUtc()).ToList();

    public async Task<bool> CodeTakenAsync(DbScope db, string code, long exceptId, CancellationToken ct) =>
        await db.ExecuteScalarAsync<int>(_sql.CodeTaken, new { Code = code, Id = exceptId }, ct) > 0;

    public async Task<bool> ExistsAsync(DbScope db, long id, CancellationToken ct) =>
        await db.ExecuteScalarAsync<int>(_sql.MeasureExists, new { Id = id }, ct) > 0;

    /// <summary>The measure and its current parents upwards (<paramref name="id"/> first), at most <paramref name="maxDepth"/> of them.</summary>
    public async Task<IReadOnlyList<long>> AncestryAsync(DbScope db, long id, int maxDepth, CancellationToken ct)
    {
        var chain = new List<long> { id };
        while (chain.Count < maxDepth && await db.ExecuteScalarAsync<long?>(_sql.ParentOf, new { Id = chain[^1] }, ct) is { } parent)
            chain.Add(parent);
        return chain;
    }

    /// <summary>The number of measures, holding off concurrent seeders until the transaction ends (see <see cref="MeasureSql.CountMeasures"/>).</summary>
    public Task<int> CountAsync(DbScope db, CancellationToken ct) => db.ExecuteScalarAsync<int>(_sql.CountMeasures, null, ct);

    /// <summary>Creates a measure with its first version recorded at <paramref name="recordTime"/>.</summary>
    public async Task<long> InsertAsync(DbScope db, MeasureFields fields, DateTime recordTime, string recordedBy, CancellationToken ct)
    {
        var id = await db.ExecuteScalarAsync<long>(_sql.InsertMeasure, new { fields.Code, RecordTime = recordTime }, ct);
        await InsertVersionAsync(db, id, 1, fields, recordTime, recordedBy, ct);
        return id;
    }

    /// <summary>Records a new version, or returns false when the head moved since <paramref name="expectedRevision"/>.</summary>
    public async Task<bool> InsertNextVersionAsync(DbScope db, long id, int expectedRevision, MeasureFields fields,
        DateTime recordTime, string recordedBy, CancellationToken ct)
    {
        var moved = await db.ExecuteAsync(_sql.AdvanceRevision, new
        {
            MeasureId = id, Revision = expectedRevision + 1, ExpectedRevision = expectedRevision, fields.Code, RecordTime = recordTime,
        }, ct);
        if (moved == 0) return false;
        await InsertVersionAsync(db, id, expectedRevision + 1, fields, recordTime, recordedBy, ct);
        return true;
    }

    private Task<int> InsertVersionAsync(DbScope db, long id, int revision, MeasureFields f, DateTime recordTime, string recordedBy, CancellationToken ct) =>
        db.ExecuteAsync(_sql.InsertVersion, new
        {
            MeasureId = id, Revision = revision, RecordTime = recordTime, RecordedBy = recordedBy,
            f.Code, f.Title, f.Description, f.ActionConceptId, f.FieldOfAction, f.ResponsibleUnitId, f.ParentId, f.AdoptedOn,
            Kind = (int)f.Kind,
        }, ct);

    /// <summary>Retires the measure, or returns false when its head moved since <paramref name="expectedRevision"/>.</summary>
    public async Task<bool> RetireAsync(DbScope db, long id, int expectedRevision, DateTime retireTime, CancellationToken ct) =>
        await db.ExecuteAsync(_sql.Retire, new { Id = id, ExpectedRevision = expectedRevision, RetireTime = retireTime }, ct) == 1;

    // ---- status events ----------------------------------------------------------------------------

    public Task<long> InsertStatusEventAsync(DbScope db, long measureId, StatusChange change, DateTime recordTime, string recordedBy, CancellationToken ct) =>
        db.ExecuteScalarAsync<long>(_sql.InsertStatusEvent, new
        {
            MeasureId = measureId, Status = (int)change.Status, change.ProgressPercent, change.EffectiveDate, change.Note,
            RecordTime = recordTime, RecordedBy = recordedBy,
        }, ct);

    public async Task<StatusEventRow?> GetStatusEventAsync(DbScope db, long id, CancellationToken ct) =>
        (await db.QuerySingleOrDefaultAsync<StatusEventRow>(_sql.GetStatusEvent, new { Id = id }, ct))?.AsUtc();

    public async Task<IReadOnlyList<StatusEventRow>> ListStatusEventsAsync(DbScope db, long measureId, long after, int limit, CancellationToken ct) =>
        (await db.QueryAsync<StatusEventRow>(_sql.ListStatusEvents, new { MeasureId = measureId, After = after, Limit = limit }, ct))
            .Select(r => r.AsUtc()).ToList();
}
