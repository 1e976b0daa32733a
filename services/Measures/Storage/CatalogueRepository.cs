using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Measures.Storage;

/// <summary>The catalogue: fields of action (seeded by migration), action concepts and organizational units.</summary>
public sealed class CatalogueRepository(Database database)
{
    private readonly CatalogueSql _sql = new(database.Dialect);

    public Task<IReadOnlyList<FieldOfActionRow>> ListFieldsOfActionAsync(DbScope db, int after, int limit, CancellationToken ct) =>
        db.QueryAsync<FieldOfActionRow>(_sql.ListFieldsOfAction, new { After = after, Limit = limit }, ct);

    public async Task<bool> FieldOfActionExistsAsync(DbScope db, int number, CancellationToken ct) =>
        await db.ExecuteScalarAsync<int>(_sql.FieldOfActionExists, new { Number = number }, ct) > 0;

    public Task<IReadOnlyList<ActionConceptRow>> ListActionConceptsAsync(DbScope db, string after, int limit, CancellationToken ct) =>
        db.QueryAsync<ActionConceptRow>(_sql.ListActionConcepts, new { After = after, Limit = limit }, ct);

    public Task<ActionConceptRow?> GetActionConceptAsync(DbScope db, string id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<ActionConceptRow>(_sql.GetActionConcept, new { Id = id }, ct);

    public Task InsertActionConceptAsync(DbScope db, ActionConceptRow row, CancellationToken ct) =>
        db.ExecuteAsync(_sql.InsertActionConcept, row, ct);

    public Task<IReadOnlyList<UnitRow>> ListUnitsAsync(DbScope db, string after, int limit, CancellationToken ct) =>
        db.QueryAsync<UnitRow>(_sql.ListUnits, new { After = after, Limit = limit }, ct);

    public Task<IReadOnlyList<UnitRow>> AllUnitsAsync(DbScope db, CancellationToken ct) => db.QueryAsync<UnitRow>(_sql.AllUnits, null, ct);

    public Task<UnitRow?> GetUnitAsync(DbScope db, string id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<UnitRow>(_sql.GetUnit, new { Id = id }, ct);

    public Task InsertUnitAsync(DbScope db, UnitRow row, CancellationToken ct) => db.ExecuteAsync(_sql.InsertUnit, row, ct);
}
