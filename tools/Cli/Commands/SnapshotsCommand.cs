using System.CommandLine;
using System.Globalization;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.ServiceDefaults.Api;
using SnapshotsClient = IntegrationServices.Contracts.Reporting.V1.SnapshotsService.SnapshotsServiceClient;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;

namespace IntegrationServices.Cli.Commands;

/// <summary><c>snapshots list|get|verify|runs</c> (SnapshotsService).</summary>
internal static class SnapshotsCommand
{
    public static Command Create(CliSession session)
    {
        var snapshots = new Command("snapshots", "The frozen snapshots of the reporting cycles and the worker's runs (Reporting service).");
        snapshots.Subcommands.Add(List(session));
        snapshots.Subcommands.Add(Get(session));
        snapshots.Subcommands.Add(Verify(session));
        snapshots.Subcommands.Add(Runs(session));
        return snapshots;
    }

    /// <summary>A cycle's snapshot name from its id or name: "2018" → "reportingCycles/2018/snapshot".</summary>
    public static string SnapshotName(string cycle) => $"reportingCycles/{Values.CycleId(cycle)}/snapshot";

    private static Argument<string> CycleArgument() => new("cycle") { Description = "The cycle: its id (2018) or name (reportingCycles/2018)" };

    private static Command List(CliSession session)
    {
        var list = new ListOptions();
        var command = new Command("list", "List snapshots (filter field: reference_date).");
        list.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            using var connection = session.Connect(parsed, CliService.Reporting);
            var response = await new SnapshotsClient(connection.Invoker).ListSnapshotsAsync(new ListSnapshotsRequest
            {
                Filter = parsed.GetValue(list.Filter) ?? "",
                PageSize = parsed.GetValue(list.PageSize),
                PageToken = parsed.GetValue(list.PageToken) ?? "",
            }, cancellationToken: ct);
            var output = session.Output(parsed);
            if (output.Json) output.Message(response);
            else
            {
                output.Table(["NAME", "STICHTAG", "KNOWN AT", "MEASURES", "SHA-256"],
                    response.Snapshots.Select(s => (IReadOnlyList<string>)[s.Name, Values.Text(s.ReferenceDate), Values.Text(s.KnownAt),
                        (s.Measures?.Total ?? 0).ToString(CultureInfo.InvariantCulture), s.ContentSha256]));
                output.NextPage(response.NextPageToken);
            }
            return IntegrationCli.Success;
        });
        return command;
    }

    private static Command Get(CliSession session)
    {
        var cycle = CycleArgument();
        var command = new Command("get", "Show a cycle's snapshot.") { cycle };
        command.SetAction(async (parsed, ct) =>
        {
            using var connection = session.Connect(parsed, CliService.Reporting);
            var s = await new SnapshotsClient(connection.Invoker).GetSnapshotAsync(
                new GetSnapshotRequest { Name = SnapshotName(parsed.GetRequiredValue(cycle)) }, cancellationToken: ct);
            var output = session.Output(parsed);
            if (output.Json) output.Message(s);
            else
            {
                output.Line($"{s.Name}: Stichtag {Values.Text(s.ReferenceDate)}, known at {Values.Text(s.KnownAt)}, taken {Values.Text(s.CreateTime)}");
                output.Line($"sha256 {s.ContentSha256} (content version {s.ContentVersion})");
                if (s.Measures is { } m)
                    output.Line($"{m.Total} measures, average progress {m.AveragePercent()} %: "
                                + string.Join(", ", m.ByStatus.Select(b => $"{ProtoEnum<Contracts.Measures.V1.MeasureStatus>.Name(b.Status)} {b.Count}")));
                if (s.Demographics?.City is { } city)
                    output.Line($"City: population {city.PopulationTotal.ToString("N0", CultureInfo.InvariantCulture)} on {Values.Text(city.ReferenceDate)}");
            }
            return IntegrationCli.Success;
        });
        return command;
    }

    private static string AveragePercent(this MeasureSummary m) => m.AverageProgressPercent.ToString("F1", CultureInfo.InvariantCulture);

    private static Command Verify(CliSession session)
    {
        var cycle = CycleArgument();
        var command = new Command("verify", "Recompute a snapshot through the services and compare its hash; exit 1 when it differs (role operator).") { cycle };
        command.SetAction(async (parsed, ct) =>
        {
            using var connection = session.Connect(parsed, CliService.Reporting);
            var name = SnapshotName(parsed.GetRequiredValue(cycle));
            var response = await new SnapshotsClient(connection.Invoker).VerifySnapshotAsync(new VerifySnapshotRequest { Name = name }, cancellationToken: ct);
            var output = session.Output(parsed);
            if (output.Json) output.Message(response);
            else if (response.Matches) output.Line($"{name} verified: sha256 {response.StoredSha256}");
            if (!response.Matches && !output.Json)
                throw new CliException($"{name} does not match: stored sha256 {response.StoredSha256}, recomputed {response.RecomputedSha256}");
            return response.Matches ? IntegrationCli.Success : IntegrationCli.Failure;
        });
        return command;
    }

    private static Command Runs(CliSession session)
    {
        var cycle = new Argument<string?>("cycle") { Description = "Only this cycle's runs (id or name); all cycles by default", Arity = ArgumentArity.ZeroOrOne };
        var list = new ListOptions();
        var command = new Command("runs", "List the snapshot worker's attempts (filter field: outcome; role operator).") { cycle };
        list.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            using var connection = session.Connect(parsed, CliService.Reporting);
            var response = await new SnapshotsClient(connection.Invoker).ListSnapshotRunsAsync(new ListSnapshotRunsRequest
            {
                Parent = parsed.GetValue(cycle) is { } c ? Values.Name("reportingCycles", c) : "",
                Filter = parsed.GetValue(list.Filter) ?? "",
                PageSize = parsed.GetValue(list.PageSize),
                PageToken = parsed.GetValue(list.PageToken) ?? "",
            }, cancellationToken: ct);
            var output = session.Output(parsed);
            if (output.Json) output.Message(response);
            else
            {
                output.Table(["NAME", "START", "END", "OUTCOME", "WORKER", "ERROR"],
                    response.SnapshotRuns.Select(r => (IReadOnlyList<string>)[r.Name, Values.Text(r.StartTime), Values.Text(r.EndTime),
                        ProtoEnum<Outcome>.Name(r.Outcome), r.Worker, r.Error]));
                output.NextPage(response.NextPageToken);
            }
            return IntegrationCli.Success;
        });
        return command;
    }
}
