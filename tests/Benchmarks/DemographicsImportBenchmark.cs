using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using IntegrationServices.Cli;
using IntegrationServices.Demographics.Api;
using IntegrationServices.Demographics.Application;

namespace IntegrationServices.Benchmarks;

/// <summary>
/// Imports N observations (default 1,000,000) from a generated CSV into SQLite through the service, a
/// Demographics host on loopback, both ways a user can: the CSV uploaded to
/// <c>POST /v1/observations:importCsv</c> (the service reads, validates and stores it) and the command line (`integration observations import`,
/// which reads the CSV and streams it to ImportObservations over gRPC). The command line runs twice: in the benchmark's process, warm
/// like the service (the import's throughput; the peak working set is then the service's and the client's together), and as deployed,
/// the service and the command line each a process of its own (the user's wait, including the command line's start; the service's
/// peak alone, the client's apart). Baseline: the same CSV with the
/// sqlite3 shell's <c>.import</c> into a bare table. Each service import runs on a fresh host and
/// database after warm-up imports of 20,000 other rows, and the process has run one uncounted import of
/// every path at full size before, so it measures the service as it runs, not the JIT of its first minutes
/// (the JIT work still done during the import is printed, and the phases the service records). A second
/// baseline is SQLite's own share of the service's store phase (see <see cref="SqliteMoveAloneAsync"/>). All are measured in turn, several runs (default 3), and compared by
/// their medians: run-to-run variation on this kind of machine is larger than the differences in question.
/// </summary>
public static class DemographicsImportBenchmark
{
    private const int WarmUpRounds = 5;

    /// <summary>
    /// One import: its time; the CPU time of the service and the client, whichever processes they ran in; the JIT
    /// time of the service's process, where it is this one; the peak working set of the service's process (with the
    /// client when it runs in this one) and of the client's own; the phases the service recorded, where it runs here.
    /// </summary>
    private sealed record Measurement(TimeSpan Elapsed, TimeSpan Cpu, TimeSpan? Jit, double PeakMegabytes, double? ClientPeakMegabytes,
        IReadOnlyList<(string Name, double Seconds)> Phases);

    /// <summary>How the command line's own process imported: its problem (null: imported), and its peak working set.</summary>
    private sealed record ClientOutcome(string? Problem, double PeakMegabytes);

