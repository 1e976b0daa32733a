using System.CommandLine;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.ServiceDefaults.Api;
using CyclesClient = IntegrationServices.Contracts.Reporting.V1.ReportingCyclesService.ReportingCyclesServiceClient;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;

namespace IntegrationServices.Cli.Commands;

/// <summary><c>cycles list|get|plan</c> (ReportingCyclesService).</summary>
internal static class CyclesCommand
{
    public static Command Create(CliSession session)
    {
        var cycles = new Command("cycles", "Reporting cycles: Stichtag, reporting date, council paper (Reporting service).");
        cycles.Subcommands.Add(List(session));
        cycles.Subcommands.Add(Get(session));
        cycles.Subcommands.Add(Plan(session));
        return cycles;
    }

    private static Command List(CliSession session)
    {
        var list = new ListOptions();
        var command = new Command("list", "List reporting cycles (filter fields: state, reporting_date).");
        list.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            using var connection = session.Connect(parsed, CliService.Reporting);
            var response = await new CyclesClient(connection.Invoker).ListReportingCyclesAsync(new ListReportingCyclesRequest
            {
                Filter = parsed.GetValue(list.Filter) ?? "",
                PageSize = parsed.GetValue(list.PageSize),
                PageToken = parsed.GetValue(list.PageToken) ?? "",
            }, cancellationToken: ct);
            var output = session.Output(parsed);
            if (output.Json) output.Message(response);
            else
            {
                Table(output, response.ReportingCycles);
                output.NextPage(response.NextPageToken);
            }
            return IntegrationCli.Success;
        });
        return command;
    }

    private static Command Get(CliSession session)
    {
        var cycle = new Argument<string>("cycle") { Description = "The cycle: its id (2018) or name (reportingCycles/2018)" };
        var command = new Command("get", "Show one reporting cycle with its Beratungsfolge.") { cycle };
        command.SetAction(async (parsed, ct) =>
        {
            using var connection = session.Connect(parsed, CliService.Reporting);
            var response = await new CyclesClient(connection.Invoker).GetReportingCycleAsync(
                new GetReportingCycleRequest { Name = Values.Name("reportingCycles", parsed.GetRequiredValue(cycle)) }, cancellationToken: ct);
            var output = session.Output(parsed);
            if (output.Json) output.Message(response);
            else
            {
                Table(output, [response]);
                if (response.Paper is { } paper) output.Line($"Paper: {paper.Reference} {paper.PaperType} \"{paper.Title}\" {Values.Text(paper.Date)}");
                foreach (var c in response.Consultations)
                    output.Line($"  {c.Order}. {Values.Text(c.MeetingDate),-10}  {c.Organization}  {ProtoEnum<Consultation.Types.Role>.Name(c.Role)}"
                                + (c.Result.Length > 0 ? $"  → {c.Result}" : "") + (c.Postponed ? " (postponed)" : ""));
            }
            return IntegrationCli.Success;
        });
        return command;
    }

    private static Command Plan(CliSession session)
    {
        var first = Values.Date("--first-reference-date", "Stichtag of the first cycle", required: true);
        var count = Values.Number("--count", "How many cycles to plan", 1, 100, required: true);
        var interval = new Option<int>("--interval-months") { Description = "Months between two Stichtage (default 12)" };
        var offsetMonths = new Option<int>("--reporting-offset-months") { Description = "Reporting date = Stichtag + these months …" };
        var offsetDays = new Option<int>("--reporting-offset-days") { Description = "… + these days" };
        var scope = new Option<string[]>("--scope") { Description = "Action concepts in scope (actionConcepts/idk …; none = all)", AllowMultipleArgumentsPerToken = true };
        var prefix = new Option<string?>("--id-prefix") { Description = "Prefix of the deterministic ids (ids are prefix + YYYY, or YYYY-MM)" };
        var command = new Command("plan", "Plan the next cycles of a recurrence rule; idempotent: cycles that exist are left as they are (role coordinator).")
        {
            first, count, interval, offsetMonths, offsetDays, scope, prefix,
        };
        command.SetAction(async (parsed, ct) =>
        {
            using var connection = session.Connect(parsed, CliService.Reporting);
            var request = new PlanRecurringCyclesRequest
            {
                Rule = new RecurrenceRule
                {
                    FirstReferenceDate = parsed.GetValue(first),
                    IntervalMonths = parsed.GetValue(interval),
                    ReportingOffsetMonths = parsed.GetValue(offsetMonths),
                    ReportingOffsetDays = parsed.GetValue(offsetDays),
                },
                Count = parsed.GetValue(count),
                CycleIdPrefix = parsed.GetValue(prefix) ?? "",
            };
            request.Scope.AddRange(parsed.GetValue(scope) ?? []);
            var response = await new CyclesClient(connection.Invoker).PlanRecurringCyclesAsync(request, cancellationToken: ct);
            var output = session.Output(parsed);
            if (output.Json) output.Message(response);
            else
            {
                Table(output, response.ReportingCycles);
                output.Line($"{response.CreatedCount} of {response.ReportingCycles.Count} cycles created; the others existed.");
            }
            return IntegrationCli.Success;
        });
        return command;
    }

    private static void Table(Output output, IEnumerable<ReportingCycle> cycles) =>
        output.Table(["NAME", "STICHTAG", "REPORTING", "STATE", "TITLE"],
            cycles.Select(c => (IReadOnlyList<string>)[c.Name, Values.Text(c.ReferenceDate), Values.Text(c.ReportingDate), ProtoEnum<State>.Name(c.State), c.Title]));
}
