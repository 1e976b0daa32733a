using System.Globalization;
using Grpc.Core;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;
using Microsoft.Data.Sqlite;

namespace IntegrationServices.Demographics.Tests;

/// <summary>
/// SQLite's import spool, a temporary file in Demographics:SpoolDirectory: it holds the rows while the client
/// sends (unlinked from the start, so only the open handle keeps it), it is closed, and so gone, however the
/// import ends, and an import that fails or is cancelled once rows are spooled stores nothing. Linux: the open
/// files are read from /proc/self/fd.
/// </summary>
public sealed class ImportSpoolTests : IAsyncLifetime
{
    private const int SpooledRows = 20_000; // far more than the spool buffers before it writes to its file

    private readonly string _spoolDirectory = Path.Combine(Path.GetTempPath(), "integration-tests", "spool-" + Guid.NewGuid().ToString("N"));
    private SocketHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_spoolDirectory);
        _host = await SocketHost.StartAsync(b => b.AddDemographicsService(), a => a.MapDemographicsService(),
            new Dictionary<string, string?> { ["Demographics:SpoolDirectory"] = _spoolDirectory });
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_spoolDirectory, recursive: true);
    }

    private DemographicsClient Statistics() => new(_host.As(Roles.Statistics));

    private static IEnumerable<Observation> Rows(int count, double firstValue = 0) => Enumerable.Range(0, count).Select(i =>
        DemographicsTest.Obs("population_total", "0", D(1000 + i % 1000, 12, 31), firstValue + i, dimensions: ("part", (i / 1000).ToString(CultureInfo.InvariantCulture))));

    [Fact]
    public async Task A_successful_import_leaves_no_spool_behind()
    {
        SkipUnlessLinux();
        Assert.Equal(SpooledRows, await DemographicsTest.ImportAsync(Statistics(), Rows(SpooledRows), batchSize: 1000));
        await AssertNoSpoolAsync();
        Assert.Equal(SpooledRows, (await StoredObservations.ValuesAsync(_host)).Count);
    }

    [Fact]
    public async Task An_import_cancelled_once_its_rows_are_spooled_stores_nothing_and_leaves_no_spool_behind()
    {
        SkipUnlessLinux();
        using var cancel = new CancellationTokenSource();
        using var call = Statistics().ImportObservations(cancellationToken: cancel.Token);
        foreach (var chunk in Rows(SpooledRows).Chunk(1000)) await call.RequestStream.WriteAsync(new ImportObservationsRequest { Observations = { chunk } });
        var spool = await SpoolWrittenAsync();
        Assert.EndsWith("(deleted)", spool.Target); // unlinked while still in use: no crash can leave it behind
        Assert.Empty(Directory.EnumerateFileSystemEntries(_spoolDirectory));

        await cancel.CancelAsync();
        Assert.Equal(StatusCode.Cancelled, (await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync)).StatusCode);
        await AssertNoSpoolAsync();
        Assert.Empty(await StoredObservations.ValuesAsync(_host));
    }

    [Fact]
    public async Task An_import_that_fails_after_its_rows_were_spooled_stores_nothing_and_leaves_no_spool_behind()
    {
        SkipUnlessLinux();
        // A bad last row: refused once every row has been received and the good ones spooled.
        var invalid = Rows(SpooledRows).Append(DemographicsTest.Obs("population_total", "0", D(2016, 12, 31), -1));
        var refused = await Assert.ThrowsAsync<RpcException>(() => DemographicsTest.ImportAsync(Statistics(), invalid, batchSize: 1000));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        await AssertNoSpoolAsync();

        // The database refuses a row while the spool is moved in: the rows before it are rolled back.
        await ExecuteSqliteAsync("CREATE TRIGGER refuse_one BEFORE INSERT ON observations WHEN NEW.value = 15000 BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
        var failed = await Assert.ThrowsAsync<RpcException>(() => DemographicsTest.ImportAsync(Statistics(), Rows(SpooledRows), batchSize: 1000));
        Assert.Equal(StatusCode.Internal, failed.StatusCode);
        await AssertNoSpoolAsync();
        Assert.Empty(await StoredObservations.ValuesAsync(_host));
    }

    private static void SkipUnlessLinux() => Assert.SkipUnless(OperatingSystem.IsLinux(), "reads the process's open files from /proc/self/fd");

    private static Google.Type.Date D(int year, int month, int day) => new() { Year = year, Month = month, Day = day };

    /// <summary>The files of the spool directory this process holds open (/proc/self/fd): link target and size.</summary>
    private List<(string Target, long Length)> OpenSpools()
    {
        var open = new List<(string, long)>();
        foreach (var fd in Directory.EnumerateFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith(_spoolDirectory + "/", StringComparison.Ordinal))
                    open.Add((target, new FileInfo(fd).Length)); // the length of what the link points to, deleted or not
            }
            catch (IOException)
            {
                // The descriptor was closed meanwhile.
            }
        }
        return open;
    }

    /// <summary>Waits (up to a generous real-time limit) until the import's spool file holds rows.</summary>
    private async Task<(string Target, long Length)> SpoolWrittenAsync()
    {
        var limit = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (OpenSpools() is [var spool] && spool.Length > 0) return spool;
            Assert.True(DateTime.UtcNow < limit, "the import's spool never held rows");
            await Task.Delay(20);
        }
    }

    /// <summary>No spool file is open (the server may close it a moment after its answer) and none is left in the directory.</summary>
    private async Task AssertNoSpoolAsync()
    {
        var limit = DateTime.UtcNow.AddSeconds(60);
        while (OpenSpools().Count > 0)
        {
            Assert.True(DateTime.UtcNow < limit, "the import's spool file is still open");
            await Task.Delay(20);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(_spoolDirectory));
    }

    private string DatabaseFile => Path.Combine(_host.DataDirectory, DemographicsServiceExtensions.Identity.StorageName + ".db");

    private async Task ExecuteSqliteAsync(string sql)
    {
        await using var db = new SqliteConnection($"Data Source={DatabaseFile}");
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