    public static async Task<int> RunAsync(string[] args)
    {
        var (rows, runs) = (1_000_000, 3);
        for (var i = 0; i < args.Length; i++)
            if (args[i] == "--rows" && i + 1 < args.Length) rows = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--runs" && i + 1 < args.Length) runs = int.Parse(args[++i], CultureInfo.InvariantCulture);

        var directory = Path.Combine(Path.GetTempPath(), "demographics-benchmark-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        try
        {
            var csv = Path.Combine(directory, "observations.csv");
            await GenerateAsync(csv, rows, "b");
            var warmUp = Path.Combine(directory, "warm-up.csv");
            await GenerateAsync(warmUp, 20_000, "warm-up-"); // other series than the measured rows
            Console.WriteLine($"CSV: {rows:N0} rows, {new FileInfo(csv).Length / 1024.0 / 1024.0:F1} MiB; {runs} runs; each service import after {WarmUpRounds} warm-up imports of 20,000 rows");
            double Rate(TimeSpan t) => rows / t.TotalSeconds;

            var paths = new (string Name, string Folder, Func<string, string, string, Task<(Measurement?, string?)>> Import)[]
            {
                ("service, CSV upload (HTTP)", "csv-upload", (c, w, d) => ServiceImportAsync(c, w, d, UploadCsvAsync)),
                ("service, CLI import in this process (gRPC)", "import-cli", (c, w, d) => ServiceImportAsync(c, w, d, ImportCliAsync)),
                ("service and CLI, each its own process (gRPC)", "import-deployed", DeployedImportAsync),
            };
            const string MoveAlone = "sqlite3 move alone (see below)";
            var baseline = new List<TimeSpan>();
            var moveAlone = new List<TimeSpan>();
            var baselineCpu = new List<TimeSpan>();
            var measured = paths.Select(_ => new List<Measurement>()).ToArray();
            // One service import on a fresh host and database; null (the problem printed) when it failed.
            async Task<Measurement?> ImportAsync((string Name, string Folder, Func<string, string, string, Task<(Measurement?, string?)>> Import) path, int run)
            {
                var (m, problem) = await path.Import(csv, warmUp, Path.Combine(directory, $"{path.Folder}-{run}"));
                if (problem is null) return m;
                Console.Error.WriteLine($"{path.Name} failed: {problem}");
                return null;
            }

            // One import of every path at full size first, not counted: the small warm-up imports leave code that
            // only a large import runs hot to the JIT of the first measured run (it spent 1 to 3 s of CPU there).
            foreach (var path in paths)
            {
                if (await ImportAsync(path, run: 0) is not { } m) return 1;
                Console.WriteLine($"warm-up: {path.Name,-46} {m.Elapsed.TotalSeconds,6:F2} s (not counted{(m.Jit is { } jit ? $"; of its CPU {jit.TotalSeconds:F2} s JIT" : "")})");
            }
            for (var run = 1; run <= runs; run++)
            {
                await FlushWritesAsync();
                var shell = await SqliteShellImportAsync(csv, Path.Combine(directory, $"baseline-{run}.db"));
                if (shell is not var (shellTime, shellCpu)) return 1;
                baseline.Add(shellTime);
                baselineCpu.Add(shellCpu);
                Console.WriteLine($"run {run}: {"sqlite3 .import (bare table)",-46} {shellTime.TotalSeconds,6:F2} s {Rate(shellTime),10:N0} rows/s  (CPU {shellCpu.TotalSeconds:F1} s)");
                if (await SqliteMoveAloneAsync(csv, Path.Combine(directory, $"move-alone-{run}")) is not var (moveTime, moveCpu)) return 1;
                moveAlone.Add(moveTime);
                Console.WriteLine($"run {run}: {MoveAlone,-46} {moveTime.TotalSeconds,6:F2} s {Rate(moveTime),10:N0} rows/s  (CPU {moveCpu.TotalSeconds:F1} s)");
                for (var p = 0; p < paths.Length; p++)
                {
                    if (await ImportAsync(paths[p], run) is not { } m) return 1;
                    measured[p].Add(m);
                    Console.WriteLine($"run {run}: {paths[p].Name,-46} {m.Elapsed.TotalSeconds,6:F2} s {Rate(m.Elapsed),10:N0} rows/s" +
                                      $"  (CPU {m.Cpu.TotalSeconds:F1} s{(m.Jit is { } jit ? $", of it JIT {jit.TotalSeconds:F2} s" : "")}; peak working set of the service's process during the import {m.PeakMegabytes:N0} MB" +
                                      (m.ClientPeakMegabytes is { } client ? $", of the command line's {client:N0} MB" : "") +
                                      (m.Phases.Count > 0 ? $"; phases: {string.Join(", ", m.Phases.Select(p => $"{p.Name} {p.Seconds:F2} s"))})" : ")"));
                }
            }

            var shellMedian = Median(baseline);
            Console.WriteLine($"median: {"sqlite3 .import (bare table)",-46} {shellMedian.TotalSeconds,6:F2} s {Rate(shellMedian),10:N0} rows/s");
            var moveMedian = Median(moveAlone);
            Console.WriteLine($"median: {MoveAlone,-46} {moveMedian.TotalSeconds,6:F2} s {Rate(moveMedian),10:N0} rows/s  ({moveMedian / shellMedian:F2} × the whole .import)");
            for (var p = 0; p < paths.Length; p++)
            {
                var median = Median(measured[p].Select(m => m.Elapsed).ToList());
                Console.WriteLine($"median: {paths[p].Name,-46} {median.TotalSeconds,6:F2} s {Rate(median),10:N0} rows/s  ratio {Rate(median) / Rate(shellMedian):F2}" +
                                  $"  (runs {string.Join(", ", measured[p].Select((m, i) => (Rate(m.Elapsed) / Rate(baseline[i])).ToString("F2", CultureInfo.InvariantCulture)))} against their own shell run;" +
                                  $" CPU time: shell / service {Median(baselineCpu).TotalSeconds / Median(measured[p].Select(m => m.Cpu).ToList()).TotalSeconds:F2})");
            }
            Console.WriteLine("The move alone: the import's new series and its rows, parsed and keyed, written by SQLite into the " +
                              "service's tables (their indexes; foreign keys unchecked, as in the service's import) in one " +
                              "transaction: the floor under the service's store phase, which cannot begin before the last row is " +
                              "received and validated.");
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// Writes the previous step's dirty pages to disk first (<c>sync</c>), so that the kernel writing back
    /// hundreds of MB from the run before does not slow whichever import comes next.
    /// </summary>
    private static async Task FlushWritesAsync()
    {
        try
        {
            using var sync = Process.Start(new ProcessStartInfo("sync"));
            if (sync is not null) await sync.WaitForExitAsync();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No sync command: measure without.
        }
    }

    /// <summary>The middle value; of an even count the larger of the two in the middle (the slower time).</summary>
    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);

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

    /// <summary>The shell's import: its wall time and (Linux) the CPU time it used, user and system.</summary>
    private static Task<(TimeSpan Elapsed, TimeSpan Cpu)?> SqliteShellImportAsync(string csv, string database) =>
        SqliteShellAsync(database, ".mode csv", $".import {csv} observations");

    /// <summary>
    /// SQLite's own share of the service's import, the floor under its store phase: the import's new series and
    /// its rows, already parsed and keyed (prepared untimed in a fresh, migrated database of the service), written
    /// into the service's series and observations tables in one transaction, foreign keys unchecked as in the
    /// service's import transaction (<c>ImportConnection</c>). No validation, no spool, no client, no lookups:
    /// what is left when everything but SQLite is free.
    /// </summary>
    private static async Task<(TimeSpan Elapsed, TimeSpan Cpu)?> SqliteMoveAloneAsync(string csv, string dataDirectory)
    {
        var (app, _) = await DemographicsHost.StartAsync(dataDirectory);
        await app.StopAsync();
        await app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var database = Directory.GetFiles(dataDirectory, "*.db").Single();
        if (await SqliteShellAsync(database, ".mode csv", $".import {csv} staging", MoveAlonePreparation) is null) return null;
        await FlushWritesAsync();
        return await SqliteShellAsync(database, MoveAloneStatements);
    }

    /// <summary>
    /// The series numbered in the order the import names them, as the service adds them; a fresh database has
    /// none, so these numbers are the ids they get.
    /// </summary>
    private const string MoveAlonePreparation = """
        CREATE TABLE staged_series AS
        SELECT ROW_NUMBER() OVER (ORDER BY min(rowid)) AS series_id, indicator, area, "dim.block" AS dimensions
        FROM staging GROUP BY indicator, area, "dim.block";
        CREATE INDEX staged_series_key ON staged_series (indicator, area, dimensions);
        CREATE TABLE staged AS
        SELECT s.series_id, t.reference_date, CAST(t.value AS REAL) AS value, t.status
        FROM staging AS t JOIN staged_series AS s ON s.indicator = t.indicator AND s.area = t.area AND s.dimensions = t."dim.block"
        ORDER BY t.rowid;
        DROP TABLE staging;
        INSERT INTO import_batches (record_time) VALUES (NULL);
        """;

    private const string MoveAloneStatements = """
        PRAGMA foreign_keys = OFF;
        BEGIN IMMEDIATE;
        INSERT INTO series (series_id, indicator_id, area_id, dimensions)
        SELECT series_id, indicator, area, dimensions FROM staged_series ORDER BY series_id;
        INSERT INTO observations (series_id, reference_date, value, status, comment, example, batch_id)
        SELECT series_id, reference_date, value, status, NULL, 0, (SELECT max(id) FROM import_batches) FROM staged ORDER BY rowid;
        COMMIT;
        """;

    /// <summary>The sqlite3 shell on <paramref name="database"/> running <paramref name="commands"/>: its wall time and (Linux) CPU time, user and system.</summary>
    private static async Task<(TimeSpan Elapsed, TimeSpan Cpu)?> SqliteShellAsync(string database, params string[] commands)
    {
        var childCpu = ChildrenCpu();
        var start = new ProcessStartInfo("sqlite3", [database, .. commands.SkipLast(1).SelectMany(c => new[] { "-cmd", c }), commands[^1]])
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
            Console.Error.WriteLine("sqlite3 failed: " + await process.StandardError.ReadToEndAsync());
            return null;
        }
        return (watch.Elapsed, ChildrenCpu() - childCpu);
    }

    /// <summary>
    /// CPU time of the child processes this one has waited for (getrusage RUSAGE_CHILDREN): on a machine busy
    /// with other work, CPU time compares the shell and the service better than wall time. Zero where unknown.
    /// </summary>
    private static TimeSpan ChildrenCpu()
    {
        if (!OperatingSystem.IsLinux()) return TimeSpan.Zero;
        var usage = new long[18]; // struct rusage on 64-bit Linux: two timevals, then 14 longs
        if (GetRusage(-1, usage) != 0) return TimeSpan.Zero;
        return TimeSpan.FromSeconds(usage[0] + usage[1] / 1e6 + usage[2] + usage[3] / 1e6);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetRusage(int who, long[] usage);

    /// <summary>Starts a Demographics host in this process on a fresh SQLite directory, warms it up, times one import, stops it.</summary>
    private static async Task<(Measurement? Measurement, string? Problem)> ServiceImportAsync(string csv, string warmUp,
        string dataDirectory, Func<string, DemographicsUrls, Task<string?>> import)
    {
        var (app, urls) = await DemographicsHost.StartAsync(dataDirectory);
        await using var _ = app;
        try
        {
            // Warm-up: imports of other rows (the later ones are revisions of the first), with a pause after
            // each in which the runtime recompiles what has become hot (tiered JIT, in the background).
            for (var round = 0; round < WarmUpRounds; round++)
            {
                if (await import(warmUp, urls) is { } warmUpProblem) return (null, "warm-up: " + warmUpProblem);
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
            await FlushWritesAsync();
            using var phases = new ImportPhases(app.Services.GetRequiredService<IMeterFactory>());
            // The peak is the import's: what earlier imports of this process left on the heap goes back to the
            // system first, as in a service process that has only its own imports behind it.
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            ResetPeakWorkingSet();
            var process = System.Diagnostics.Process.GetCurrentProcess();
            var (cpu, jit) = (process.TotalProcessorTime, System.Runtime.JitInfo.GetCompilationTime());
            var watch = Stopwatch.StartNew();
            var problem = await import(csv, urls);
            watch.Stop();
            process.Refresh();
            return (new Measurement(watch.Elapsed, process.TotalProcessorTime - cpu, System.Runtime.JitInfo.GetCompilationTime() - jit,
                process.PeakWorkingSet64 / 1024.0 / 1024.0, null, phases.Seconds), problem);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    /// <summary>The phases of the imports of one host, as its service records them (<see cref="ImportMetrics"/>).</summary>
    private sealed class ImportPhases : IDisposable
    {
        private readonly MeterListener _listener;
        private readonly ConcurrentDictionary<string, double> _seconds = new();

        public ImportPhases(IMeterFactory hostMeters)
        {
            _listener = new MeterListener
            {
                InstrumentPublished = (instrument, l) =>
                {
                    if (instrument.Name == ImportMetrics.Instrument && ReferenceEquals(instrument.Meter.Scope, hostMeters)) l.EnableMeasurementEvents(instrument);
                },
            };
            _listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
            {
                foreach (var tag in tags)
                    if (tag.Key == ImportMetrics.PhaseAttribute && tag.Value is string phase) _seconds.AddOrUpdate(phase, seconds, (_, sum) => sum + seconds);
            });
            _listener.Start();
        }

        private static readonly string[] Order = ["receive", "store", "commit"];

        /// <summary>Each phase recorded so far, in the order an import runs them.</summary>
        public IReadOnlyList<(string Name, double Seconds)> Seconds => Order.Where(_seconds.ContainsKey).Select(p => (p, _seconds[p])).ToList();

        public void Dispose() => _listener.Dispose();
    }

    private static async Task<string?> UploadCsvAsync(string csv, DemographicsUrls urls)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        await using var file = File.OpenRead(csv);
        using var content = new StreamContent(file, 1 << 16);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        using var response = await http.PostAsync(urls.Http + ObservationCsvEndpoint.Route, content);
        return response.IsSuccessStatusCode ? null : $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
    }

    /// <summary>The command line in this process, warm like the service: no start, no JIT of its own.</summary>
    private static async Task<string?> ImportCliAsync(string csv, DemographicsUrls urls)
    {
        var error = new StringWriter();
        var code = await IntegrationCli.RunAsync(["observations", "import", "--address", urls.Grpc, csv],
            new CliContext(TextWriter.Null, error, _ => null, IsTerminal: false));
        return code == 0 ? null : error.ToString();
    }

    /// <summary>
    /// The service as deployed, a process of its own (<c>dotnet IntegrationServices.Demographics.dll</c>, built beside the
    /// benchmark; Production, Development auth on loopback) on a fresh SQLite directory, warmed up by the command line's
    /// imports as the other paths are; then one import by the command line in a process of its own, timed from its start
    /// to its exit. The service's peak is read from its own process (VmHWM, reset before the import where Linux allows).
    /// </summary>
    private static async Task<(Measurement? Measurement, string? Problem)> DeployedImportAsync(string csv, string warmUp, string dataDirectory)
    {
        var urls = DemographicsHost.NewUrls();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "IntegrationServices.Demographics.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in DemographicsHost.Settings(dataDirectory, urls)) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var service = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var (output, error) = (service.StandardOutput.ReadToEndAsync(), service.StandardError.ReadToEndAsync());
        try
        {
            if (!await ReadyAsync(urls, service)) return (null, "the service did not become ready: " + await StoppedAsync(service, error));
            for (var round = 0; round < WarmUpRounds; round++)
            {
                if ((await ImportCliProcessAsync(warmUp, urls)).Problem is { } warmUpProblem) return (null, "warm-up: " + warmUpProblem);
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
            await FlushWritesAsync();
            ResetPeakWorkingSet(service.Id);
            service.Refresh();
            var (cpu, clientCpu) = (service.TotalProcessorTime, ChildrenCpu());
            var watch = Stopwatch.StartNew();
            var outcome = await ImportCliProcessAsync(csv, urls);
            watch.Stop();
            service.Refresh();
            return (new Measurement(watch.Elapsed, service.TotalProcessorTime - cpu + (ChildrenCpu() - clientCpu), null,
                service.PeakWorkingSet64 / 1024.0 / 1024.0, outcome.PeakMegabytes, []), outcome.Problem);
        }
        finally
        {
            if (!service.HasExited) service.Kill();
            await service.WaitForExitAsync();
            await Task.WhenAll(output, error);
        }
    }

    /// <summary>Waits up to a minute for the service's <c>/readyz</c>; false when it did not answer 200 or exited.</summary>
    private static async Task<bool> ReadyAsync(DemographicsUrls urls, Process service)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var until = DateTime.UtcNow.AddMinutes(1); DateTime.UtcNow < until && !service.HasExited; await Task.Delay(100))
        {
            try
            {
                using var response = await http.GetAsync(urls.Http + "/readyz");
                if (response.IsSuccessStatusCode) return true;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
        }
        return false;
    }

    private static async Task<string> StoppedAsync(Process service, Task<string> error)
    {
        if (!service.HasExited) service.Kill();
        await service.WaitForExitAsync();
        return await error;
    }

    /// <summary>
    /// The command line as a user runs it: <c>dotnet integration.dll</c> (built beside the benchmark), a process of its
    /// own, no token (the host runs in Development mode). Its peak working set is sampled while it runs.
    /// </summary>
    private static async Task<ClientOutcome> ImportCliProcessAsync(string csv, DemographicsUrls urls)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "integration.dll"), "observations", "import", "--address", urls.Grpc, csv])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove(CliContext.TokenVariable);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var (output, error) = (process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        var exited = process.WaitForExitAsync();
        var peak = 0L;
        while (!exited.IsCompleted)
        {
            try
            {
                process.Refresh();
                peak = Math.Max(peak, process.PeakWorkingSet64);
            }
            catch (InvalidOperationException) { } // it has just exited
            await Task.WhenAny(exited, Task.Delay(TimeSpan.FromMilliseconds(20)));
        }
        await exited;
        await output;
        return new ClientOutcome(process.ExitCode == 0 ? null : await error, peak / 1024.0 / 1024.0);
    }

    /// <summary>
    /// Linux: sets a process's peak working set (VmHWM, which <see cref="Process.PeakWorkingSet64"/> reads) back
    /// to its current size, so that the peak after an import is that import's; elsewhere the peak stays the process's.
    /// </summary>
    private static void ResetPeakWorkingSet(int? pid = null)
    {
        try { File.WriteAllText($"/proc/{pid?.ToString(CultureInfo.InvariantCulture) ?? "self"}/clear_refs", "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
