using IntegrationServices.Testing;
using Microsoft.Data.Sqlite;

namespace IntegrationServices.Demographics.Tests;

/// <summary>What a Demographics host has stored, read from its database file.</summary>
internal static class StoredObservations
{
    /// <summary>The values stored, in value order, read once the host has stopped (so every call has finished).</summary>
    public static async Task<List<double>> ValuesAsync(SocketHost host)
    {
        await host.StopAsync();
        await using var db = new SqliteConnection($"Data Source={Path.Combine(host.DataDirectory, DemographicsServiceExtensions.Identity.StorageName + ".db")}");
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT value FROM observations ORDER BY value";
        var values = new List<double>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) values.Add(reader.GetDouble(0));
        return values;
    }
}
