using IntegrationServices.Demographics.Domain;
using IntegrationServices.Demographics.Storage;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Errors;

namespace IntegrationServices.Demographics.Application;

/// <summary>
/// The unit of work of observation imports: one transaction from the first row to the commit, which is what
/// makes an import all-or-nothing without holding the stream. One or more imports run in it
/// (<see cref="ImportAsync"/>), each validated, written through the bulk path and audited; nothing is stored
/// unless <see cref="CommitAsync"/> is called. Begun by <see cref="ObservationImport.BeginAsync"/>.
/// </summary>
public sealed class ImportTransaction : IAsyncDisposable
{
    private readonly BulkTransaction _transaction;
    private readonly CatalogueRepository _catalogue;
    private readonly ObservationRepository _observations;
    private readonly AuditTrail _audit;

    internal ImportTransaction(BulkTransaction transaction, CatalogueRepository catalogue, ObservationRepository observations, AuditTrail audit)
    {
        (_transaction, _catalogue, _observations, _audit) = (transaction, catalogue, observations, audit);
    }

    /// <summary>
    /// Imports the rows with the record time <paramref name="recordTime"/>: any bad row → INVALID_ARGUMENT listing
    /// every bad field of every bad row (and the transaction must not be committed); no rows → INVALID_ARGUMENT.
    /// Returns the number of rows written.
    /// </summary>
    public async Task<long> ImportAsync(IAsyncEnumerable<ImportRow> rows, DateTime recordTime, WriteContext writer, CancellationToken ct)
    {
        var db = _transaction.Scope;
        var validation = new ObservationValidation(await _catalogue.LoadAreasAsync(db, ct), await _catalogue.LoadIndicatorsAsync(db, ct));
        await using (var bulk = await _observations.OpenBulkWriterAsync(db, recordTime, ct))
        {
            await ImportPipeline.RunAsync(rows, validation, bulk, ct);
            if (validation.BadRows > 0) throw ServiceException.Invalid(validation.Violations, validation.Summary);
            if (validation.Rows == 0) throw ServiceException.Invalid(ObservationFields.Prefix, "the import contains no observations");
            await bulk.FlushAsync(ct);
        }
        await _audit.AppendAsync(db, writer, DemographicsNames.Observations, AuditChange.Of("imported")
            .Set("imported_count", validation.Rows)
            .Set("record_time", recordTime)
            .Set("reference_dates", validation.ReferenceDates.Select(d => d.Iso()).ToList())
            .Set("indicators", validation.IndicatorIds.Select(DemographicsNames.Indicators.Format).ToList()), ct);
        return validation.Rows;
    }

    /// <summary>Whether the service holds any observation (as this transaction sees it).</summary>
    public Task<bool> HoldsObservationsAsync(CancellationToken ct) => _observations.AnyAsync(_transaction.Scope, ct);

    public Task CommitAsync(CancellationToken ct) => _transaction.CommitAsync(ct);

    public ValueTask DisposeAsync() => _transaction.DisposeAsync();
}
