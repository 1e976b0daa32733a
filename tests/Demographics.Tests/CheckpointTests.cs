using System.Globalization;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.Demographics.Tests;

/// <summary>A large import commits without copying the log into the database file; the copy follows in the background.</summary>
public sealed class CheckpointTests : DemographicsTest
{
    [Fact]
    public async Task A_deferred_commit_leaves_the_log_uncopied_until_the_checkpoint_runs()
    {
        // Control first: without deferral, the commit of a write past 1,000 log pages copies it at once.
        var copiedByCommit = await WriteLargeTransactionAsync(defer: false, "undeferred");
        Assert.True(copiedByCommit > 4_000_000, $"the commit itself should have checkpointed (database file grew by {copiedByCommit} bytes)");

        var before = new FileInfo(DatabaseFile).Length;
        var copiedByDeferredCommit = await WriteLargeTransactionAsync(defer: true, "deferred");
        Assert.True(copiedByDeferredCommit < 1_000_000, $"a deferred commit must not copy the log into the database file (it grew by {copiedByDeferredCommit} bytes)");

        await Host.Services.GetRequiredService<WalCheckpointer>().CheckpointAsync(CancellationToken.None);
        Assert.True(new FileInfo(DatabaseFile).Length - before > 4_000_000, "the checkpoint copies the deferred write into the database file");

        // The deferral ended with the write: the pooled connection checkpoints on commit again.
        await using var connection = new SqliteConnection(Host.Services.GetRequiredService<Database>().ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_autocheckpoint";
        Assert.Equal(WalCheckpointer.DefaultAutoCheckpointPages, Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task After_a_large_import_the_service_checkpoints_in_the_background()
    {
        var checkpointer = Host.Services.GetRequiredService<WalCheckpointer>();
        var completed = checkpointer.Completed;
        var rows = Enumerable.Range(0, 60_000).Select(i =>
            Obs("population_total", "0", D(1900 + i % 120, 12, 31), i, dimensions: ("row", (i / 120).ToString(CultureInfo.InvariantCulture))));
        Assert.Equal(60_000, await ImportAsync(Client(Roles.Statistics), rows, batchSize: 2000));

        // Bounded wait: the request is handled as soon as the background service gets to it.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (checkpointer.Completed == completed && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(checkpointer.Completed > completed, "no checkpoint ran within 30 s of the import");
        Assert.True(new FileInfo(DatabaseFile).Length > 2_000_000, "the checkpoint copied the imported rows into the database file");
    }

    /// <summary>
    /// About 2,500 log pages of blobs in one transaction, on a connection from the service's pool; returns how
    /// much the database file grew by the commit. Measured while the connection is still open: SQLite also
    /// checkpoints when the last connection to a file closes, which a pool cleared elsewhere could cause.
    /// </summary>
    private async Task<long> WriteLargeTransactionAsync(bool defer, string table)
    {
        var before = new FileInfo(DatabaseFile).Length;
        await using var connection = new SqliteConnection(Host.Services.GetRequiredService<Database>().ConnectionString);
        await connection.OpenAsync();
        using var deferral = defer ? WalCheckpointer.Defer(connection) : null;
        await using var transaction = connection.BeginTransaction();
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE TABLE {table} (data BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500) INSERT INTO {table} SELECT randomblob(4000) FROM n";
        await command.ExecuteNonQueryAsync();
        transaction.Commit();
        return new FileInfo(DatabaseFile).Length - before;
    }
}
