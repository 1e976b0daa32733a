using IntegrationServices.Demographics.Domain;
using IntegrationServices.Demographics.Storage;
using IntegrationServices.ServiceDefaults.Auditing;

namespace IntegrationServices.Demographics.Application;

/// <summary>
/// The administrative path of observation imports (demo data, historical figures): one write transaction,
/// begun at once, in which one or more imports (<see cref="ImportAsync"/>) run, each validated, spooled,
/// stored as its own batch with a record time of the past, and audited; nothing is stored unless
/// <see cref="CommitAsync"/> is called. Begun by <see cref="ObservationImport.BeginAsync"/>. Not for
/// clients: its transaction is open while the rows are read.
/// </summary>
public sealed class ImportTransaction : IAsyncDisposable
{
    private readonly ImportConnection _connection;
    private readonly ObservationImport _import;
    private readonly ObservationRepository _observations;

    internal ImportTransaction(ImportConnection connection, ObservationImport import, ObservationRepository observations)
    {
        (_connection, _import, _observations) = (connection, import, observations);
    }

    /// <summary>
    /// Imports the rows as one batch with the record time <paramref name="recordTime"/>: any bad row →
    /// INVALID_ARGUMENT listing every bad field of every bad row; no rows → INVALID_ARGUMENT. After any failure
    /// the transaction must not be committed: it may hold part of the batch. Returns the number of rows written.
    /// </summary>
    public Task<long> ImportAsync(IAsyncEnumerable<ImportRow> rows, DateTime recordTime, WriteContext writer, CancellationToken ct) =>
        _import.ImportOnAsync(_connection, rows, recordTime, writer, ct);

    /// <summary>Whether the service holds any observation (as this transaction sees it).</summary>
    public Task<bool> HoldsObservationsAsync(CancellationToken ct) => _observations.AnyAsync(_connection.Scope, ct);

    public Task CommitAsync(CancellationToken ct) => _connection.CommitAsync(ct);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
