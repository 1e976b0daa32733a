using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Demographics.Application;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.Demographics.Storage;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Storage;
using IntegrationServices.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.Demographics.Tests;

/// <summary>
/// The storage contract (migrations, bulk path, time travel, successor mapping) on one dialect. Runs on
/// SQLite always and on SQL Server where there is one (SQLSERVER_TEST_CONNECTION, or a container: see
/// SqlServerDatabases; a fresh database per test, dropped afterwards); otherwise the SQL Server variants
/// report as skipped.
/// </summary>
public abstract class RepositoryContract : IAsyncLifetime
{
    private TestHost? _host;

    protected TestHost Host => _host ?? throw new InvalidOperationException("no host");

    /// <summary>Storage settings of the dialect, or null when it is not available here.</summary>
    protected abstract IDictionary<string, string?>? Storage();

    /// <summary>Skips the calling test when the dialect is not available here.</summary>
    protected abstract void SkipUnlessAvailable();

    public virtual async ValueTask InitializeAsync()
    {
        if (Storage() is { } settings) _host = await DemographicsTest.StartAsync(settings);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private static readonly WriteContext Seeder = WriteContext.System("contract-test", "Contract test", "contract");

    private Database Database => Host.Services.GetRequiredService<Database>();

    private static Observation Obs(string indicator, string area, int year, double value, params (string, string)[] dimensions)
    {
        var o = new Observation { Indicator = indicator, Area = area, ReferenceDate = D(year, 12, 31), Value = value };
        foreach (var (k, v) in dimensions) o.Dimensions[k] = v;
        return o;
    }

    /// <summary>One import with a record time of its own, through the administrative path.</summary>
    private async Task<long> ImportAsync(IEnumerable<Observation> observations, DateTime recordTime)
    {
        await using var import = await Host.Services.GetRequiredService<ObservationImport>().BeginAsync(CancellationToken.None);
        var count = await import.ImportAsync(ImportRow.Numbered(observations), recordTime, Seeder, CancellationToken.None);
        await import.CommitAsync(CancellationToken.None);
        return count;
    }

    private Task<IReadOnlyList<ObservationRow>> PageAsync(string? filter, DateOnly? asOf, DateTime knownAt, ObservationKey? after, int limit) =>
        Database.ReadAsync(db => Host.Services.GetRequiredService<ObservationRepository>()
            .PageAsync(db, ObservationSql.Filters.Parse(filter), asOf, knownAt, after, limit, CancellationToken.None), CancellationToken.None);

    [Fact]
    public async Task Migrations_seed_the_real_area_sets_with_successors()
    {
        SkipUnlessAvailable();
        var areas = await Database.ReadAsync(db => Host.Services.GetRequiredService<CatalogueRepository>().LoadAreasAsync(db, knownAt: null, CancellationToken.None), CancellationToken.None);
        Assert.Equal(19, areas.All.Count(a => !a.IsCity && a.ValidOn(new DateOnly(2021, 10, 31))));
        Assert.Equal(12, areas.All.Count(a => !a.IsCity && a.ValidOn(new DateOnly(2021, 11, 1))));
        Assert.Equal(["130"], areas.Find("132-bis-2021")!.Successors);
        Assert.Equal("Östliches Ringgebiet", areas.Find("120")!.Title);
        Assert.Equal(new DateOnly(2021, 10, 31), areas.Find("224-bis-2021")!.ValidTo);
    }

    [Fact]
    public async Task The_bulk_path_stores_revisions_and_time_travel_reads_them_back()
    {
        SkipUnlessAvailable();
        var t1 = new DateTime(2017, 2, 1, 8, 0, 0, DateTimeKind.Utc);
        var t2 = new DateTime(2017, 3, 1, 8, 0, 0, DateTimeKind.Utc);
        var rows = Enumerable.Range(0, 25_000).Select(i => Obs("population_total", "areas/0", 2000 + i % 17, i, ("n", (i / 17).ToString(CultureInfo.InvariantCulture))));
        Assert.Equal(25_000, await ImportAsync(rows, t1));
        Assert.Equal(1, await ImportAsync([Obs("population_total", "0", 2016, 7, ("n", "0"))], t2));

        var all = new List<ObservationRow>();
        ObservationKey? after = null;
        while (true)
        {
            var page = await PageAsync(null, null, t2, after, 1000);
            all.AddRange(page);
            if (page.Count < 1000) break;
            after = page[^1].Key;
        }
        Assert.Equal(25_000, all.Count);
        Assert.Equal(25_000, all.Select(r => r.Id).Distinct().Count());
        var revised = all.Single(r => r.Dimensions == "{\"n\":\"0\"}" && r.ReferenceDate == new DateOnly(2016, 12, 31));
        Assert.Equal(7, revised.Value);
        Assert.Equal(t2, revised.RecordTime);
        Assert.Equal(DateTimeKind.Utc, DbValues.Utc(revised.RecordTime).Kind);

        // As of 2016-12-31, as known at t1: the first series in listing order is {"n":"0"}, with the value of row 16 (2016).
        var before = Assert.Single(await PageAsync("indicator = population_total", new DateOnly(2016, 12, 31), t1, null, 1));
        Assert.Equal(("{\"n\":\"0\"}", 16.0, t1), (before.Dimensions, before.Value, before.RecordTime));
    }

    [Fact]
    public async Task A_series_is_stored_once_however_often_it_is_imported_and_the_later_of_equal_instants_wins()
    {
        SkipUnlessAvailable();
        var t = new DateTime(2017, 2, 1, 8, 0, 0, DateTimeKind.Utc);
        await ImportAsync([Obs("population_total", "0", 2015, 1), Obs("population_total", "0", 2016, 2), Obs("population_total", "0", 2016, 3, ("sex", "f"))], t);
        // Same record time (a frozen or coarse clock): the import that came later is the current revision.
        await ImportAsync([Obs("population_total", "0", 2016, 20), Obs("foreign_nationals", "0", 2016, 4)], t);

        await using var connection = await Database.OpenAsync(CancellationToken.None);
        Assert.Equal(3, await Dapper.SqlMapper.ExecuteScalarAsync<int>(connection, "SELECT COUNT(*) FROM series"));
        Assert.Equal(5, await Dapper.SqlMapper.ExecuteScalarAsync<int>(connection, "SELECT COUNT(*) FROM observations"));

        var current = await PageAsync("indicator = population_total", new DateOnly(2016, 12, 31), t, null, 10);
        Assert.Equal([("", 20.0), ("{\"sex\":\"f\"}", 3.0)], current.Select(r => (r.Dimensions, r.Value)));
    }

    [Fact]
    public async Task A_rejected_import_leaves_nothing_behind()
    {
        SkipUnlessAvailable();
        var rows = Enumerable.Range(0, 12_000).Select(i => Obs("population_total", i == 11_000 ? "areas/130" : "areas/0", 2010, i, ("n", i.ToString(CultureInfo.InvariantCulture))));
        var e = await Assert.ThrowsAsync<ServiceException>(() => ImportAsync(rows, DateTime.UtcNow));
        Assert.Equal("observations[11000].area", Assert.Single(e.Violations).Field);
        Assert.False(await Database.ReadAsync(db => Host.Services.GetRequiredService<ObservationRepository>().AnyAsync(db, CancellationToken.None), CancellationToken.None));
    }

    [Fact]
    public async Task The_summary_maps_old_districts_into_new_ones()
    {
        SkipUnlessAvailable();
        await ImportAsync(
        [
            Obs("population_total", "131", 2016, 20000), Obs("population_with_migration_background", "131", 2016, 8000),
            Obs("population_total", "132", 2016, 10000), Obs("population_with_migration_background", "132", 2016, 1000),
        ], new DateTime(2017, 1, 15, 0, 0, 0, DateTimeKind.Utc));
        var summary = await Host.Services.GetRequiredService<ObservationApplication>().SummarizeAsync(
            new DateOnly(2017, 1, 1), new DateTime(2018, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateOnly(2022, 1, 1), CancellationToken.None);
        var mitte = summary.Areas.Single(a => a.Area.Id == "130");
        Assert.Equal(30000, mitte.PopulationTotal);
        Assert.Equal(30, mitte.MigrationBackgroundSharePercent);
    }

    [Fact]
    public async Task Created_areas_and_indicators_read_back_through_the_API()
    {
        SkipUnlessAvailable();
        var client = new DemographicsClient(Host.As(Roles.Statistics));
        var area = await client.CreateAreaAsync(new CreateAreaRequest
        {
            AreaId = "900-bis-2030",
            Area = new Area { Code = "900", Title = "Testbezirk", Kind = AreaKind.District, Parent = "areas/0", ValidTo = D(2030, 12, 31), Successors = { "areas/130" } },
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
}

public sealed class SqliteRepositoryContractTests : RepositoryContract
{
    protected override IDictionary<string, string?> Storage() => new Dictionary<string, string?>();

    protected override void SkipUnlessAvailable() { }
}

/// <summary>The contract on SQL Server: a database of its own per test, dropped when the test ends.</summary>
public sealed class SqlServerRepositoryContractTests : RepositoryContract
{
    private readonly SqlServerDatabases _databases = new();

    protected override IDictionary<string, string?>? Storage() => _databases.Available
        ? new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "SqlServer",
            ["Storage:ConnectionString"] = _databases.NewDatabase("demographics_contract"),
        }
        : null;

    protected override void SkipUnlessAvailable() => _databases.SkipUnlessAvailable();

    public override async ValueTask InitializeAsync()
    {
        await _databases.InitializeAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _databases.DisposeAsync();
    }
}
