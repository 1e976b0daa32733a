using System.Diagnostics;
using System.Globalization;
using Dapper;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Demographics;
using IntegrationServices.Measures;
using IntegrationServices.Reporting;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.Reporting.Testing;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Storage;
using IntegrationServices.SnapshotWorker;
using IntegrationServices.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;

namespace IntegrationServices.Benchmarks;

/// <summary>
/// One scale's data and its rounds (each: both baselines, then a snapshot of its own cycle); the hash is the
/// first round's. <paramref name="Baselines"/> ask for the totals with window functions over every date,
/// <paramref name="SeekBaselines"/> with one lookup per series (as SummarizeAreas does).
/// </summary>
public sealed record BenchmarkResult(int Measures, int StatusEvents, int Observations, IReadOnlyList<TimeSpan> Snapshots,
    IReadOnlyList<TimeSpan> Baselines, IReadOnlyList<TimeSpan> SeekBaselines, string Sha256)
{
    public TimeSpan Snapshot => Median(Snapshots);
    public TimeSpan Baseline => Median(Baselines);
    public TimeSpan SeekBaseline => Median(SeekBaselines);

    /// <summary>The middle value; of an even count the larger of the two in the middle.</summary>
    private static TimeSpan Median(IReadOnlyList<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);
}

/// <summary>
/// One scale: services on TestServers over real SQLite files, synthetic data (Beispieldaten, <see cref="SnapshotData"/>);
/// per round a fresh Reporting store with the same cycle, its baseline timed, then the worker's pass that snapshots it.
/// </summary>
public static class SnapshotBenchmark
{
    private static readonly DateOnly ReferenceDate = new(2025, 12, 31);
    private static readonly DateOnly ReportingDate = new(2026, 1, 5);

    public static async Task<BenchmarkResult> RunAsync(int scale, int rounds = 1, SnapshotSpans? spans = null)
    {
        var clock = TestHost.NewClock();
        await using var measures = await TestHost.StartAsync(b => b.AddMeasuresService(), a => a.MapMeasuresService(), Quiet(), clock);
        await using var demographics = await TestHost.StartAsync(b => b.AddDemographicsService(), a => a.MapDemographicsService(), Quiet(), clock);
        var measureCount = 200 * scale;
        var events = await SnapshotData.SeedMeasuresAsync(measures.Services, measureCount);
        var observations = await SnapshotData.SeedObservationsAsync(demographics.Services, 10_000 * scale);

        var knownAt = ReportingCalendar.KnowledgeCutoff(ReportingDate);
        var (snapshotTimes, baselineTimes, seekTimes) = (new List<TimeSpan>(), new List<TimeSpan>(), new List<TimeSpan>());
        string? sha256 = null;
        for (var round = 1; round <= rounds; round++)
        {
            // Each round on its own Reporting store (one cycle per Stichtag and scope): the same cycle, the same content.
            await using var reporting = await StartReportingAsync(measures, demographics, clock);
            await using var worker = await StartWorkerAsync(measures, demographics, reporting, clock);
            var cycles = new ReportingCyclesService.ReportingCyclesServiceClient(reporting.As(Roles.Admin));
            await cycles.CreateReportingCycleAsync(new CreateReportingCycleRequest
            {
                ReportingCycleId = "bench",
                ReportingCycle = new ReportingCycle
                {
                    Title = "Benchmark (Beispieldaten)",
                    ReferenceDate = ReferenceDate.ToProto(),
                    ReportingDate = ReportingDate.ToProto(),
                },
            });

            var (measuresDb, demographicsDb) = (Path.Combine(measures.DataDirectory, "measures.db"), Path.Combine(demographics.DataDirectory, "demographics.db"));
            var (baseline, baselineMeasures) = await BaselineAsync(measuresDb, demographicsDb, BaselineSql.LatestTotals, knownAt);
            var (seek, _) = await BaselineAsync(measuresDb, demographicsDb, BaselineSql.LatestTotalsBySeeks, knownAt);
            if (spans is not null) spans.Recording = true;
            var started = Stopwatch.GetTimestamp();
            var attempts = await worker.Services.GetRequiredService<SnapshotWorkerService>().RunOnceAsync(CancellationToken.None);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (spans is not null) spans.Recording = false;
            var attempt = attempts.Single();
            if (attempt.Outcome != Outcome.Succeeded || attempt.MeasureCount != measureCount || baselineMeasures != measureCount)
                throw new InvalidOperationException($"unexpected snapshot: {attempt}; the baseline counted {baselineMeasures} measures");
            if ((sha256 ??= attempt.Sha256!) != attempt.Sha256)
                throw new InvalidOperationException($"round {round} hashed {attempt.Sha256}, round 1 {sha256}: the same data must give the same snapshot");
            snapshotTimes.Add(elapsed);
            baselineTimes.Add(baseline);
            seekTimes.Add(seek);
        }
        return new BenchmarkResult(measureCount, events, observations, snapshotTimes, baselineTimes, seekTimes, sha256!);
    }

    private static void UseServices(WebApplicationBuilder b, TestHost measures, TestHost demographics) =>
        b.Services.UseSnapshotClientHandlers(() => measures.Server.CreateHandler(), () => demographics.Server.CreateHandler());

    private static Task<TestHost> StartReportingAsync(TestHost measures, TestHost demographics, FakeTimeProvider clock) =>
        TestHost.StartAsync(b => { UseServices(b, measures, demographics); b.AddReportingService(); }, a => a.MapReportingService(),
            Quiet(new() { ["OParl:BaseUrl"] = "https://ris.example.de/oparl" }), clock);

