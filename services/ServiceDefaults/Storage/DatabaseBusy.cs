using Grpc.Core;
using IntegrationServices.ServiceDefaults.Errors;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace IntegrationServices.ServiceDefaults.Storage;

/// <summary>
/// The one classification of a database that is too busy to answer now, for both dialects: the caller did
/// nothing wrong and the same call may succeed in a moment, so it is answered as retryable — UNAVAILABLE
/// (a lock not granted in time) or ABORTED (chosen as a deadlock victim, the transaction rolled back), with
/// ErrorInfo reason <see cref="Reason"/> — never INTERNAL. The gRPC error interceptor, the HTTP error
/// middleware and the snapshot worker's retry all ask here.
/// </summary>
public static class DatabaseBusy
{
    public const string Reason = "DATABASE_BUSY";

    /// <summary>How long a client should wait before its first retry (google.rpc.RetryInfo, Retry-After).</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private const int SqliteBusy = 5;     // SQLITE_BUSY: another connection holds the lock past the busy timeout
    private const int SqliteLocked = 6;   // SQLITE_LOCKED: a conflict within a shared cache
    private const int SqlServerLockTimeout = 1222; // "Lock request time out period exceeded." (SET LOCK_TIMEOUT)
    private const int SqlServerDeadlockVictim = 1205; // "Transaction … was deadlocked … and has been chosen as the deadlock victim."

    /// <summary>The retryable answer to <paramref name="exception"/> (or an exception it wraps), or null when it is not a busy database.</summary>
    public static ServiceException? Of(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked }:
                    return Unavailable();
                case SqlException sql:
                    foreach (SqlError error in sql.Errors)
                        if (OfSqlServerError(error.Number) is { } busy) return busy;
                    return null;
            }
        }
        return null;
    }

    /// <summary>True when <paramref name="exception"/> is a busy database (see <see cref="Of"/>).</summary>
    public static bool Is(Exception exception) => Of(exception) is not null;

    /// <summary>The answer to a SQL Server error number: 1222 → UNAVAILABLE, 1205 → ABORTED, anything else → null.</summary>
    public static ServiceException? OfSqlServerError(int number) => number switch
    {
        SqlServerLockTimeout => Unavailable(),
        SqlServerDeadlockVictim => new ServiceException(StatusCode.Aborted, Reason,
            "The database chose this request as the victim of a deadlock and rolled it back; nothing was written. Retry it.",
            retryDelay: RetryDelay),
        _ => null,
    };

    private static ServiceException Unavailable() => new(StatusCode.Unavailable, Reason,
        "The database is busy with other writes and could not take this request in time; nothing was written. Retry with backoff.",
        retryDelay: RetryDelay);
}
