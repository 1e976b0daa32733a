using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Core;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Demographics.Csv;
using IntegrationServices.ServiceDefaults.Storage;
using Spectre.Console;
using DemographicsClient = IntegrationServices.Contracts.Demographics.V1.DemographicsService.DemographicsServiceClient;

namespace IntegrationServices.Cli.Commands;

/// <summary>
/// <c>observations import FILE.csv</c>: reads the CSV (<see cref="ObservationCsv"/>) as a stream and sends it in
/// batches to ImportObservations, which validates every row and stores all or nothing. On a terminal a
/// progress bar follows the file; otherwise a plain line per 100,000 rows.
/// </summary>
internal static partial class ObservationsCommand
{
    private const int PlainProgressRows = 100_000;

    public static Command Create(CliSession session)
    {
        var observations = new Command("observations", "Statistics of the Demographics service.");
        observations.Subcommands.Add(Import(session));
        return observations;
    }

    private static Command Import(CliSession session)
    {
        var file = new Argument<FileInfo>("file.csv") { Description = "Columns indicator,area,reference_date,value; optional status, comment, dim.<key> (see README)" };
        var batchSize = Values.Number("--batch-size", "Observations per stream message", 1, 100_000, defaultValue: 1000);
        var command = new Command("import", "Import observations from a CSV file, all or nothing (role statistics).") { file, batchSize };
        command.SetAction(async (parsed, ct) =>
        {
            var path = parsed.GetRequiredValue(file);
            if (!path.Exists) throw new CliException($"{path.FullName} does not exist.", IntegrationCli.Usage);
            var output = session.Output(parsed);
            using var connection = session.Connect(parsed, CliService.Demographics);
            var client = new DemographicsClient(connection.Invoker);
            var import = new CsvImport(path, parsed.GetValue(batchSize), session.Context.Error);
            ImportObservationsResponse response;
            if (session.Context.IsTerminal && !output.Json)
            {
                var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output.Writer) });
                response = await console.Progress().StartAsync(async progress =>
                {
                    var task = progress.AddTask(path.Name, maxValue: Math.Max(1, path.Length));
                    return await import.RunAsync(client, (rows, bytes) => task.Value = bytes, ct);
                });
            }
            else
            {
                response = await import.RunAsync(client, (rows, bytes) =>
                {
                    if (!output.Json && rows % PlainProgressRows == 0)
                        output.Line($"{rows.ToString("N0", CultureInfo.InvariantCulture)} rows sent ({100.0 * bytes / Math.Max(1, path.Length):F0} %)");
                }, ct);
            }
            if (output.Json) output.Message(response);
            else output.Line($"Imported {response.ImportedCount} observations from {path.Name}.");
            return IntegrationCli.Success;
        });
        return command;
    }

    /// <summary>
    /// One import of one file; remembers each row's CSV line so that a rejection names lines, not row indexes.
    /// A file with cells the reader could not read is not imported: not every such cell leaves its row in a
    /// state the service would refuse (an unreadable <c>example</c>, a cell past the reader's length cap), so
    /// the call is cancelled at the first one (the service stores nothing) and the rest of the file is read
    /// only to list them all. The whole file is sent again, with the back-off of the command line's other calls
    /// (<see cref="CliSession.Backoff"/>), when the service answers that its database is busy (DATABASE_BUSY: it
    /// stored nothing), or is unavailable before the whole file was sent (it commits only at the stream's end, and
    /// a client gone before it stores nothing).
    /// </summary>
    private sealed class CsvImport(FileInfo file, int batchSize, TextWriter notices)
    {
        /// <summary>At most this many unreadable cells are listed (the message counts the others).</summary>
        private const int ListedReadProblems = 20;

        private readonly List<int> _lines = [];

        /// <summary>Whether the attempt under way has begun to end its stream (from then on, an unavailable service may have stored the file).</summary>
        private bool _sentAll;

        /// <param name="client">The Demographics client.</param>
        /// <param name="progress">Called after each row with the rows read and the bytes of the file consumed (from the start again when the file is sent again).</param>
        /// <param name="ct">Cancels the call; the service then stores nothing.</param>
        public async Task<ImportObservationsResponse> RunAsync(DemographicsClient client, Action<long, long> progress, CancellationToken ct)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await SendAsync(client, progress, ct);
                }
                catch (RpcException e) when (attempt < CliSession.MaxAttempts &&
                                             (Failures.Reason(e) == DatabaseBusy.Reason || (e.StatusCode == StatusCode.Unavailable && !_sentAll)))
                {
                    var wait = CliSession.Backoff(attempt);
                    notices.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{file.Name}: {Failures.Describe(e)}; nothing was imported, sending the file again in {wait.TotalSeconds:F1} s (attempt {attempt + 1} of {CliSession.MaxAttempts})."));
                    await Task.Delay(wait, ct);
                }
            }
        }

        /// <summary>One attempt: the file sent as one call.</summary>
        private async Task<ImportObservationsResponse> SendAsync(DemographicsClient client, Action<long, long> progress, CancellationToken ct)
        {
            _lines.Clear();
            _sentAll = false;
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var call = client.ImportObservations(cancellationToken: cancel.Token);
            var readProblems = new List<CsvViolation>();
            var (unreadable, rows, problems) = (0, 0, 0);
            try
            {
                await using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
                using var reader = new StreamReader(stream);
                var batch = new ImportObservationsRequest();
                // The batch's messages, reused for the next batch once the call has serialized them (WriteAsync has returned).
                var messages = new List<Observation>();
                await foreach (var row in ObservationCsv.ReadAsync(reader, ct))
                {
                    rows++;
                    if (row.Violations.Count > 0)
                    {
                        if (unreadable++ == 0) await cancel.CancelAsync(); // nothing is stored: the service rolls back a cancelled import
                        problems += row.Violations.Count;
                        readProblems.AddRange(row.Violations.Take(ListedReadProblems - readProblems.Count));
                    }
                    if (unreadable > 0) continue;
                    _lines.Add(row.Line);
                    if (messages.Count == batch.Observations.Count) messages.Add(new Observation());
                    batch.Observations.Add(row.ToObservation(messages[batch.Observations.Count]));
                    if (batch.Observations.Count >= batchSize)
                    {
                        await call.RequestStream.WriteAsync(batch, ct);
                        batch.Observations.Clear();
                    }
                    progress(_lines.Count, stream.Position);
                }
                if (unreadable > 0)
                    throw new CliException($"{file.Name}: {unreadable} of {rows} rows could not be read, nothing was imported: " +
                                           string.Join("; ", readProblems.Select(v => $"{v.Field}: {v.Description}")) +
                                           (problems > readProblems.Count ? $"; and {problems - readProblems.Count} more" : ""));
                if (batch.Observations.Count > 0) await call.RequestStream.WriteAsync(batch, ct);
                _sentAll = true; // from the stream's end on, the service may commit: even a failing CompleteAsync may have reached it
                await call.RequestStream.CompleteAsync();
                return await call;
            }
            catch (ObservationCsvHeaderException e)
            {
                await cancel.CancelAsync();
                throw new CliException($"{file.Name}: the header is invalid, nothing was imported: {string.Join("; ", e.Violations.Select(v => v.Description))}");
            }
            catch (CsvFormatException e)
            {
                await cancel.CancelAsync();
                throw new CliException($"{file.Name}: {e.Message}; nothing was imported.");
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
            {
                throw new CliException($"{file.Name}: nothing was imported: {Failures.Describe(e, Describe)}");
            }
        }

        /// <summary>"observations[1].indicator: line 3: unknown indicator 'nope'": the violation with the CSV line of its row.</summary>
        private string Describe(Google.Rpc.BadRequest.Types.FieldViolation violation)
        {
            var m = RowIndex().Match(violation.Field);
            return m.Success && int.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var index) && index < _lines.Count
                ? $"{violation.Field}: line {_lines[index]}: {violation.Description}"
                : $"{violation.Field}: {violation.Description}";
        }
    }

    [GeneratedRegex(@"^observations\[(\d+)\]\.")]
    private static partial Regex RowIndex();
}
