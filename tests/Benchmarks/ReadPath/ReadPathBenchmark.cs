using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Measures;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MeasuresClient = IntegrationServices.Contracts.Measures.V1.MeasuresService.MeasuresServiceClient;

namespace IntegrationServices.Benchmarks.ReadPath;

/// <summary>
/// The read path against the transport's limit: a bare echo service and the Measures service on Kestrel
/// in this process, both driven by the same load generator, at growing catalogue sizes. Per size: the
/// echo, GetMeasure of one measure now and as of a past point in time, Health/Check, the echo through the
/// Measures service's pipeline as an authenticated reader (<see cref="AuthenticatedEchoService"/>: the floor
/// of its reads) and ListFieldsOfAction (req/s, ratio to the echo of the same size, p50/p99, growth of cost since the
/// first size); then ListMeasures through every page and StreamMeasures of everything (time per measure,
/// and the stream's peak working set over the idle process).
/// </summary>
public static class ReadPathBenchmark
{
    private sealed record Call(string Name, Func<Uri, Uri, string, LoadTarget> Target);

    private sealed record Row(int Size, string Call, LoadResult Result, double CpuMicroseconds);

    public static async Task<int> RunAsync(string[] args)
    {
        int[] sizes = [100, 1_000, 10_000, 100_000];
        var (warmUp, duration) = (TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10));
        for (var i = 0; i + 1 < args.Length; i += 2)
            switch (args[i])
            {
                case "--sizes": sizes = args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Order().ToArray(); break;
                case "--duration": duration = TimeSpan.FromSeconds(int.Parse(args[i + 1], CultureInfo.InvariantCulture)); break;
                case "--warm-up": warmUp = TimeSpan.FromSeconds(int.Parse(args[i + 1], CultureInfo.InvariantCulture)); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }

