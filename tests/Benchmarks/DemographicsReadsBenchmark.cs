using System.Diagnostics;
using System.Globalization;
using IMessage = Google.Protobuf.IMessage;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Demographics.Application;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.ServiceDefaults.Auditing;
using DemographicsClient = IntegrationServices.Contracts.Demographics.V1.DemographicsService.DemographicsServiceClient;

namespace IntegrationServices.Benchmarks;

/// <summary>
/// Whether the reads that name what they want cost the same however much else is stored: ListObservations
/// of one series (every date; and as of a date, as known at an instant), ListObservations of one area, and
/// SummarizeAreas for one date, each on a small store (only what these reads touch: 12 districts and the
/// city, 3 indicators, 10 years, 2 revisions) and on the same store with 1,000,000 observations of other
/// series beside it (breakdowns of the same indicators on the 19 old districts). Both stores give the same
/// answers (checked). A Demographics host on loopback, called over gRPC one call at a time, each read in
/// turn on both stores after a warm-up; printed: median and p99 latency, and the ratio large / small.
/// </summary>
public static class DemographicsReadsBenchmark
{
    private static readonly DateTime Recorded = new(2024, 1, 10, 8, 0, 0, DateTimeKind.Utc);
    private static readonly WriteContext Seeder = WriteContext.System("benchmark", "Benchmark", "DemographicsReadsBenchmark");
    private static readonly string[] Districts = ["0", "111", "112", "120", "130", "211", "212", "221", "222", "310", "321", "322", "330"];
    private static readonly string[] OldDistricts =
    [
        "112", "113-bis-2021", "114-bis-2021", "120", "131-bis-2021", "132-bis-2021", "211-bis-2021", "212-bis-2021",
        "213-bis-2021", "221", "222-bis-2021", "223-bis-2021", "224-bis-2021", "310", "321", "322-bis-2021",
        "323-bis-2021", "331-bis-2021", "332-bis-2021",
    ];

    private sealed record Read(string Name, Func<DemographicsClient, Task<IMessage>> Call);

