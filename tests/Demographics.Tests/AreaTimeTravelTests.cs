using DbUp;
using Google.Protobuf.WellKnownTypes;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Storage;
using IntegrationServices.Testing;
using Microsoft.Data.Sqlite;

namespace IntegrationServices.Demographics.Tests;

/// <summary>
/// The area catalogue is time-travelled: an area (with its successor links) is known from its record time
/// on, so creating one never changes an answer as known at an earlier instant. Reference data is known since always.
/// </summary>
public sealed class AreaTimeTravelTests : DemographicsTest
{
    private static readonly DateTime Always = new(1, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private async Task<List<Area>> AreasAsync(Timestamp? knownAt, Google.Type.Date? asOf = null)
    {
        var (client, areas) = (Client(Roles.Reader), new List<Area>());
        var request = new ListAreasRequest { KnownAt = knownAt, AsOf = asOf, PageSize = 7 };
        while (true)
        {
            var page = await client.ListAreasAsync(request);
            areas.AddRange(page.Areas);
            if (page.NextPageToken.Length == 0) return areas;
            request.PageToken = page.NextPageToken;
        }
    }

    [Fact]
    public async Task A_district_created_today_with_an_open_validity_changes_no_answer_as_known_before()
    {
        await ImportAsync(Client(Roles.Statistics),
        [
            Obs("population_total", "0", D(2022, 12, 31), 253167), Obs("population_with_migration_background", "0", D(2022, 12, 31), 70000),
            Obs("population_total", "130", D(2022, 12, 31), 27000), Obs("population_with_migration_background", "130", D(2022, 12, 31), 9000),
        ]);
        var before = Timestamp.FromDateTimeOffset(Host.Clock.GetUtcNow());
        var summaryRequest = new SummarizeAreasRequest { AsOf = D(2023, 6, 30), KnownAt = before };
        var summaryBefore = await Client(Roles.Worker).SummarizeAreasAsync(summaryRequest);
        var areasBefore = await AreasAsync(before);

        Host.Clock.Advance(TimeSpan.FromHours(1));
        // No validity at all: valid on every date, so without time travel it would join every past answer.
        var created = await Client(Roles.Statistics).CreateAreaAsync(new CreateAreaRequest
        {
            Area = new Area { Code = "950", Title = "Neuer Bezirk", Kind = AreaKind.District, Parent = "areas/0" },
        });
        Assert.Equal(Host.Clock.GetUtcNow().UtcDateTime, created.RecordTime.ToDateTime());

        Assert.Equal(summaryBefore, await Client(Roles.Worker).SummarizeAreasAsync(summaryRequest));
        Assert.Equal(areasBefore, await AreasAsync(before));
        Assert.DoesNotContain(await AreasAsync(before, D(2016, 12, 31)), a => a.Name == "areas/950");

        // As known now, it is there: in the list, and as a district of the summary (without figures).
        Assert.Contains(await AreasAsync(null), a => a.Name == "areas/950");
        var summaryNow = await Client(Roles.Worker).SummarizeAreasAsync(new SummarizeAreasRequest { AsOf = D(2023, 6, 30) });
        Assert.False(Assert.Single(summaryNow.Areas, a => a.Area == "areas/950").HasPopulationTotal);
    }

    [Fact]
    public async Task Successor_links_come_with_their_area_and_reference_data_is_known_since_always()
    {
        var before = Timestamp.FromDateTimeOffset(Host.Clock.GetUtcNow());
        Host.Clock.Advance(TimeSpan.FromMinutes(5));
        await Client(Roles.Statistics).CreateAreaAsync(new CreateAreaRequest
        {
            AreaId = "960-bis-2030",
            Area = new Area { Code = "960", Title = "Übergangsbezirk", Kind = AreaKind.District, Parent = "areas/0", ValidTo = D(2030, 12, 31), Successors = { "areas/130" } },
        });

        var seeded = await AreasAsync(Timestamp.FromDateTime(Always));
        Assert.Equal(1 + 14 + 5 + 7, seeded.Count);
        Assert.All(seeded, a => Assert.Equal(Always, a.RecordTime.ToDateTime()));
        Assert.Equal(["areas/130"], seeded.Single(a => a.Name == "areas/131-bis-2021").Successors);
        Assert.DoesNotContain(await AreasAsync(before), a => a.Name == "areas/960-bis-2030");
        Assert.Equal(["areas/130"], (await AreasAsync(null)).Single(a => a.Name == "areas/960-bis-2030").Successors);
    }

    [Fact]
    public async Task A_page_token_belongs_to_its_known_at()
    {
        var client = Client(Roles.Reader);
        var first = await client.ListAreasAsync(new ListAreasRequest { KnownAt = Timestamp.FromDateTime(Always), PageSize = 5 });
        await Rpc.InvalidAsync(() => client.ListAreasAsync(new ListAreasRequest { PageSize = 5, PageToken = first.NextPageToken }), "page_token");
        await Rpc.InvalidAsync(() => client.ListAreasAsync(new ListAreasRequest { KnownAt = new Timestamp { Seconds = -62135596801 } }), "known_at");
    }

    [Fact]
    public async Task Areas_created_before_migration_0005_are_known_from_their_audit_record_on()
    {
        var directory = TestHost.NewDataDirectory();
        var connection = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(directory, DemographicsServiceExtensions.Identity.StorageName + ".db"),
            ForeignKeys = true,
        }.ToString();
        var earlier = Migrator.Scripts(typeof(DemographicsServiceExtensions).Assembly, StorageProvider.Sqlite)
            .Where(s => string.CompareOrdinal(s.Name, "0005") < 0).ToList();
        var upgrade = DeployChanges.To.SqliteDatabase(connection).WithScripts(earlier).LogToNowhere().Build().PerformUpgrade();
        Assert.True(upgrade.Successful, upgrade.Error?.Message);
        await using (var db = new SqliteConnection(connection))
        {
            await db.OpenAsync();
            await using var insert = db.CreateCommand();
            // What CreateArea wrote before areas had record times: the area, its successor link and its audit record.
            insert.CommandText = """
                INSERT INTO areas (id, code, title, kind, parent_id, valid_from, valid_to, description)
                VALUES ('970-bis-2030', '970', 'Alter Testbezirk', 'DISTRICT', '0', NULL, '2030-12-31', '');
                INSERT INTO area_successors (area_id, successor_id) VALUES ('970-bis-2030', '130');
                INSERT INTO audit_records (time, subject, subject_name, method, resource, change)
                VALUES ('2025-03-01 10:00:00', 'alice', 'Alice', '/integration.demographics.v1.DemographicsService/CreateArea', 'areas/970-bis-2030', '{"action":"created"}');
                """;
            await insert.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();

        await using var host = await StartAsync(dataDirectory: directory);
        var client = new DemographicsClient(host.As(Roles.Reader));
        var created = new DateTime(2025, 3, 1, 10, 0, 0, DateTimeKind.Utc);
        var areas = (await client.ListAreasAsync(new ListAreasRequest { PageSize = 1000 })).Areas;
        var old = areas.Single(a => a.Name == "areas/970-bis-2030");
        Assert.Equal((created, "areas/130"), (old.RecordTime.ToDateTime(), old.Successors.Single()));
        Assert.Equal(Always, areas.Single(a => a.Name == "areas/130").RecordTime.ToDateTime());
        Assert.DoesNotContain((await client.ListAreasAsync(new ListAreasRequest { PageSize = 1000, KnownAt = Timestamp.FromDateTime(created.AddSeconds(-1)) })).Areas,
            a => a.Name == "areas/970-bis-2030");
    }
}