    /// <summary>The worker on the Reporting host's store, its polling loop off (the benchmark runs its passes).</summary>
    private static Task<TestHost> StartWorkerAsync(TestHost measures, TestHost demographics, TestHost reporting, FakeTimeProvider clock) =>
        TestHost.StartAsync(b => { UseServices(b, measures, demographics); b.AddSnapshotWorker(); }, a => a.MapSnapshotWorker(),
            Quiet(new()
            {
                ["Storage:ConnectionString"] = $"Data Source={Path.Combine(reporting.DataDirectory, "reporting.db")};Foreign Keys=True",
                ["Worker:Enabled"] = "false",
                ["Snapshots:CallTimeout"] = "00:59:00",
                // Must exceed every call at its deadline (checked at start: WorkerOptionsValidation).
                ["Worker:AbandonAfter"] = "06:00:00",
                ["Limits:MaxMessageBytes"] = (256 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
            }), clock);

    private static Dictionary<string, string?> Quiet(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" };
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        return settings;
    }

    /// <summary>
    /// The same questions asked directly of the databases: status counts per field, latest totals per area.
    /// Returns its time and how many measures the groups count (checked against the snapshot's).
    /// </summary>
    private static async Task<(TimeSpan Elapsed, long Measures)> BaselineAsync(string measuresFile, string demographicsFile, string totalsSql, DateTime knownAt)
    {
        var parameters = new { KnownAt = DbValues.SqliteText(knownAt), AsOf = ReferenceDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
        var started = Stopwatch.GetTimestamp();
        long counted;
        await using (var m = new SqliteConnection($"Data Source={measuresFile}"))
        {
            await m.OpenAsync();
            var groups = (await m.QueryAsync<MeasureGroup>(BaselineSql.MeasureGroups, parameters)).AsList();
            counted = groups.Sum(g => g.Count);
        }
        await using (var d = new SqliteConnection($"Data Source={demographicsFile}"))
        {
            await d.OpenAsync();
            var totals = (await d.QueryAsync<AreaTotal>(totalsSql, parameters)).AsList();
            if (totals.Count == 0) throw new InvalidOperationException("no totals");
        }
        return (Stopwatch.GetElapsedTime(started), counted);
    }

    private sealed record MeasureGroup(long Field, long Status, long Count, double Progress);

    private sealed record AreaTotal(string Area, string Indicator, double Value);
}

/// <summary>
/// The baseline: plain aggregate SQL on the SQLite files (benchmark only, not product code). The totals are asked two
/// ways: with window functions over every date (the yardstick issue 14 set its goals by) and with one lookup per series.
/// </summary>
public static class BaselineSql
{
    public const string MeasureGroups = """
        WITH v AS (
            SELECT measure_id, field_of_action, ROW_NUMBER() OVER (PARTITION BY measure_id ORDER BY revision DESC) AS rn
            FROM measure_versions WHERE record_time <= @KnownAt
        ), s AS (
            SELECT measure_id, status, progress_percent,
                   ROW_NUMBER() OVER (PARTITION BY measure_id ORDER BY effective_date DESC, record_time DESC, id DESC) AS rn
            FROM status_events WHERE record_time <= @KnownAt AND effective_date <= @AsOf
        )
        SELECT v.field_of_action AS Field, COALESCE(s.status, 1) AS Status, COUNT(*) AS Count, AVG(COALESCE(s.progress_percent, 0)) AS Progress
        FROM v LEFT JOIN s ON s.measure_id = v.measure_id AND s.rn = 1
        WHERE v.rn = 1
        GROUP BY v.field_of_action, COALESCE(s.status, 1)
        """;

    public const string LatestTotals = """
        WITH r AS (
            SELECT s.series_id, s.indicator_id, s.area_id, o.reference_date, o.value,
                   ROW_NUMBER() OVER (PARTITION BY o.series_id, o.reference_date ORDER BY b.record_time DESC, o.id DESC) AS rr
            FROM observations AS o JOIN series AS s ON s.series_id = o.series_id
            JOIN import_batches AS b ON b.id = o.batch_id
            WHERE b.record_time <= @KnownAt AND o.reference_date <= @AsOf AND s.dimensions = ''
              AND s.indicator_id IN ('population_total', 'foreign_nationals', 'population_with_migration_background')
        ), c AS (
            SELECT indicator_id, area_id, value, ROW_NUMBER() OVER (PARTITION BY series_id ORDER BY reference_date DESC) AS dr
            FROM r WHERE rr = 1
        )
        SELECT area_id AS Area, indicator_id AS Indicator, value AS Value FROM c WHERE dr = 1
        """;

    /// <summary>The same question with one lookup per series: its latest date known at the cut-off, then that date's latest revision.</summary>
    public const string LatestTotalsBySeeks = """
        SELECT s.area_id AS Area, s.indicator_id AS Indicator, o.value AS Value
        FROM series AS s
        JOIN observations AS o ON o.id = (
            SELECT r.id FROM observations AS r JOIN import_batches AS rb ON rb.id = r.batch_id
            WHERE r.series_id = s.series_id AND rb.record_time <= @KnownAt
              AND r.reference_date = (
                  SELECT d.reference_date FROM observations AS d JOIN import_batches AS db ON db.id = d.batch_id
                  WHERE d.series_id = s.series_id AND d.reference_date <= @AsOf AND db.record_time <= @KnownAt
                  ORDER BY d.reference_date DESC LIMIT 1)
            ORDER BY rb.record_time DESC, r.id DESC LIMIT 1)
        WHERE s.dimensions = '' AND s.indicator_id IN ('population_total', 'foreign_nationals', 'population_with_migration_background')
        """;
}
