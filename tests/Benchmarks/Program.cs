using System.Globalization;
using IntegrationServices.Benchmarks;
using IntegrationServices.Benchmarks.ReadPath;

// One entry per benchmark; each prints its own measurements and the ratio to a baseline measured in the same run.
var name = args.FirstOrDefault() ?? "";
return name switch
{
    "demographics-import" => await DemographicsImportBenchmark.RunAsync(args[1..]),
    "demographics-reads" => await DemographicsReadsBenchmark.RunAsync(args[1..]),
    "snapshot" => await RunSnapshotAsync(args[1..]),
    "read-path" => await ReadPathBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

// Snapshot end to end (worker → StreamMeasures + SummarizeAreas over gRPC → aggregate → store) against
// the plain SQL aggregate queries on the two databases, compared by the medians of several rounds per scale.
// Scale 100 = 20,000 measures × 10 status events and 1,000,000 observations; 1 and 10 are 1/100 and 1/10 of it.
static async Task<int> RunSnapshotAsync(string[] args)
{
    var scales = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal)
        ? args[0].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()
        : [1, 10, 100];
    var rounds = 3;
    for (var i = 0; i < args.Length; i++)
        if (args[i] == "--rounds" && i + 1 < args.Length) rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
    using var spans = args.Contains("--spans") ? new SnapshotSpans() : null;
    // Warm-up as the import benchmark does: three untimed snapshots at scale 1 on their own hosts, so that
    // the first measured scale pays for its work and not for the JIT of the code it runs.
    for (var i = 0; i < 3; i++)
        await SnapshotBenchmark.RunAsync(1);
    Console.WriteLine($"{rounds} rounds per scale; medians, and per round snapshot / plain SQL");
    Console.WriteLine("plain SQL: totals by window functions over every date; seek SQL: the same with one lookup per series");
    Console.WriteLine("scale | measures | status events | observations | snapshot ms | plain SQL ms | ratio | rounds | seek SQL ms | ratio to seek SQL | sha256");
    foreach (var scale in scales)
    {
        var result = await SnapshotBenchmark.RunAsync(scale, rounds, spans);
        var perRound = string.Join(" ", result.Snapshots.Zip(result.Baselines, (s, b) => (s / b).ToString("F1", CultureInfo.InvariantCulture)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{scale,4}× | {result.Measures,8} | {result.StatusEvents,13} | {result.Observations,12} | {result.Snapshot.TotalMilliseconds,11:F0} | {result.Baseline.TotalMilliseconds,12:F0} | {result.Snapshot / result.Baseline,5:F1} | {perRound} | {result.SeekBaseline.TotalMilliseconds,11:F0} | {result.Snapshot / result.SeekBaseline,17:F1} | {result.Sha256[..12]}"));
        spans?.Print(Console.Out);
    }
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("""
        Usage: dotnet run -c Release --project tests/Benchmarks -- demographics-import [--rows N] [--runs N]
               dotnet run -c Release --project tests/Benchmarks -- demographics-reads [--other N] [--calls N]
               dotnet run -c Release --project tests/Benchmarks -- snapshot [scales, e.g. 1,10,100] [--rounds N] [--spans]
               dotnet run -c Release --project tests/Benchmarks -- read-path [--sizes 100,1000,10000,100000] [--duration S] [--warm-up S]
        """);
    return 2;
}
