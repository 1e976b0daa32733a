using System.CommandLine;
using IntegrationServices.Contracts.Reporting.V1;
using SnapshotsClient = IntegrationServices.Contracts.Reporting.V1.SnapshotsService.SnapshotsServiceClient;
using Format = IntegrationServices.Contracts.Reporting.V1.RenderReportRequest.Types.Format;

namespace IntegrationServices.Cli.Commands;

/// <summary><c>report save CYCLE --format html|md|csv|xlsx --output FILE</c> (RenderReport).</summary>
internal static class ReportCommand
{
    private static readonly IReadOnlyDictionary<string, Format> Formats = new Dictionary<string, Format>(StringComparer.OrdinalIgnoreCase)
    {
        ["html"] = Format.Html,
        ["md"] = Format.Markdown,
        ["csv"] = Format.Csv,
        ["xlsx"] = Format.Xlsx,
    };

    public static Command Create(CliSession session)
    {
        var report = new Command("report", "The rendered report of a cycle's snapshot (Reporting service).");
        report.Subcommands.Add(Save(session));
        return report;
    }

    private static Command Save(CliSession session)
    {
        var cycle = new Argument<string>("cycle-id") { Description = "The cycle: its id (2018) or name (reportingCycles/2018)" };
        var format = new Option<string>("--format") { Description = "html, md, csv or xlsx", Required = true };
        format.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, [.. Formats.Keys]);
        var file = new Option<FileInfo>("--output", "-o") { Description = "The file to write (replaced if it exists)", Required = true };
        var command = new Command("save", "Render the report of a cycle's snapshot into a file.") { cycle, format, file };
        command.SetAction(async (parsed, ct) =>
        {
            using var connection = session.Connect(parsed, CliService.Reporting);
            var name = SnapshotsCommand.SnapshotName(parsed.GetRequiredValue(cycle));
            var response = await new SnapshotsClient(connection.Invoker).RenderReportAsync(
                new RenderReportRequest { Name = name, Format = Formats[parsed.GetRequiredValue(format)] }, cancellationToken: ct);
            var target = parsed.GetRequiredValue(file);
            await File.WriteAllBytesAsync(target.FullName, response.Content.ToByteArray(), ct);
            var output = session.Output(parsed);
            if (output.Json)
                output.Line(System.Text.Json.JsonSerializer.Serialize(new { file = target.FullName, contentType = response.ContentType, bytes = response.Content.Length }));
            else output.Line($"Saved the report of {name} ({response.ContentType}, {response.Content.Length} bytes) to {target.FullName}.");
            return IntegrationCli.Success;
        });
        return command;
    }
}
