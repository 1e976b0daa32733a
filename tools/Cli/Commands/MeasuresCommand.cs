using System.CommandLine;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.ServiceDefaults.Api;
using MeasuresClient = IntegrationServices.Contracts.Measures.V1.MeasuresService.MeasuresServiceClient;

namespace IntegrationServices.Cli.Commands;

/// <summary><c>measures list|get|record-status</c> (MeasuresService).</summary>
internal static class MeasuresCommand
{
    public static Command Create(CliSession session)
    {
        var measures = new Command("measures", "The measure catalogue and each measure's status (Measures service).");
        measures.Subcommands.Add(List(session));
        measures.Subcommands.Add(Get(session));
        measures.Subcommands.Add(RecordStatus(session));
        return measures;
    }

    private static Command List(CliSession session)
    {
        var list = new ListOptions();
        var showRetired = new Option<bool>("--show-retired") { Description = "Include retired measures" };
        var asOf = Values.Date("--as-of", "Time travel: the state on this date");
        var knownAt = Values.Instant("--known-at", "Time travel: as known at this instant");
        var command = new Command("list", "List measures (filter fields: field_of_action, action_concept, responsible_unit, status, code, parent, kind).");
        list.AddTo(command);
        command.Options.Add(showRetired);
        command.Options.Add(asOf);
        command.Options.Add(knownAt);
        command.SetAction(async (parsed, ct) =>
        {
            using var connection = session.Connect(parsed, CliService.Measures);
            var request = new ListMeasuresRequest
            {
                Filter = parsed.GetValue(list.Filter) ?? "",
                PageSize = parsed.GetValue(list.PageSize),
                PageToken = parsed.GetValue(list.PageToken) ?? "",
                ShowRetired = parsed.GetValue(showRetired),
                AsOf = parsed.GetValue(asOf),
                KnownAt = parsed.GetValue(knownAt),
            };
            var response = await new MeasuresClient(connection.Invoker).ListMeasuresAsync(request, cancellationToken: ct);
            var output = session.Output(parsed);
            if (output.Json) output.Message(response);
            else
            {
                output.Table(["NAME", "CODE", "STATUS", "PROGRESS", "TITLE"],
                    response.Measures.Select(m => (IReadOnlyList<string>)[m.Name, m.Code, ProtoEnum<MeasureStatus>.Name(m.Status), $"{m.ProgressPercent} %", m.Title]));
                output.NextPage(response.NextPageToken);
            }
            return IntegrationCli.Success;
        });
        return command;
    }

    private static Command Get(CliSession session)
    {
        var measure = new Argument<string>("measure") { Description = "The measure: its id (42) or name (measures/42)" };
        var asOf = Values.Date("--as-of", "Time travel: the state on this date");
        var knownAt = Values.Instant("--known-at", "Time travel: as known at this instant");
        var command = new Command("get", "Show one measure.") { measure, asOf, knownAt };
        command.SetAction(async (parsed, ct) =>
        {
            using var connection = session.Connect(parsed, CliService.Measures);
            var response = await new MeasuresClient(connection.Invoker).GetMeasureAsync(new GetMeasureRequest
            {
                Name = Values.Name("measures", parsed.GetRequiredValue(measure)),
                AsOf = parsed.GetValue(asOf),
                KnownAt = parsed.GetValue(knownAt),
            }, cancellationToken: ct);
            var output = session.Output(parsed);
            if (output.Json) output.Message(response);
            else
                output.Table(["FIELD", "VALUE"], new (string, string)[]
                {
                    ("name", response.Name), ("code", response.Code), ("title", response.Title),
                    ("kind", ProtoEnum<MeasureKind>.Name(response.Kind)), ("action concept", response.ActionConcept),
                    ("field of action", response.FieldOfAction.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    ("responsible unit", response.ResponsibleUnit), ("parent", response.Parent),
                    ("status", ProtoEnum<MeasureStatus>.Name(response.Status)), ("progress", $"{response.ProgressPercent} %"),
                    ("status since", Values.Text(response.StatusEffectiveDate)), ("status note", response.StatusNote),
                    ("etag", response.Etag),
                }.Select(f => (IReadOnlyList<string>)[f.Item1, f.Item2]));
            return IntegrationCli.Success;
        });
        return command;
    }

    private static Command RecordStatus(CliSession session)
    {
        var measure = new Argument<string>("measure") { Description = "The measure: its id (42) or name (measures/42)" };
        var status = Values.Enum<MeasureStatus>("--status", "The new status", required: true);
        var progress = Values.Number("--progress", "Progress in percent", 0, 100, required: true);
        var effective = Values.Date("--effective-date", "The date from which the status holds", required: true);
        var note = new Option<string?>("--note") { Description = "Sachstand: what was done, what is next" };
        var requestId = new Option<Guid?>("--request-id") { Description = "Request id (UUID) for a safe retry; a new one by default" };
        var command = new Command("record-status", "Record a measure's status (a new status event).") { measure, status, progress, effective, note, requestId };
        command.SetAction(async (parsed, ct) =>
        {
            using var connection = session.Connect(parsed, CliService.Measures);
            var response = await new MeasuresClient(connection.Invoker).RecordStatusAsync(new RecordStatusRequest
            {
                Parent = Values.Name("measures", parsed.GetRequiredValue(measure)),
                Status = parsed.GetValue(status),
                ProgressPercent = parsed.GetValue(progress),
                EffectiveDate = parsed.GetValue(effective),
                Note = parsed.GetValue(note) ?? "",
                RequestId = (parsed.GetValue(requestId) ?? Guid.NewGuid()).ToString(),
            }, cancellationToken: ct);
            var output = session.Output(parsed);
            if (output.Json) output.Message(response);
            else output.Line($"Recorded {response.Name}: {ProtoEnum<MeasureStatus>.Name(response.Status)}, {response.ProgressPercent} % from {Values.Text(response.EffectiveDate)}.");
            return IntegrationCli.Success;
        });
        return command;
    }
}
