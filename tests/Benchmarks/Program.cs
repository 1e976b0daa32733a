using System.Globalization;
using IntegrationServices.Benchmarks;

// Snapshot end to end (worker → StreamMeasures + SummarizeAreas over gRPC → aggregate → store) against
// the plain SQL aggregate queries on the two databases, measured in the same run.
// Scale 100 = 20,000 measures × 10 status events and 1,000,000 observations; 1 and 10 are 1/100 and 1/10 of it.
var scales = args.Length > 0
    ? args[0].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()
    : [1, 10, 100];
Console.WriteLine("scale | measures | status events | observations | snapshot ms | plain SQL ms | ratio | sha256");
foreach (var scale in scales)
{
    var result = await SnapshotBenchmark.RunAsync(scale);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{scale,4}× | {result.Measures,8} | {result.StatusEvents,13} | {result.Observations,12} | {result.Snapshot.TotalMilliseconds,11:F0} | {result.Baseline.TotalMilliseconds,12:F0} | {result.Snapshot / result.Baseline,5:F1} | {result.Sha256[..12]}"));
}
