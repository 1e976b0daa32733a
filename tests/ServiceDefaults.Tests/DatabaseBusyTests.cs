using Grpc.Core;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Data.Sqlite;

namespace IntegrationServices.ServiceDefaults.Tests;

/// <summary>The one classification of a busy database, for both dialects.</summary>
public sealed class DatabaseBusyTests
{
    [Theory]
    [InlineData(1222, StatusCode.Unavailable)] // lock request time out period exceeded
    [InlineData(1205, StatusCode.Aborted)]     // chosen as deadlock victim
    public void Sql_server_lock_timeouts_and_deadlocks_are_retryable(int number, StatusCode code)
    {
        var answer = DatabaseBusy.OfSqlServerError(number);
        Assert.NotNull(answer);
        Assert.Equal(code, answer.Code);
        Assert.Equal("DATABASE_BUSY", answer.Reason);
        Assert.Equal(DatabaseBusy.RetryDelay, answer.RetryDelay);
    }

    [Theory]
    [InlineData(2627)] // unique key violation: the caller's conflict, not a busy database
    [InlineData(547)]  // foreign key violation
    [InlineData(-2)]   // client-side command timeout
    public void Other_sql_server_errors_are_not_busy(int number) => Assert.Null(DatabaseBusy.OfSqlServerError(number));

    [Theory]
    [InlineData(5)] // SQLITE_BUSY
    [InlineData(6)] // SQLITE_LOCKED
    public void Sqlite_busy_and_locked_are_unavailable_also_when_wrapped(int code)
    {
        var busy = new SqliteException("database is locked", code);
        Assert.Equal(StatusCode.Unavailable, DatabaseBusy.Of(busy)?.Code);
        Assert.Equal(StatusCode.Unavailable, DatabaseBusy.Of(new InvalidOperationException("migration failed", busy))?.Code);
        Assert.True(DatabaseBusy.Is(busy));
    }

    [Fact]
    public void Other_failures_are_not_busy()
    {
        Assert.Null(DatabaseBusy.Of(new SqliteException("UNIQUE constraint failed", 19)));
        Assert.Null(DatabaseBusy.Of(new InvalidOperationException("database is locked")));
        Assert.False(DatabaseBusy.Is(new TimeoutException()));
    }
}
