using IntegrationServices.Cli;

namespace IntegrationServices.Cli.Tests;

/// <summary>Every level answers --help; a wrong command line ends with exit code 2 and one line, never a stack trace.</summary>
public sealed class HelpAndUsageTests(CliFixture cli) : IClassFixture<CliFixture>
{
    public static TheoryData<string> Levels => new()
    {
        "", "measures", "measures list", "measures get", "measures record-status", "observations", "observations import",
        "cycles", "cycles list", "cycles get", "cycles plan", "snapshots", "snapshots list", "snapshots get",
        "snapshots verify", "snapshots runs", "report", "report save", "token",
    };

    [Theory]
    [MemberData(nameof(Levels))]
    public async Task Every_level_answers_help_with_its_usage_and_the_common_options(string level)
    {
        var args = level.Split(' ', StringSplitOptions.RemoveEmptyEntries).Append("--help").ToArray();
        var result = (await cli.RunAsync(args)).Succeeded();
        Assert.Contains("Usage:", result.Out);
        Assert.Contains(("integration " + level).Trim(), result.Out);
        // --address, --token and --json on every command.
        Assert.Contains("--address", result.Out);
        Assert.Contains("--token", result.Out);
        Assert.Contains("--json", result.Out);
    }

    public static TheoryData<string, string> BadCommandLines => new()
    {
        { "token --hours x --role admin", "--hours must be a number" },
        { "token --role superuser --key a-local-signing-key-of-at-least-32-bytes!", "superuser" },
        { "measures", "Required command" },
        { "measures get", "measure" },
        { "measures frobnicate", "frobnicate" },
        { "measures list --page-size -1", "--page-size" },
        { "measures list --as-of 2018-02-30", "not a date" },
        { "measures list --known-at yesterday", "not an instant" },
        { "measures record-status 1 --status DONE --progress 10 --effective-date 2026-01-01", "DONE" },
        { "measures record-status 1 --status IN_PROGRESS --progress 101 --effective-date 2026-01-01", "--progress" },
        { "measures record-status 1 --status IN_PROGRESS --progress 10", "--effective-date" },
        { "observations import", "file.csv" },
        { "observations import missing.csv --batch-size 0", "--batch-size" },
        { "cycles plan --count 3", "--first-reference-date" },
        { "report save 2018 --format pdf --output report.pdf", "pdf" },
        { "report save 2018 --format html", "--output" },
        { "--bogus", "--bogus" },
    };

    [Theory]
    [MemberData(nameof(BadCommandLines))]
    public async Task A_wrong_command_line_is_one_line_and_exit_code_2(string commandLine, string named)
    {
        var result = await cli.RunAsync(commandLine.Split(' '));
        var line = result.FailedInOneLine(IntegrationCli.Usage);
        Assert.Contains(named, line);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task A_file_that_does_not_exist_and_an_address_that_is_no_URL_are_usage_errors()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".csv");
        Assert.Contains("does not exist", (await cli.RunAsync("observations", "import", missing)).FailedInOneLine(IntegrationCli.Usage));
        Assert.Contains("--address", (await cli.RunAsync("measures", "list", "--address", "not a url")).FailedInOneLine(IntegrationCli.Usage));
        // The component's variable is read when --address is not given.
        var line = (await cli.RunAsync(new Dictionary<string, string?> { [CliService.Reporting.AddressVariable] = "ftp://example" }, "cycles", "list"))
            .FailedInOneLine(IntegrationCli.Usage);
        Assert.Contains(CliService.Reporting.AddressVariable, line);
    }
}
