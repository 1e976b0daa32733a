using System.Globalization;
using System.Text.RegularExpressions;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Demographics.Csv;

namespace IntegrationServices.Demographics.ImportCli;

/// <summary>
/// <c>demographics-import [--address URL] [--token JWT] [--batch-size N] FILE.csv</c>: reads the CSV
/// (format: <see cref="ObservationCsv"/>) as a stream and sends it in batches to ImportObservations,
/// so the service validates every row and stores all or nothing. Rejected rows are printed with
/// their CSV line. Exit codes: 0 imported, 1 rejected or failed, 2 wrong usage.
/// </summary>
public static partial class ImportCommand
{
    public const string DefaultAddress = "http://127.0.0.1:5102";
    public const string TokenVariable = "DEMOGRAPHICS_TOKEN";

    public const string Usage = """
        Usage: demographics-import [--address URL] [--token JWT] [--batch-size N] FILE.csv

          --address     the Demographics service's gRPC endpoint (default http://127.0.0.1:5102)
          --token       bearer token with the 'statistics' role (default: $DEMOGRAPHICS_TOKEN; none in
                        the Suite's development mode)
          --batch-size  observations per stream message (default 1000)

        CSV: header row, then one observation per row. Columns indicator,area,reference_date,value
        (required), status (FINAL|PROVISIONAL|ESTIMATED, empty = FINAL), comment, dim.<key> (empty = total).
        """;

    /// <summary>Runs the command; <paramref name="handler"/> is the HTTP handler of the channel (a TestServer's in tests).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error,
        HttpMessageHandler? handler = null, CancellationToken cancellationToken = default)
    {
        if (!TryParse(args, out var options, out var problem))
        {
            await error.WriteLineAsync(problem);
            await error.WriteLineAsync(Usage);
            return 2;
        }
        if (!File.Exists(options.File))
        {
            await error.WriteLineAsync($"File not found: {options.File}");
            return 2;
        }

        using var channel = GrpcChannel.ForAddress(options.Address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxSendMessageSize = 16 * 1024 * 1024,
        });
        var client = new DemographicsService.DemographicsServiceClient(channel);
        var headers = new Metadata();
        if (!string.IsNullOrEmpty(options.Token)) headers.Add("authorization", "Bearer " + options.Token);

        var lines = new List<int>();                       // CSV line of each row, by index
        var readProblems = new Dictionary<string, string>(); // what the reader saw, by field
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var call = client.ImportObservations(headers, cancellationToken: cancel.Token);
        try
        {
            using var reader = new StreamReader(options.File, new FileStreamOptions { BufferSize = 64 * 1024 });
            var batch = new ImportObservationsRequest();
            await foreach (var row in ObservationCsv.ReadAsync(reader, cancellationToken))
            {
                lines.Add(row.Line);
                foreach (var v in row.Violations) readProblems[v.Field] = v.Description;
                // Rows the reader could not parse are sent as they are: the service rejects them (and
                // with them the whole import) and also reports every other bad row in one answer.
                batch.Observations.Add(row.Observation);
                if (batch.Observations.Count >= options.BatchSize)
                {
                    await call.RequestStream.WriteAsync(batch, cancellationToken);
                    batch = new ImportObservationsRequest();
                }
            }
            if (batch.Observations.Count > 0) await call.RequestStream.WriteAsync(batch, cancellationToken);
            await call.RequestStream.CompleteAsync();
            var response = await call;
            await output.WriteLineAsync($"Imported {response.ImportedCount} observations from {options.File}.");
            return 0;
        }
        catch (ObservationCsvHeaderException e)
        {
            await cancel.CancelAsync(); // nothing is stored: the service rolls back a cancelled import
            await error.WriteLineAsync($"{options.File}: the header is invalid; nothing was imported.");
            foreach (var v in e.Violations) await error.WriteLineAsync($"  line 1: {v.Description}");
            return 1;
        }
        catch (CsvFormatException e)
        {
            await cancel.CancelAsync();
            await error.WriteLineAsync($"{options.File}: {e.Message}; nothing was imported.");
            return 1;
        }
        catch (RpcException e)
        {
            await error.WriteLineAsync($"Import rejected ({e.StatusCode}): {e.Status.Detail}");
            var violations = e.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations ?? [];
            foreach (var v in violations)
            {
                var line = RowIndex().Match(v.Field) is { Success: true } m
                           && int.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var index) && index < lines.Count
                    ? lines[index]
                    : (int?)null;
                var description = readProblems.GetValueOrDefault(v.Field)
                                  ?? (line is null ? v.Description : $"line {line}: {v.Description}");
                await error.WriteLineAsync($"  {v.Field}: {description}");
            }
            return 1;
        }
    }

    private sealed record Options(string Address, string? Token, int BatchSize, string File);

    private static bool TryParse(string[] args, out Options options, out string problem)
    {
        options = null!;
        problem = "";
        string address = DefaultAddress, file = "";
        var token = Environment.GetEnvironmentVariable(TokenVariable);
        var batchSize = 1000;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            try
            {
                switch (args[i])
                {
                    case "--address": address = Value(); break;
                    case "--token": token = Value(); break;
                    case "--batch-size":
                        if (!int.TryParse(Value(), CultureInfo.InvariantCulture, out batchSize) || batchSize is < 1 or > 100_000)
                        { problem = "--batch-size must be a number from 1 to 100000"; return false; }
                        break;
                    case "-h" or "--help": problem = "demographics-import: imports an observation CSV into the Demographics service."; return false;
                    default:
                        if (args[i].StartsWith("--", StringComparison.Ordinal)) { problem = $"unknown option {args[i]}"; return false; }
                        if (file.Length > 0) { problem = "give exactly one CSV file"; return false; }
                        file = args[i];
                        break;
                }
            }
            catch (ArgumentException e) { problem = e.Message; return false; }
        }
        if (file.Length == 0) { problem = "no CSV file given"; return false; }
        if (!Uri.TryCreate(address, UriKind.Absolute, out _)) { problem = $"--address '{address}' is not a URL"; return false; }
        options = new Options(address, token, batchSize, file);
        return true;
    }

    [GeneratedRegex(@"^observations\[(\d+)\]\.")]
    private static partial Regex RowIndex();
}