    private static readonly Read[] Reads =
    [
        new("ListObservations, one series", async c => await c.ListObservationsAsync(new ListObservationsRequest
            { Filter = "indicator = population_total AND area = 130", PageSize = 100 })),
        new("ListObservations, one series, as_of + known_at", async c => await c.ListObservationsAsync(new ListObservationsRequest
            { Filter = "indicator = population_total AND area = 130", AsOf = Date(2025, 6, 30), KnownAt = Timestamp.FromDateTime(Recorded.AddDays(1)) })),
        new("ListObservations, one area", async c => await c.ListObservationsAsync(new ListObservationsRequest
            { Filter = "area = 130", PageSize = 100 })),
        new("SummarizeAreas, one date", async c => await c.SummarizeAreasAsync(new SummarizeAreasRequest
            { AsOf = Date(2026, 12, 31), KnownAt = Timestamp.FromDateTime(Recorded.AddDays(30)) })),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var (other, calls) = (1_000_000, 2000);
        for (var i = 0; i < args.Length; i++)
            if (args[i] == "--other" && i + 1 < args.Length) other = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--calls" && i + 1 < args.Length) calls = int.Parse(args[++i], CultureInfo.InvariantCulture);

        var directory = Path.Combine(Path.GetTempPath(), "demographics-reads-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (small, smallUrls) = await DemographicsHost.StartAsync(Path.Combine(directory, "small"));
            var (large, largeUrls) = await DemographicsHost.StartAsync(Path.Combine(directory, "large"));
            await using (small)
            await using (large)
            {
                await SeedAsync(small.Services, other: 0);
                var watch = Stopwatch.StartNew();
                await SeedAsync(large.Services, other);
                Console.WriteLine($"small store: {Target().Count():N0} observations; large store: the same and {other:N0} of other series (seeded in {watch.Elapsed.TotalSeconds:F1} s)");
                Console.WriteLine($"{calls:N0} calls per read and store, one at a time, after {calls / 10:N0} warm-up calls");
                Console.WriteLine($"{"read",-48} | {"small: median ms",16} | {"p99",6} | {"large: median ms",16} | {"p99",6} | large / small");

                using var smallChannel = GrpcChannel.ForAddress(smallUrls.Grpc);
                using var largeChannel = GrpcChannel.ForAddress(largeUrls.Grpc);
                var (smallClient, largeClient) = (new DemographicsClient(smallChannel), new DemographicsClient(largeChannel));
                foreach (var read in Reads)
                {
                    if (!(await read.Call(smallClient)).Equals(await read.Call(largeClient)))
                    {
                        Console.Error.WriteLine($"{read.Name}: the two stores answer differently; the comparison would mean nothing.");
                        return 1;
                    }
                    for (var i = 0; i < calls / 10; i++) { await read.Call(smallClient); await read.Call(largeClient); }
                    // In turn, so that whatever else the machine does meanwhile falls on both alike.
                    var (smallTimes, largeTimes) = (new List<double>(calls), new List<double>(calls));
                    for (var i = 0; i < calls; i++)
                    {
                        smallTimes.Add(await TimeAsync(read, smallClient));
                        largeTimes.Add(await TimeAsync(read, largeClient));
                    }
                    var (s, l) = (Percentile(smallTimes, 0.5), Percentile(largeTimes, 0.5));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{read.Name,-48} | {s,16:F3} | {Percentile(smallTimes, 0.99),6:F2} | {l,16:F3} | {Percentile(largeTimes, 0.99),6:F2} | {l / s,5:F2}"));
                }
                await small.StopAsync();
                await large.StopAsync();
            }
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<double> TimeAsync(Read read, DemographicsClient client)
    {
        var started = Stopwatch.GetTimestamp();
        await read.Call(client);
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static double Percentile(List<double> values, double p) => values.Order().ElementAt((int)Math.Min(values.Count - 1, values.Count * p));

    /// <summary>Through the service's own administrative import path: the reads' data in two revisions, then the other series.</summary>
    private static async Task SeedAsync(IServiceProvider services, int other)
    {
        await using var import = await services.GetRequiredService<ObservationImport>().BeginAsync(CancellationToken.None);
        await import.ImportAsync(ImportRow.Numbered(Target()), Recorded, Seeder, CancellationToken.None);
        await import.ImportAsync(ImportRow.Numbered(Target(revision: true)), Recorded.AddDays(14), Seeder, CancellationToken.None);
        if (other > 0) await import.ImportAsync(ImportRow.Numbered(Other(other)), Recorded.AddDays(2), Seeder, CancellationToken.None);
        await import.CommitAsync(CancellationToken.None);
    }

    /// <summary>Totals of the three summarized indicators for the city and the 12 districts, 2021–2030 (Beispieldaten).</summary>
    private static IEnumerable<Observation> Target(bool revision = false) =>
        from area in Districts
        from indicator in AreaSummarizer.Summarized
        from year in Enumerable.Range(2021, 10)
        select new Observation
        {
            Indicator = indicator, Area = area, ReferenceDate = Date(year, 12, 31),
            Value = 1000 + year + (revision ? 1 : 0), Status = revision ? ObservationStatus.Final : ObservationStatus.Provisional,
        };

    /// <summary>Breakdowns (dimension "block") of four indicators on the 19 old districts, 2000–2020: no answer above includes them.</summary>
    private static IEnumerable<Observation> Other(int count)
    {
        string[] indicators = [.. AreaSummarizer.Summarized, IndicatorIds.GermansWithMigrationBackground];
        for (var i = 0; i < count; i++)
        {
            var combination = indicators.Length * OldDistricts.Length;
            var o = new Observation
            {
                Indicator = indicators[i % indicators.Length],
                Area = OldDistricts[i / indicators.Length % OldDistricts.Length],
                ReferenceDate = Date(2000 + i / combination % 21, 12, 31),
                Value = i % 5000,
                Status = ObservationStatus.Estimated,
            };
            o.Dimensions["block"] = (i / (combination * 21)).ToString(CultureInfo.InvariantCulture);
            yield return o;
        }
    }

    private static Google.Type.Date Date(int year, int month, int day) => new() { Year = year, Month = month, Day = day };
}
