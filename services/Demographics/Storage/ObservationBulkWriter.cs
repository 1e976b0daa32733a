using IntegrationServices.Demographics.Domain;

namespace IntegrationServices.Demographics.Storage;

/// <summary>
/// Writes validated observations in bulk, each dialect its own fastest way (<see cref="SqliteObservationWriter"/>,
/// <see cref="SqlServerObservationWriter"/>); everything it writes stays in the caller's transaction.
/// </summary>
public abstract class ObservationBulkWriter : IAsyncDisposable
{
    public abstract ValueTask AddAsync(NewObservation observation, CancellationToken ct);

    /// <summary>Writes what is still buffered; call before committing.</summary>
    public abstract ValueTask FlushAsync(CancellationToken ct);

    public abstract ValueTask DisposeAsync();
}
