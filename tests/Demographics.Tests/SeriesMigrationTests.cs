using DbUp;
using Google.Protobuf.WellKnownTypes;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Storage;
using IntegrationServices.Testing;
using Microsoft.Data.Sqlite;

namespace IntegrationServices.Demographics.Tests;

/// <summary>
/// Migration 0003 on a database written by the earlier schema (observations carrying indicator, area and
/// dimensions themselves): every revision survives with its id, value, status, comment and record time,
/// and the service reads them back through time travel.
/// </summary>
public sealed class SeriesMigrationTests
{
    [Fact]
    public async Task Observations_of_the_earlier_schema_keep_every_revision_after_migration_0003()
    {
        var directory = TestHost.NewDataDirectory();
        var connection = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(directory, DemographicsServiceExtensions.Identity.StorageName + ".db"),
            ForeignKeys = true,
        }.ToString();

        var earlier = Migrator.Scripts(typeof(DemographicsServiceExtensions).Assembly, StorageProvider.Sqlite)
            .Where(s => string.CompareOrdinal(s.Name, "0003") < 0).ToList();
        Assert.Contains(earlier, s => s.Name.StartsWith("0002", StringComparison.Ordinal));
        var upgrade = DeployChanges.To.SqliteDatabase(connection).WithScripts(earlier).LogToNowhere().Build().PerformUpgrade();
        Assert.True(upgrade.Successful, upgrade.Error?.Message);
        await using (var db = new SqliteConnection(connection))
        {
            await db.OpenAsync();
            await using var insert = db.CreateCommand();
            insert.CommandText = """
                INSERT INTO observations (indicator_id, area_id, reference_date, dimensions, value, status, comment, record_time) VALUES
                ('population_total', '0', '2016-12-31', '', 250000, 'PROVISIONAL', 'vorläufig', '2017-01-10 08:00:00'),
                ('population_total', '0', '2016-12-31', '', 250704, 'FINAL', NULL, '2017-03-01 08:00:00'),
                ('foreign_nationals', '131-bis-2021', '2016-12-31', '{"sex":"f"}', 1200, 'FINAL', NULL, '2017-03-01 08:00:00'),
                ('foreign_nationals', '131-bis-2021', '2015-12-31', '{"sex":"f"}', 1100, 'ESTIMATED', NULL, '2016-03-01 08:00:00')
                """;
            Assert.Equal(4, await insert.ExecuteNonQueryAsync());
        }
        SqliteConnection.ClearAllPools();

        // The host migrates at start: 0003 and anything after it.
        await using var host = await DemographicsTest.StartAsync(dataDirectory: directory);
        var client = new DemographicsClient(host.As(Roles.Reader));

        Observation[] Read(ListObservationsResponse r) => r.Observations.OrderBy(o => o.Indicator).ThenBy(o => o.ReferenceDate.Year).ToArray();
        var now = Read(await client.ListObservationsAsync(new ListObservationsRequest { KnownAt = Timestamp.FromDateTime(new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc)) }));
        Assert.Equal(3, now.Length);
        Assert.Equal(("indicators/foreign_nationals", "areas/131-bis-2021", 2015, 1100.0, ObservationStatus.Estimated),
            (now[0].Indicator, now[0].Area, now[0].ReferenceDate.Year, now[0].Value, now[0].Status));
        Assert.Equal("f", now[1].Dimensions["sex"]);
        Assert.Equal((250704.0, ObservationStatus.Final, ""), (now[2].Value, now[2].Status, now[2].Comment));

        var before = Read(await client.ListObservationsAsync(new ListObservationsRequest
        {
            Filter = "indicator = \"indicators/population_total\"",
            KnownAt = Timestamp.FromDateTime(new DateTime(2017, 2, 1, 0, 0, 0, DateTimeKind.Utc)),
        }));
        var provisional = Assert.Single(before);
        Assert.Equal((250000.0, "vorläufig", new DateTime(2017, 1, 10, 8, 0, 0, DateTimeKind.Utc)),
            (provisional.Value, provisional.Comment, provisional.RecordTime.ToDateTime()));

        // New imports continue after the migrated rows: a revision of a migrated series wins.
        using var import = new DemographicsClient(host.As(Roles.Statistics)).ImportObservations();
        await import.RequestStream.WriteAsync(new ImportObservationsRequest
        {
            Observations = { new Observation { Indicator = "population_total", Area = "0", ReferenceDate = D(2016, 12, 31), Value = 250705 } },
        });
        await import.RequestStream.CompleteAsync();
        Assert.Equal(1, (await import).ImportedCount);
        var revised = await client.ListObservationsAsync(new ListObservationsRequest { Filter = "indicator = \"indicators/population_total\"" });
        Assert.Equal(250705, Assert.Single(revised.Observations).Value);
    }
}
