using IntegrationServices.Demographics.Domain;

namespace IntegrationServices.Demographics.Storage;

/// <summary>
/// Where an import's valid rows wait, out of memory, until the client has sent them all: SQLite's in a
/// temporary file (<see cref="SqliteObservationSpool"/>), SQL Server's in staging tables of the import's
/// connection (<see cref="SqlServerObservationSpool"/>). Filling it takes no lock on the service's tables;
/// <see cref="MoveAsync"/> then writes everything in inside the import's write transaction. Each series of an import is spooled once, numbered by
/// the spool (<see cref="ImportSeries.SpoolId"/>), and its rows name it by that number.
/// </summary>
public abstract class ObservationSpool : IAsyncDisposable
{
    public abstract ValueTask AddAsync(NewObservation observation, CancellationToken ct);

    /// <summary>Writes what is still buffered: the spool then holds every row added.</summary>
    public abstract ValueTask CompleteAsync(CancellationToken ct);

    /// <summary>
    /// In the import connection's write transaction: adds the series not stored yet, then every spooled row
    /// as an observation of the import batch <paramref name="batchId"/>.
    /// </summary>
    public abstract Task MoveAsync(long batchId, CancellationToken ct);

    public abstract ValueTask DisposeAsync();
}
