using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Hosting;
using IntegrationServices.ServiceDefaults.Storage;
using IntegrationServices.Testing;
using Microsoft.Data.Sqlite;

namespace IntegrationServices.ServiceDefaults.Tests;

/// <summary>Hosts that start at once on one SQLite file: one migrates, the others wait and find every script applied.</summary>
public sealed class MigrationTests
{
    [Fact]
    public async Task Hosts_started_concurrently_on_one_file_migrate_it_once()
    {
        var directory = TestHost.NewDataDirectory();
        var starts = Enumerable.Range(0, 6).Select(_ => Task.Run(() => TestHost.StartAsync(
            b => b.AddServiceDefaults(new ServiceIdentity("integration.test.v1.TestService", "shared"), new DefaultPorts(5999, 5998)),
            app => app.MigrateDatabase(typeof(ServiceException).Assembly).MapServiceDefaults(),
            dataDirectory: directory))).ToList();
        TestHost[] hosts;
        try
        {
            hosts = await Task.WhenAll(starts);
        }
        catch
        {
            foreach (var started in starts.Where(t => t.IsCompletedSuccessfully)) await (await started).DisposeAsync();
            throw;
        }
        try
        {
            await using var connection = new SqliteConnection($"Data Source={Path.Combine(directory, "shared.db")};Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT ScriptName FROM SchemaVersions ORDER BY ScriptName";
            var applied = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync()) applied.Add(reader.GetString(0));
            var scripts = Migrator.Scripts([typeof(ServiceException).Assembly], ".Migrations.Sqlite.").Select(s => s.Name).ToList();
            Assert.Equal(scripts, applied);
        }
        finally
        {
            foreach (var host in hosts) await host.DisposeAsync();
        }
    }
}
