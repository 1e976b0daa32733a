using Google.Protobuf.WellKnownTypes;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Demographics.Storage;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.Demographics.Tests;

/// <summary>
/// The storage contract (migrations, bulk path, time travel, successor mapping) on one dialect. Runs on
/// SQLite always and on SQL Server when SQLSERVER_TEST_CONNECTION is set (a fresh database per test,
/// dropped afterwards); otherwise the SQL Server variants report as skipped.
/// </summary>
public abstract class RepositoryContract : IAsyncLifetime
{
    private TestHost? _host;

    protected TestHost Host => _host ?? throw new InvalidOperationException("no host");

    /// <summary>Storage settings of the dialect, or null when it is not available here.</summary>
    protected abstract IDictionary<string, string?>? Storage();

    protected virtual Task DropAsync() => Task.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        if (Storage() is { } settings)
            _host = await TestHost.StartAsync(b => b.AddDemographicsService(), a => a.MapDemographicsService(), settings);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        await DropAsync();
    }

    private void SkipIfUnavailable() => Assert.SkipWhen(_host is null, "SQLSERVER_TEST_CONNECTION is not set");

    private static readonly Caller Seeder = new("contract-test", null, new HashSet<string>(), []);

    private static Observation Obs(string indicator, string area, int year, double value, params (string, string)[] dimensions)
    {
        var o = new Observation { Indicator = indicator, Area = area, ReferenceDate = new Google.Type.Date { Year = year, Month = 12, Day = 31 }, Value = value };
        foreach (var (k, v) in dimensions) o.Dimensions[k] = v;
        return o;
    }

    private async Task<long> ImportAsync(IEnumerable<Observation> observations, DateTime? recordTime = null)
    {
        var importer = Host.Services.GetRequiredService<ObservationImporter>();
        return await importer.ImportAsync(Rows(observations), Seeder, "contract", CancellationToken.None, recordTime);
    }

    private static async IAsyncEnumerable<ImportRow> Rows(IEnumerable<Observation> observations)
    {
        await Task.CompletedTask;
        var i = 0;
        foreach (var o in observations) yield return new ImportRow(i++, o);
    }

    [Fact]
    public async Task Migrations_seed_the_real_area_sets_with_successors()
    {
        SkipIfUnavailable();
        var areas = await Host.Services.GetRequiredService<CatalogRepository>().LoadAreasAsync(CancellationToken.None);
        Assert.Equal(19, areas.All.Count(a => !a.IsCity && a.ValidOn(new DateOnly(2021, 10, 31))));
        Assert.Equal(12, areas.All.Count(a => !a.IsCity && a.ValidOn(new DateOnly(2021, 11, 1))));
        Assert.Equal(["130"], areas.Find("132-bis-2021")!.Successors);
        Assert.Equal("Östliches Ringgebiet", areas.Find("120")!.Title);
        Assert.Equal(new DateOnly(2021, 10, 31), areas.Find("224-bis-2021")!.ValidTo);
    }

    [Fact]
    public async Task The_bulk_path_stores_revisions_and_time_travel_reads_them_back()
    {
        SkipIfUnavailable();
        var t1 = new DateTime(2017, 2, 1, 8, 0, 0, DateTimeKind.Utc);
        var t2 = new DateTime(2017, 3, 1, 8, 0, 0, DateTimeKind.Utc);
        var rows = Enumerable.Range(0, 25_000).Select(i => Obs("population_total", "areas/0", 2000 + i % 17, i, ("n", (i / 17).ToString())));
        Assert.Equal(25_000, await ImportAsync(rows, t1));
        Assert.Equal(1, await ImportAsync([Obs("population_total", "0", 2016, 7, ("n", "0"))], t2));

        var repository = Host.Services.GetRequiredService<ObservationRepository>();
        var all = new List<ObservationRow>();
        ObservationRepository.PageKey? after = null;
        while (true)
        {
            var page = await repository.PageAsync("", new Dapper.DynamicParameters(), null, t2, after, 1000, CancellationToken.None);
            all.AddRange(page);
            if (page.Count < 1000) break;
            var last = page[^1];
            after = new(last.IndicatorId, last.AreaId, last.Dimensions, last.ReferenceDate);
        }
        Assert.Equal(25_000, all.Count);
        Assert.Equal(25_000, all.Select(r => r.Id).Distinct().Count());
        var revised = all.Single(r => r.Dimensions == "{\"n\":\"0\"}" && r.ReferenceDate == new DateOnly(2016, 12, 31));
        Assert.Equal(7, revised.Value);
        Assert.Equal(t2, revised.RecordTime);
        Assert.Equal(DateTimeKind.Utc, DbValuesUtc(revised.RecordTime).Kind);

        var before = await repository.PageAsync(" AND dimensions = @d", Params(("d", "{\"n\":\"0\"}")), new DateOnly(2016, 12, 31), t1, null, 10, CancellationToken.None);
        Assert.Equal(16, Assert.Single(before).Value); // value of row 16 (2016), the revision unknown at t1
    }

    [Fact]
    public async Task A_series_is_stored_once_however_often_it_is_imported_and_the_later_of_equal_instants_wins()
    {
        SkipIfUnavailable();
        var t = new DateTime(2017, 2, 1, 8, 0, 0, DateTimeKind.Utc);
        await ImportAsync([Obs("population_total", "0", 2015, 1), Obs("population_total", "0", 2016, 2), Obs("population_total", "0", 2016, 3, ("sex", "f"))], t);
        // Same record time (a frozen or coarse clock): the import that came later is the current revision.
        await ImportAsync([Obs("population_total", "0", 2016, 20), Obs("foreign_nationals", "0", 2016, 4)], t);

        var database = Host.Services.GetRequiredService<IntegrationServices.ServiceDefaults.Storage.Database>();
        await using var connection = await database.OpenAsync(CancellationToken.None);
        Assert.Equal(3, await Dapper.SqlMapper.ExecuteScalarAsync<int>(connection, "SELECT COUNT(*) FROM series"));
        Assert.Equal(5, await Dapper.SqlMapper.ExecuteScalarAsync<int>(connection, "SELECT COUNT(*) FROM observations"));

        var current = await Host.Services.GetRequiredService<ObservationRepository>().PageAsync(
            " AND dimensions = @d AND indicator_id = @i", Params(("d", ""), ("i", "population_total")), new DateOnly(2016, 12, 31), t, null, 10, CancellationToken.None);
        Assert.Equal(20, Assert.Single(current).Value);
    }

    [Fact]
    public async Task A_rejected_import_leaves_nothing_behind()
    {
        SkipIfUnavailable();
        var rows = Enumerable.Range(0, 12_000).Select(i => Obs("population_total", i == 11_000 ? "areas/130" : "areas/0", 2010, i, ("n", i.ToString())));
        var e = await Assert.ThrowsAsync<ServiceException>(() => ImportAsync(rows));
        Assert.Equal("observations[11000].area", Assert.Single(e.Violations).Field);
        Assert.False(await Host.Services.GetRequiredService<ObservationRepository>().AnyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_summary_maps_old_districts_into_new_ones()
    {
        SkipIfUnavailable();
        await ImportAsync(
        [
            Obs("population_total", "131", 2016, 20000), Obs("population_with_migration_background", "131", 2016, 8000),
            Obs("population_total", "132", 2016, 10000), Obs("population_with_migration_background", "132", 2016, 1000),
        ], new DateTime(2017, 1, 15, 0, 0, 0, DateTimeKind.Utc));
        var summary = await Host.Services.GetRequiredService<AreaSummarizer>().SummarizeAsync(
            new DateOnly(2017, 1, 1), new DateTime(2018, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateOnly(2022, 1, 1), CancellationToken.None);
        var mitte = summary.Areas.Single(a => a.Area.Id == "130");
        Assert.Equal(30000, mitte.PopulationTotal);
        Assert.Equal(30, mitte.MigrationBackgroundSharePercent);
    }

    [Fact]
    public async Task Created_areas_and_indicators_read_back_through_the_API()
    {
        SkipIfUnavailable();
        var client = new DemographicsClient(Host.As(Roles.Statistics));
        var area = await client.CreateAreaAsync(new CreateAreaRequest
        {
            AreaId = "900-bis-2030",
            Area = new Area { Code = "900", Title = "Testbezirk", Kind = AreaKind.District, Parent = "areas/0", ValidTo = new Google.Type.Date { Year = 2030, Month = 12, Day = 31 }, Successors = { "areas/130" } },
        });
        Assert.Equal(["areas/130"], area.Successors);
        var indicator = await client.CreateIndicatorAsync(new CreateIndicatorRequest
        {
            IndicatorId = "contract_share",
            Indicator = new Indicator { Title = "Anteil", Unit = IndicatorUnit.Percent, Definition = "Test", Source = "Test" },
        });
        Assert.Equal(IndicatorUnit.Percent, indicator.Unit);
        var listed = await client.ListObservationsAsync(new ListObservationsRequest { KnownAt = Timestamp.FromDateTime(DateTime.UtcNow) });
        Assert.Empty(listed.Observations);
    }

    private static Dapper.DynamicParameters Params(params (string Name, object Value)[] values)
    {
        var p = new Dapper.DynamicParameters();
        foreach (var (n, v) in values) p.Add(n, v);
        return p;
    }

    private static DateTime DbValuesUtc(DateTime value) => IntegrationServices.ServiceDefaults.Storage.DbValues.Utc(value);
}

public sealed class SqliteRepositoryContractTests : RepositoryContract
{
    protected override IDictionary<string, string?> Storage() => new Dictionary<string, string?>();
}

public sealed class SqlServerRepositoryContractTests : RepositoryContract
{
    private static readonly string? Connection = Environment.GetEnvironmentVariable("SQLSERVER_TEST_CONNECTION");
    private string? _database;

    protected override IDictionary<string, string?>? Storage()
    {
        if (string.IsNullOrWhiteSpace(Connection)) return null;
        _database = "demographics_contract_" + Guid.NewGuid().ToString("N")[..12];
        var builder = new SqlConnectionStringBuilder(Connection) { InitialCatalog = _database };
        return new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "SqlServer",
            ["Storage:ConnectionString"] = builder.ConnectionString,
        };
    }

    protected override async Task DropAsync()
    {
        if (_database is null) return;
        SqlConnection.ClearAllPools();
        await using var master = new SqlConnection(new SqlConnectionStringBuilder(Connection) { InitialCatalog = "master" }.ConnectionString);
        await master.OpenAsync();
        await using var drop = master.CreateCommand();
        // The name is generated above (letters, digits, '_'), never caller text.
        drop.CommandText = $"ALTER DATABASE [{_database}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{_database}];";
        await drop.ExecuteNonQueryAsync();
    }
}
