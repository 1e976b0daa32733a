using System.Diagnostics;
using System.Globalization;
using IntegrationServices.Demographics;
using IntegrationServices.Demographics.ImportCli;
using System.Net;
using System.Net.Sockets;

namespace IntegrationServices.Benchmarks;

/// <summary>
/// Imports N observations (default 1,000,000) from a generated CSV into SQLite through the service, a
/// Demographics host on loopback, both ways a user can: the CSV uploaded to
/// <c>POST /v1/observations:importCsv</c> (the service reads, validates and stores it) and the import CLI
/// (which reads the CSV and streams it to ImportObservations over gRPC). Baseline: the same CSV with the
/// sqlite3 shell's <c>.import</c> into a bare table. Each service run starts a fresh host and database
/// and first imports 20,000 other rows (warm-up: the JIT, not the import). Prints rows/s of each, the
/// ratios, the CPU time the process used, and its peak working set (service and, for the CLI, client).
/// </summary>
public static class DemographicsImportBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rows = 1_000_000;
        for (var i = 0; i < args.Length; i++)
            if (args[i] == "--rows" && i + 1 < args.Length) rows = int.Parse(args[++i], CultureInfo.InvariantCulture);

        var directory = Path.Combine(Path.GetTempPath(), "demographics-benchmark-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        try
        {
            var csv = Path.Combine(directory, "observations.csv");
            await GenerateAsync(csv, rows, "b");
            var warmUp = Path.Combine(directory, "warm-up.csv");
            await GenerateAsync(warmUp, 20_000, "warm-up-"); // other series than the measured rows
            Console.WriteLine($"CSV: {rows:N0} rows, {new FileInfo(csv).Length / 1024.0 / 1024.0:F1} MiB");

            var baseline = await SqliteShellImportAsync(csv, Path.Combine(directory, "baseline.db"));
            if (baseline is null) return 1;
            double Rate(TimeSpan t) => rows / t.TotalSeconds;
            Console.WriteLine($"sqlite3 .import (bare table):        {baseline.Value.TotalSeconds,7:F2} s {Rate(baseline.Value),10:N0} rows/s");

            var failed = false;
            foreach (var (name, folder, import) in new (string, string, Func<string, Urls, Task<string?>>)[]
                     {
                         ("service, CSV upload (HTTP)", "csv-upload", UploadCsvAsync),
                         ("service, import CLI (gRPC stream)", "import-cli", ImportCliAsync),
                     })
            {
                var (elapsed, cpu, problem) = await ServiceImportAsync(csv, warmUp, Path.Combine(directory, folder), import);
                if (problem is not null)
                {
                    Console.Error.WriteLine($"{name} failed: {problem}");
                    failed = true;
                    continue;
                }
                var peak = System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0;
                Console.WriteLine($"{name + ":",-36} {elapsed.TotalSeconds,7:F2} s {Rate(elapsed),10:N0} rows/s" +
                                  $"  ratio {Rate(elapsed) / Rate(baseline.Value):F2}  (CPU {cpu.TotalSeconds:F1} s; peak working set so far {peak:N0} MB)");
            }
            return failed ? 1 : 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }

    private static readonly string[] OldDistricts =
    [
        "112", "113-bis-2021", "114-bis-2021", "120", "131-bis-2021", "132-bis-2021", "211-bis-2021", "212-bis-2021",
        "213-bis-2021", "221", "222-bis-2021", "223-bis-2021", "224-bis-2021", "310", "321", "322-bis-2021",
        "323-bis-2021", "331-bis-2021", "332-bis-2021",
    ];

    private static readonly string[] IndicatorIds =
        ["population_total", "foreign_nationals", "germans_with_migration_background", "population_with_migration_background"];

    /// <summary>Valid, unique rows: indicators × old districts × years 2000–2020, broken down by a running dimension.</summary>
    private static async Task GenerateAsync(string path, int rows, string blockPrefix)
    {
        await using var writer = new StreamWriter(path);
        await writer.WriteLineAsync("indicator,area,reference_date,value,status,dim.block");
        for (var i = 0; i < rows; i++)
        {
            var indicator = IndicatorIds[i % IndicatorIds.Length];
            var area = OldDistricts[i / IndicatorIds.Length % OldDistricts.Length];
            var combination = IndicatorIds.Length * OldDistricts.Length;
            var year = 2000 + i / combination % 21;
            var block = i / (combination * 21);
            await writer.WriteLineAsync($"{indicator},{area},{year}-12-31,{i % 5000},ESTIMATED,{blockPrefix}{block}");
        }
    }

    private static async Task<TimeSpan?> SqliteShellImportAsync(string csv, string database)
    {
        var start = new ProcessStartInfo("sqlite3", [database, "-cmd", ".mode csv", $".import {csv} observations"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var watch = Stopwatch.StartNew();
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine("sqlite3 is not installed (apt-get install sqlite3).");
            return null;
        }
        await process.WaitForExitAsync();
        watch.Stop();
        if (process.ExitCode != 0)
        {
            Console.Error.WriteLine("sqlite3 .import failed: " + await process.StandardError.ReadToEndAsync());
            return null;
        }
        return watch.Elapsed;
    }

    private sealed record Urls(string Grpc, string Http);

    /// <summary>Starts a Demographics host on a fresh SQLite directory, times one import, stops it.</summary>
    private static async Task<(TimeSpan Elapsed, TimeSpan Cpu, string? Problem)> ServiceImportAsync(string csv, string warmUp,
        string dataDirectory, Func<string, Urls, Task<string?>> import)
    {
        var urls = new Urls($"http://127.0.0.1:{FreePort()}", $"http://127.0.0.1:{FreePort()}");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = dataDirectory,
            ["Auth:Mode"] = "Development",
            ["Kestrel:Endpoints:Grpc:Url"] = urls.Grpc,
            ["Kestrel:Endpoints:Http:Url"] = urls.Http,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.AddDemographicsService();
        await using var app = builder.Build();
        app.MapDemographicsService();
        await app.StartAsync();
        try
        {
            // Warm-up: a small import of other rows first, so the timed one measures the import, not the JIT.
            if (await import(warmUp, urls) is { } warmUpProblem) return (TimeSpan.Zero, TimeSpan.Zero, "warm-up: " + warmUpProblem);
            var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            var problem = await import(csv, urls);
            return (watch.Elapsed, System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu, problem);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static async Task<string?> UploadCsvAsync(string csv, Urls urls)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        await using var file = File.OpenRead(csv);
        using var content = new StreamContent(file, 1 << 16);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        using var response = await http.PostAsync(urls.Http + ObservationCsvEndpoint.Route, content);
        return response.IsSuccessStatusCode ? null : $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
    }

    private static async Task<string?> ImportCliAsync(string csv, Urls urls)
    {
        var error = new StringWriter();
        var code = await ImportCommand.RunAsync(["--address", urls.Grpc, csv], new StringWriter(), error);
        return code == 0 ? null : error.ToString();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
