using IntegrationServices.ServiceDefaults.Storage;
using IntegrationServices.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.Suite.Tests.Hostile;

/// <summary>
/// Demo seeding is one transaction per service: a seed that fails half-way (as a process killed on its first
/// start would) leaves nothing behind, the next start seeds fully — the same as a seed that never failed — and
/// seeding again changes nothing.
/// </summary>
public sealed class DemoSeedTests
{
    public static TheoryData<string, string> Components() => new()
    {
        // The component, and a table its seed writes after others, where the failure is injected.
        { "Measures", "status_events" },
        { "Demographics", "observations" },
        { "Reporting", "consultations" },
    };

    [Theory]
    [MemberData(nameof(Components))]
    public async Task A_seed_that_fails_half_way_leaves_nothing_and_the_next_start_seeds_fully(string name, string table)
    {
        var component = SuiteComponents.All.Single(c => c.Name == name);
        var seed = component.SeedDemoData!;
        await using var host = await TestHost.StartAsync(component);
        var database = host.Services.GetRequiredService<Database>();
        var before = await CountsAsync(database);

        await ExecuteAsync(database, $"""
            CREATE TRIGGER fail_half_way BEFORE INSERT ON {table} WHEN (SELECT COUNT(*) FROM {table}) >= 3
            BEGIN SELECT RAISE(ABORT, 'injected failure half-way through the seed'); END
            """);
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => seed(host.Services, CancellationToken.None));
        Assert.Contains("injected failure", failure.ToString());
        Assert.Equal(before, await CountsAsync(database));

        await ExecuteAsync(database, "DROP TRIGGER fail_half_way");
        await seed(host.Services, CancellationToken.None);
        var seeded = await CountsAsync(database);
        Assert.NotEqual(before, seeded);

        await using var untroubled = await TestHost.StartAsync(component);
        await seed(untroubled.Services, CancellationToken.None);
        Assert.Equal(await CountsAsync(untroubled.Services.GetRequiredService<Database>()), seeded);

        await seed(host.Services, CancellationToken.None);
        Assert.Equal(seeded, await CountsAsync(database));
    }

    /// <summary>"table: rows" for every table of the database, in name order.</summary>
    private static Task<List<string>> CountsAsync(Database database) => database.ReadAsync(async db =>
    {
        var tables = await db.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name", null, CancellationToken.None);
        var counts = new List<string>();
        foreach (var t in tables)
            counts.Add($"{t}: {await db.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM \"{t}\"", null, CancellationToken.None)}");
        return counts;
    }, CancellationToken.None);

    private static Task<int> ExecuteAsync(Database database, string sql) =>
        database.WriteAsync(db => db.ExecuteAsync(sql, null, CancellationToken.None), CancellationToken.None);
}