        var load = LoadGenerator.Create();
        Console.WriteLine($"{load.Name}; {warmUp.TotalSeconds:F0} s warm-up, {duration.TotalSeconds:F0} s measured per call; " +
                          $"{ReadPathData.EventsPerMeasure} status events and 2 versions per measure");
        using var server = new ServerCalls();
        // The Measures service runs with its own logging defaults, as deployed: what it logs per call is part
        // of its per-call cost. Calls in flight when the load generator closes its connections at the end of
        // a run are logged as aborted (and a health check cut off as unhealthy); they are counted below
        // (CANCELLED), not printed.
        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Grpc.AspNetCore.Server.ServerCallHandler"] = "Critical",
            ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "Critical",
        };
        await using var echo = await SocketHost.StartAsync(b => { b.Logging.ClearProviders(); b.Services.AddGrpc(); }, a => a.MapGrpcService<BareEchoService>(),
            settings, TimeProvider.System);
        await using var measures = await SocketHost.StartAsync(b => b.AddMeasuresService(), a =>
        {
            a.MapMeasuresService();
            a.MapGrpcService<AuthenticatedEchoService>();
        }, settings, TimeProvider.System);
        var reader = TestTokens.For([Roles.Reader]);
        var data = new ReadPathData(measures.Services);

        Call[] calls =
        [
            new("echo", (echoAddress, _, name) => new LoadTarget(echoAddress, "/benchmark.echo.v1.EchoService/Echo", new EchoMessage { Text = name }, null)),
            new("GetMeasure (current)", (_, address, name) => new LoadTarget(address, "/integration.measures.v1.MeasuresService/GetMeasure",
                new GetMeasureRequest { Name = name }, reader)),
            new("GetMeasure (time travel)", (_, address, name) => new LoadTarget(address, "/integration.measures.v1.MeasuresService/GetMeasure",
                TimeTravel(name), reader)),
            new("Health/Check", (_, address, _) => new LoadTarget(address, "/grpc.health.v1.Health/Check", new HealthCheckRequest(), null)),
            new("echo in Measures, authn", (_, address, name) => new LoadTarget(address, "/benchmark.echo.v1.EchoService/Echo", new EchoMessage { Text = name }, reader)),
            new("ListFieldsOfAction", (_, address, _) => new LoadTarget(address, "/integration.measures.v1.MeasuresService/ListFieldsOfAction",
                new ListFieldsOfActionRequest(), reader)),
        ];

        // An untimed round of every call first, as the other benchmarks warm up: the first size then measures
        // the service, not the JIT of its first seconds (a size's own warm-up is too short for that).
        await data.GrowToAsync(sizes[0]);
        foreach (var call in calls)
        {
            var target = call.Target(echo.GrpcAddress, measures.GrpcAddress, MeasureAt(sizes[0]));
            await load.RunAsync(target, warmUp, TimeSpan.FromSeconds(5));
            if (!await server.WaitUntilIdleAsync(TimeSpan.FromMinutes(10)))
                throw new InvalidOperationException($"{call.Name}: calls still running 10 minutes after the warm-up ended");
            server.TakeFailures(target.Method[(target.Method.LastIndexOf('/') + 1)..]);
        }

        var rows = new List<Row>();
        // Two views of the same runs: throughput and latency as the clients saw them, and the process's CPU
        // time per completed call (of the echo, on its own runs), which a busy machine disturbs far less.
        Console.WriteLine("measures | call                     |    req/s | × echo |  p50 ms |  p99 ms | growth | CPU µs/call | × echo | growth");
        foreach (var size in sizes)
        {
            var seeding = Stopwatch.StartNew();
            await data.GrowToAsync(size);
            var name = MeasureAt(size);
            await CheckAnswersAsync(new MeasuresClient(measures.Invoker(reader)), name);
            var (echoRate, echoCpu) = (double.NaN, double.NaN);
            foreach (var call in calls)
            {
                var target = call.Target(echo.GrpcAddress, measures.GrpcAddress, name);
                var (cpu, completed) = (Process.GetCurrentProcess().TotalProcessorTime, server.Completed);
                var result = await load.RunAsync(target, warmUp, duration);
                // Calls cut off by the end of the run may still be running (a query does not stop at once).
                if (!await server.WaitUntilIdleAsync(TimeSpan.FromMinutes(10)))
                    throw new InvalidOperationException($"{call.Name} at {size}: calls still running 10 minutes after the load ended");
                var cpuPerCall = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / Math.Max(1, server.Completed - completed);
                var failures = server.TakeFailures(target.Method[(target.Method.LastIndexOf('/') + 1)..]);
                // Calls in flight when the load generator stops end as CANCELLED: at most one per stream, per run.
                var cutOff = failures.GetValueOrDefault("Cancelled");
                if (result.Failed > 0 || failures.Any(f => f.Key != "Cancelled") || cutOff > LoadGenerator.Connections * LoadGenerator.StreamsPerConnection)
                {
                    Console.Error.WriteLine($"{call.Name} at {size}: {result.Failed} failed requests; gRPC statuses other than OK: " +
                                            string.Join(", ", failures.Select(f => $"{f.Key} × {f.Value}")));
                    return 1;
                }
                if (call.Name == "echo") (echoRate, echoCpu) = (result.RequestsPerSecond, cpuPerCall);
                var first = rows.FirstOrDefault(r => r.Call == call.Name);
                rows.Add(new Row(size, call.Name, result, cpuPerCall));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{size,8} | {call.Name,-24} | {result.RequestsPerSecond,8:F0} | {result.RequestsPerSecond / echoRate,6:F3} | {result.P50Milliseconds,7:F2} | {result.P99Milliseconds,7:F2} | {(first is null ? 1 : first.Result.RequestsPerSecond / result.RequestsPerSecond),6:F2}× | {cpuPerCall,8:F0} | {echoCpu / cpuPerCall,6:F3} | {(first is null ? 1 : cpuPerCall / first.CpuMicroseconds),6:F2}×"));
            }
            await PageAndStreamAsync(measures, size, reader);
            Console.WriteLine($"         (seeding to {size:N0} and this size's measurements took {seeding.Elapsed.TotalSeconds:F0} s)");
        }

        Console.WriteLine("current vs. time travel (GetMeasure, current / time travel): req/s, CPU per call");
        foreach (var size in sizes)
        {
            var current = rows.Single(r => r.Size == size && r.Call == "GetMeasure (current)");
            var past = rows.Single(r => r.Size == size && r.Call == "GetMeasure (time travel)");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{size,8}: {current.Result.RequestsPerSecond / past.Result.RequestsPerSecond:F2}, {current.CpuMicroseconds / past.CpuMicroseconds:F2}"));
        }
        return 0;
    }

    /// <summary>The measure every point read of a size asks for: one in the middle of the catalogue.</summary>
    private static string MeasureAt(int size) => $"measures/{Math.Max(1, size / 2)}";

    private static GetMeasureRequest TimeTravel(string name) => new()
    {
        Name = name,
        AsOf = new Google.Type.Date { Year = ReadPathData.AsOf.Year, Month = ReadPathData.AsOf.Month, Day = ReadPathData.AsOf.Day },
        KnownAt = Timestamp.FromDateTime(ReadPathData.KnownAt),
    };

    /// <summary>Both reads answer what the data says, before anything is timed: a fast wrong answer measures nothing.</summary>
    private static async Task CheckAnswersAsync(MeasuresClient client, string name)
    {
        var current = await client.GetMeasureAsync(new GetMeasureRequest { Name = name });
        var past = await client.GetMeasureAsync(TimeTravel(name));
        if (!current.Title.Contains("überarbeitet", StringComparison.Ordinal) || current.Status != MeasureStatus.Implemented || current.ProgressPercent != 100
            || past.Title.Contains("überarbeitet", StringComparison.Ordinal) || past.Status != MeasureStatus.InProgress || past.ProgressPercent != 60)
            throw new InvalidOperationException($"unexpected answers: now {current}; as of {ReadPathData.AsOf} {past}");
    }

    /// <summary>ListMeasures through every page (1,000 a page) and StreamMeasures of everything, with the stream's memory.</summary>
    private static async Task PageAndStreamAsync(SocketHost measures, int size, string reader)
    {
        var client = new MeasuresClient(measures.Invoker(reader));
        var listing = Stopwatch.StartNew();
        var (listed, token) = (0, "");
        do
        {
            var page = await client.ListMeasuresAsync(new ListMeasuresRequest { PageSize = 1000, PageToken = token });
            listed += page.Measures.Count;
            token = page.NextPageToken;
        } while (token != "");
        listing.Stop();

        var worker = new MeasuresClient(measures.Invoker(TestTokens.For([Roles.Worker])));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var process = Process.GetCurrentProcess();
        var idle = process.WorkingSet64;
        var peak = idle;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                try { await Task.Delay(10, sampling.Token); } catch (OperationCanceledException) { }
            }
        });
        var streaming = Stopwatch.StartNew();
        var streamed = 0;
        using (var call = worker.StreamMeasures(new StreamMeasuresRequest()))
            await foreach (var _ in call.ResponseStream.ReadAllAsync()) streamed++;
        streaming.Stop();
        await sampling.CancelAsync();
        await sampler;
        if (listed != size || streamed != size) throw new InvalidOperationException($"listed {listed}, streamed {streamed} of {size}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{size,8} | ListMeasures, every page: {listing.Elapsed.TotalMilliseconds,8:F0} ms, {listing.Elapsed.TotalMicroseconds / size,6:F1} µs/measure | " +
            $"StreamMeasures: {streaming.Elapsed.TotalMilliseconds,8:F0} ms, {streaming.Elapsed.TotalMicroseconds / size,6:F1} µs/measure, " +
            $"peak working set {(peak - idle) / 1024.0 / 1024.0:F0} MB over idle ({idle / 1024.0 / 1024.0:F0} MB)"));
    }
}
