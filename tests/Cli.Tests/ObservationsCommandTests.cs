using IntegrationServices.Cli;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Storage;
using IntegrationServices.Suite;
using IntegrationServices.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using DemographicsClient = IntegrationServices.Contracts.Demographics.V1.DemographicsService.DemographicsServiceClient;

namespace IntegrationServices.Cli.Tests;

/// <summary><c>observations import</c>: all or nothing, rejected rows named by their CSV line, progress on a terminal.</summary>
public sealed class ObservationsCommandTests(CliFixture cli) : IClassFixture<CliFixture>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cli-import-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string File(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    private async Task<int> StoredAsync(string referenceDate) =>
        (await cli.Env.DemographicsAdmin.ListObservationsAsync(new ListObservationsRequest { PageSize = 1000, Filter = $"reference_date = {referenceDate}" })).Observations.Count;

    [Fact]
    public async Task A_good_file_is_imported_and_a_bad_one_stores_nothing_naming_its_lines()
    {
        var good = File("good.csv", """
            indicator,area,reference_date,value,comment
            population_total,0,2026-12-31,252000,"Beispieldaten, erfunden"
            foreign_nationals,0,2026-12-31,42000,Beispieldaten
            population_total,130,2026-12-31,27300.5,
            """);
        var result = (await cli.RunAsync("observations", "import", good, "--batch-size", "2")).Succeeded();
        Assert.Contains("Imported 3 observations from good.csv", result.Out);
        Assert.Equal(3, await StoredAsync("2026-12-31"));

        var bad = File("bad.csv", "indicator,area,reference_date,value\npopulation_total,0,2027-12-31,251551\nnope,0,2027-12-31,1\nforeign_nationals,0,2027-12-31,-5\n");
        var line = (await cli.RunAsync("observations", "import", bad)).FailedInOneLine(IntegrationCli.Failure);
        Assert.StartsWith("bad.csv: nothing was imported: INVALID_ARGUMENT", line);
        Assert.Contains("observations[1].indicator: line 3:", line);
        Assert.Contains("observations[2].value: line 4: -5 is negative", line);
        Assert.Equal(0, await StoredAsync("2027-12-31"));

        var header = File("header.csv", "indicator,area,when,value\n");
        Assert.Contains("header", (await cli.RunAsync("observations", "import", header)).FailedInOneLine(IntegrationCli.Failure));

        var refused = (await cli.RunAsync("observations", "import", good, "--token", TestTokens.For([Roles.Reader]))).FailedInOneLine(IntegrationCli.Failure);
        Assert.StartsWith("PERMISSION_DENIED", refused);
    }

    [Fact]
    public async Task Every_row_is_stored_as_written_though_the_command_line_sends_each_batch_in_the_messages_of_the_one_before()
    {
        // Batches of two: the third and fifth rows go in the message that carried the first, the fourth in the
        // second's; those have no status, comment, example mark or dimensions, where the rows before them had.
        var file = File("reused.csv", """
            indicator,area,reference_date,value,status,comment,example,dim.sex
            population_total,0,2031-12-31,100,PROVISIONAL,Beispieldaten,true,f
            population_total,130,2031-12-31,200,ESTIMATED,Beispieldaten,true,m
            population_total,0,2031-12-31,300,,,,
            population_total,130,2031-12-31,400,,,,
            foreign_nationals,0,2031-12-31,5,,,,m
            """);
        (await cli.RunAsync("observations", "import", file, "--batch-size", "2")).Succeeded();

        var stored = (await cli.Env.DemographicsAdmin.ListObservationsAsync(new ListObservationsRequest { PageSize = 1000, Filter = "reference_date = 2031-12-31" }))
            .Observations.Select(o => (o.Indicator, o.Area, o.Value, o.Status, o.Comment, o.Example, Sex: o.Dimensions.GetValueOrDefault("sex"), o.Dimensions.Count))
            .OrderBy(o => o.Value).ToList();
        Assert.Equal([
            ("indicators/foreign_nationals", "areas/0", 5, ObservationStatus.Final, "", false, "m", 1),
            ("indicators/population_total", "areas/0", 100, ObservationStatus.Provisional, "Beispieldaten", true, "f", 1),
            ("indicators/population_total", "areas/130", 200, ObservationStatus.Estimated, "Beispieldaten", true, "m", 1),
            ("indicators/population_total", "areas/0", 300, ObservationStatus.Final, "", false, null, 0),
            ("indicators/population_total", "areas/130", 400, ObservationStatus.Final, "", false, null, 0)], stored);
    }

    [Fact]
    public async Task A_file_with_cells_the_reader_cannot_read_is_not_imported_and_every_such_cell_is_named_by_its_line()
    {
        // An unreadable example mark is the only problem of this file: read as false, the row would be valid, and
        // a made-up figure would be stored as an official one.
        var example = File("example.csv", "indicator,area,reference_date,value,example\npopulation_total,0,2030-12-31,1,\nforeign_nationals,0,2030-12-31,1,maybe\n");
        var line = (await cli.RunAsync("observations", "import", example)).FailedInOneLine(IntegrationCli.Failure);
        Assert.Equal("example.csv: 1 of 2 rows could not be read, nothing was imported: " +
                     "observations[1].example: line 3: 'maybe' is not true or false (also 1 or 0; empty = false)", line);
        Assert.Equal(0, await StoredAsync("2030-12-31"));

        // A dimension cell past the reader's cap would leave the row in the total series; the other problems are all listed.
        var cells = File("cells.csv", "indicator,area,reference_date,value,dim.sex\npopulation_total,0,2030-12-31,zwei,\n" +
                                      $"foreign_nationals,0,2030-12-31,1,{new string('f', 10_000)}\npopulation_total,0,2030-12-31,2,f\n");
        line = (await cli.RunAsync("observations", "import", cells)).FailedInOneLine(IntegrationCli.Failure);
        Assert.StartsWith("cells.csv: 2 of 3 rows could not be read, nothing was imported: observations[0].value: line 2: 'zwei' is not a number", line);
        Assert.Contains("; observations[1].dimensions[sex]: line 3: longer than 8192 characters; it was not read", line);
        Assert.Equal(0, await StoredAsync("2030-12-31"));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(25_000)] // more than the channel's one-megabyte retry buffer, beyond which it could not replay the stream
    public async Task An_import_the_service_finds_its_database_busy_for_is_sent_again_whole_once_the_lock_is_gone(int rows)
    {
        // A service of its own that gives up on a held write lock after a second; the lock is held by a
        // connection behind its back until the command line says it will send the file again.
        await using var host = await TestHost.StartAsync(SuiteComponents.Demographics, new Dictionary<string, string?> { ["Storage:CommandTimeoutSeconds"] = "1" });
        var file = File("busy.csv", "indicator,area,reference_date,value,dim.block\n" +
                                    string.Concat(Enumerable.Range(0, rows).Select(i => $"population_total,0,2032-12-31,{i},block-{i:D5}\n")));
        await using var other = new SqliteConnection(host.Services.GetRequiredService<Database>().ConnectionString);
        await other.OpenAsync();
        var writeLock = other.BeginTransaction(deferred: false);
        var notices = new NoticeWriter(() => writeLock.Rollback());
        var output = new StringWriter();
        var imports = 0;
        HttpMessageHandler Counting(CliService _) => new CountingHandler(host.Server.CreateHandler(), () => Interlocked.Increment(ref imports));

        var code = await IntegrationCli.RunAsync(["observations", "import", file], new CliContext(output, notices, Admin, IsTerminal: false, Counting));

        Assert.Equal((IntegrationCli.Success, ""), (code, notices.Rest));
        Assert.Matches(@"^busy\.csv: UNAVAILABLE \(DATABASE_BUSY\): .+; nothing was imported, sending the file again in \d+\.\d s \(attempt 2 of 5\)\.$", notices.First);
        Assert.Contains($"Imported {rows} observations from busy.csv", output.ToString());
        // Two calls: the channel replays no import itself (it would have tried the small file five times against the lock).
        Assert.Equal(2, imports);
        await using var count = other.CreateCommand();
        count.CommandText = "SELECT count(*), count(DISTINCT batch_id) FROM observations WHERE reference_date = '2032-12-31'";
        await using var counts = await count.ExecuteReaderAsync();
        Assert.True(await counts.ReadAsync());
        Assert.Equal((rows, 1L), (counts.GetInt64(0), counts.GetInt64(1)));
    }

    [Fact]
    public async Task An_import_is_sent_again_while_the_service_cannot_be_reached_and_stored_once()
    {
        // The first two attempts find the service down (connection refused), as while it restarts.
        var file = File("restart.csv", "indicator,area,reference_date,value\npopulation_total,0,2033-12-31,1\nforeign_nationals,0,2033-12-31,2\n");
        var failures = 2;
        var notices = new StringWriter();
        var output = new StringWriter();
        HttpMessageHandler Flaky(CliService service) => new FailingHandler(cli.Handler(service), () => Interlocked.Decrement(ref failures) >= 0);

        var code = await IntegrationCli.RunAsync(["observations", "import", file], new CliContext(output, notices, Admin, IsTerminal: false, Flaky));

        Assert.Equal(IntegrationCli.Success, code);
        Assert.Equal(2, notices.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith("restart.csv: UNAVAILABLE: ", StringComparison.Ordinal)));
        Assert.Contains("Imported 2 observations from restart.csv", output.ToString());
        Assert.Equal(2, await StoredAsync("2033-12-31"));
    }

    private static string? Admin(string variable) => variable == CliContext.TokenVariable ? TestTokens.For([Roles.Admin]) : null;

    /// <summary>The command line's error output: its first line lets go of the lock (<paramref name="firstLine"/>), what comes after is kept apart.</summary>
    private sealed class NoticeWriter(Action firstLine) : StringWriter
    {
        public string? First { get; private set; }

        public string Rest => ToString();

        public override void WriteLine(string? value)
        {
            if (First is not null)
            {
                base.WriteLine(value);
                return;
            }
            First = value;
            firstLine();
        }
    }

    /// <summary>Counts the ImportObservations calls made through it.</summary>
    private sealed class CountingHandler(HttpMessageHandler inner, Action import) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (request.RequestUri?.AbsolutePath.EndsWith("/ImportObservations", StringComparison.Ordinal) == true) import();
            return base.SendAsync(request, ct);
        }
    }

    [Fact]
    public async Task Json_prints_the_response_and_a_terminal_gets_a_progress_bar()
    {
        var file = File("two.csv", "indicator,area,reference_date,value\npopulation_total,0,2028-12-31,1\nforeign_nationals,0,2028-12-31,1\n");
        var json = ImportObservationsResponse.Parser.ParseJson((await cli.RunAsync("observations", "import", file, "--json")).Succeeded().Out);
        Assert.Equal(2, json.ImportedCount);

        var again = File("three.csv", "indicator,area,reference_date,value\npopulation_total,0,2029-12-31,1\n");
        var terminal = (await CliFixture.RunAsync(new Dictionary<string, string?>(), cli.Handler, terminal: true, "observations", "import", again)).Succeeded();
        Assert.Contains("three.csv", terminal.Out); // the progress task is named after the file
        Assert.Contains("Imported 1 observations from three.csv", terminal.Out);
    }
}
