using IntegrationServices.Demographics.Application;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Storage;
using IntegrationServices.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.Demographics.Tests;

/// <summary>
/// A busy database reaches the error model as the storage's own exception, never wrapped by the import,
/// so that the shared mapping answers it as retryable (UNAVAILABLE, DATABASE_BUSY) like every other write.
/// </summary>
public sealed class ImportBusyTests
{
    [Fact]
    public async Task A_database_locked_by_another_writer_surfaces_as_SQLite_busy_after_the_busy_timeout()
    {
        await using var host = await DemographicsTest.StartAsync(new Dictionary<string, string?> { ["Storage:CommandTimeoutSeconds"] = "1" });
        var database = host.Services.GetRequiredService<Database>();
        // Another writer (here: a connection behind the service's back) holds the write lock.
        await using var other = new SqliteConnection(database.ConnectionString);
        await other.OpenAsync();
        await using var transaction = other.BeginTransaction(deferred: false);

        var import = host.Services.GetRequiredService<ObservationImport>();
        var rows = ImportRow.Numbered([DemographicsTest.Obs("population_total", "0", D(2016, 12, 31), 1)]);
        var e = await Assert.ThrowsAsync<SqliteException>(() =>
            import.ImportAsync(rows, WriteContext.System("test", "Test", "test"), CancellationToken.None));
        Assert.Equal(5, e.SqliteErrorCode); // SQLITE_BUSY

        transaction.Rollback();
        Assert.Equal(1, await import.ImportAsync(ImportRow.Numbered([DemographicsTest.Obs("population_total", "0", D(2016, 12, 31), 1)]),
            WriteContext.System("test", "Test", "test"), CancellationToken.None));
    }
}
