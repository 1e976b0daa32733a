using System.Diagnostics;
using System.Globalization;
using IntegrationServices.Demographics;
using IntegrationServices.Demographics.ImportCli;
using System.Net;
using System.Net.Sockets;

namespace IntegrationServices.Benchmarks;

/// <summary>
/// Imports N observations (default 1,000,000) from a generated CSV into SQLite through the service
/// (the import CLI streaming over gRPC to a Demographics host on loopback: parse, validate, bulk insert,
/// one transaction), and the same CSV with the sqlite3 shell's <c>.import</c> into a bare table as the
/// baseline; prints rows/s of both and the ratio.
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
            await GenerateAsync(csv, rows);
            Console.WriteLine($"CSV: {rows:N0} rows, {new FileInfo(csv).Length / 1024.0 / 1024.0:F1} MiB");

            var baseline = await SqliteShellImportAsync(csv, Path.Combine(directory, "baseline.db"));
            if (baseline is null) return 1;
            var service = await ServiceImportAsync(csv, Path.Combine(directory, "service"));
            if (service is null) return 1;

            double Rate(TimeSpan t) => rows / t.TotalSeconds;
            Console.WriteLine($"sqlite3 .import (bare table): {baseline.Value.TotalSeconds,8:F2} s  {Rate(baseline.Value),12:N0} rows/s");
            Console.WriteLine($"Demographics service import: {service.Value.TotalSeconds,8:F2} s  {Rate(service.Value),12:N0} rows/s");
            Console.WriteLine($"ratio service / sqlite3:     {Rate(service.Value) / Rate(baseline.Value),8:F2}");
            return 0;
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
    private static async Task GenerateAsync(string path, int rows)
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
            await writer.WriteLineAsync($"{indicator},{area},{year}-12-31,{i % 5000},ESTIMATED,b{block}");
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

    private static async Task<TimeSpan?> ServiceImportAsync(string csv, string dataDirectory)
    {
        var grpcPort = FreePort();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = dataDirectory,
            ["Auth:Mode"] = "Development",
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{grpcPort}",
            ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{FreePort()}",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.AddDemographicsService();
        await using var app = builder.Build();
        app.MapDemographicsService();
        await app.StartAsync();
        try
        {
            var grpc = $"http://127.0.0.1:{grpcPort}";
            var output = new StringWriter();
            var error = new StringWriter();
            var watch = Stopwatch.StartNew();
            var code = await ImportCommand.RunAsync(["--address", grpc, csv], output, error);
            watch.Stop();
            if (code != 0)
            {
                Console.Error.WriteLine("service import failed: " + error);
                return null;
            }
            return watch.Elapsed;
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
