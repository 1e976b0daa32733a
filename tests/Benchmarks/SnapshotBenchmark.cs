using System.Diagnostics;
using System.Globalization;
using Dapper;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Demographics;
using IntegrationServices.Measures;
using IntegrationServices.Reporting;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.Reporting.Testing;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.SnapshotWorker;
using IntegrationServices.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;

namespace IntegrationServices.Benchmarks;

public sealed record BenchmarkResult(int Measures, int StatusEvents, int Observations, TimeSpan Snapshot, TimeSpan Baseline, string Sha256);

/// <summary>One scale: services on TestServers over real SQLite files, bulk-loaded synthetic data (Beispieldaten).</summary>
public static class SnapshotBenchmark
{
    private const string Instant = "yyyy-MM-dd HH:mm:ss.fffffff";
    private static readonly DateOnly ReferenceDate = new(2025, 12, 31);
    private static readonly DateOnly ReportingDate = new(2026, 1, 5);

    public static async Task<BenchmarkResult> RunAsync(int scale)
    {
        var clock = TestHost.NewClock();
        await using var measures = await TestHost.StartAsync(b => b.AddMeasuresService(), a => a.MapMeasuresService(), Quiet(), clock);
        await using var demographics = await TestHost.StartAsync(b => b.AddDemographicsService(), a => a.MapDemographicsService(), Quiet(), clock);
        void UseTestServers(WebApplicationBuilder b) =>
            b.Services.UseSnapshotClientHandlers(() => measures.Server.CreateHandler(), () => demographics.Server.CreateHandler());
        await using var reporting = await TestHost.StartAsync(b => { UseTestServers(b); b.AddReportingService(); }, a => a.MapReportingService(),
            Quiet(new() { ["OParl:BaseUrl"] = "https://ris.example.de/oparl" }), clock);
        var reportingDb = Path.Combine(reporting.DataDirectory, "reporting.db");
        await using var worker = await TestHost.StartAsync(b => { UseTestServers(b); b.AddSnapshotWorker(); }, a => a.MapSnapshotWorker(),
            Quiet(new()
            {
                ["Storage:ConnectionString"] = $"Data Source={reportingDb};Foreign Keys=True",
                ["Worker:Enabled"] = "false",
                ["Snapshots:CallTimeout"] = "00:59:00",
                ["Limits:MaxMessageBytes"] = (256 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
            }), clock);

        var measureCount = 200 * scale;
        var events = await LoadMeasuresAsync(Path.Combine(measures.DataDirectory, "measures.db"), measureCount);
        var observations = await LoadObservationsAsync(Path.Combine(demographics.DataDirectory, "demographics.db"), scale);

        var cycles = new ReportingCyclesService.ReportingCyclesServiceClient(reporting.As(Roles.Admin));
        await cycles.CreateReportingCycleAsync(new CreateReportingCycleRequest
        {
            ReportingCycleId = "bench",
            ReportingCycle = new ReportingCycle
            {
                Title = "Benchmark (Beispieldaten)",
                ReferenceDate = new Google.Type.Date { Year = ReferenceDate.Year, Month = ReferenceDate.Month, Day = ReferenceDate.Day },
                ReportingDate = new Google.Type.Date { Year = ReportingDate.Year, Month = ReportingDate.Month, Day = ReportingDate.Day },
            },
        });

        var knownAt = ReportingCalendar.KnowledgeCutoff(ReportingDate);
        var baseline = await BaselineAsync(Path.Combine(measures.DataDirectory, "measures.db"), Path.Combine(demographics.DataDirectory, "demographics.db"), knownAt);

        var started = Stopwatch.GetTimestamp();
        var attempts = await worker.Services.GetRequiredService<SnapshotWorkerService>().RunOnceAsync(CancellationToken.None);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var attempt = attempts.Single();
        if (attempt.Outcome != Outcome.Succeeded || attempt.MeasureCount != measureCount)
            throw new InvalidOperationException($"unexpected snapshot: {attempt}");
        return new BenchmarkResult(measureCount, events, observations, elapsed, baseline, attempt.Sha256!);
    }

    private static Dictionary<string, string?> Quiet(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" };
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        return settings;
    }

    /// <summary>Measures with one version each and 10 status events, recorded in 2025.</summary>
    private static async Task<int> LoadMeasuresAsync(string file, int count)
    {
        await using var c = new SqliteConnection($"Data Source={file};Foreign Keys=True");
        await c.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        var seeded = new DateTime(2025, 1, 2, 8, 0, 0).ToString(Instant, CultureInfo.InvariantCulture);
        await c.ExecuteAsync("INSERT INTO action_concepts (id, title, adopted_on, council_paper, note, create_time) VALUES ('idk', 'Integration durch Konsens', NULL, '', '', @T), ('fluechtlinge', 'Konzept zur Integration von Flüchtlingen', NULL, '', '', @T)", new { T = seeded }, tx);
        for (var u = 0; u < 20; u++)
            await c.ExecuteAsync("INSERT INTO units (id, title, parent_id, create_time) VALUES (@Id, @Title, NULL, @T)", new { Id = $"u{u}", Title = $"Einheit {u} (Beispiel)", T = seeded }, tx);
        var events = 0;
        var random = new Random(42);
        for (var i = 1; i <= count; i++)
        {
            await c.ExecuteAsync("INSERT INTO measures (id, code, revision, create_time, update_time, retire_time) VALUES (@Id, @Code, 1, @T, @T, NULL)",
                new { Id = i, Code = $"B-{i:D6}", T = seeded }, tx);
            await c.ExecuteAsync("""
                INSERT INTO measure_versions (measure_id, revision, record_time, recorded_by, code, title, description, action_concept_id,
                    field_of_action, responsible_unit_id, parent_id, adopted_on)
                VALUES (@Id, 1, @T, 'benchmark', @Code, @Title, '', @Concept, @Field, @Unit, NULL, '2024-06-01')
                """, new { Id = i, T = seeded, Code = $"B-{i:D6}", Title = $"Maßnahme {i} (Beispiel)", Concept = i % 3 == 0 ? "fluechtlinge" : "idk", Field = 1 + i % 8, Unit = $"u{i % 20}" }, tx);
            for (var e = 0; e < 10; e++)
            {
                var effective = new DateOnly(2025, 1, 1).AddDays(e * 40 + random.Next(30));
                var recorded = effective.ToDateTime(new TimeOnly(9, 0)).AddDays(random.Next(3));
                await c.ExecuteAsync("""
                    INSERT INTO status_events (measure_id, status, progress_percent, effective_date, note, record_time, recorded_by)
                    VALUES (@Id, @Status, @Progress, @Effective, '', @Recorded, 'benchmark')
                    """, new { Id = i, Status = 1 + random.Next(5), Progress = random.Next(101), Effective = effective.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Recorded = recorded.ToString(Instant, CultureInfo.InvariantCulture) }, tx);
                events++;
            }
        }
        await tx.CommitAsync();
        return events;
    }

    /// <summary>Monthly observations of the three summarized indicators per area, totals and breakdowns; 10,000 × scale rows.</summary>
    private static async Task<int> LoadObservationsAsync(string file, int scale)
    {
        await using var c = new SqliteConnection($"Data Source={file};Foreign Keys=True");
        await c.OpenAsync();
        var areas = (await c.QueryAsync<string>("SELECT id FROM areas WHERE valid_to IS NULL ORDER BY id")).ToList();
        string[] indicators = ["population_total", "foreign_nationals", "population_with_migration_background"];
        var target = 10_000 * scale;
        await using var tx = await c.BeginTransactionAsync();
        await using var insert = c.CreateCommand();
        insert.Transaction = (SqliteTransaction)tx;
        insert.CommandText = """
            INSERT OR IGNORE INTO series (indicator_id, area_id, dimensions) VALUES ($indicator, $area, $dimensions);
            INSERT INTO observations (series_id, reference_date, value, status, comment, record_time)
            SELECT series_id, $date, $value, 'FINAL', NULL, $recorded
            FROM series WHERE indicator_id = $indicator AND area_id = $area AND dimensions = $dimensions
            """;
        var pIndicator = insert.Parameters.Add("$indicator", SqliteType.Text);
        var pArea = insert.Parameters.Add("$area", SqliteType.Text);
        var pDate = insert.Parameters.Add("$date", SqliteType.Text);
        var pDimensions = insert.Parameters.Add("$dimensions", SqliteType.Text);
        var pValue = insert.Parameters.Add("$value", SqliteType.Real);
        var pRecorded = insert.Parameters.Add("$recorded", SqliteType.Text);
        var written = 0;
        for (var dimension = 0; written < target; dimension++)
            for (var month = 0; month < 120 && written < target; month++)
                foreach (var area in areas)
                    foreach (var indicator in indicators)
                    {
                        if (written >= target) break;
                        var date = new DateOnly(2016, 1, 1).AddMonths(month + 1).AddDays(-1);
                        pIndicator.Value = indicator;
                        pArea.Value = area;
                        pDate.Value = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                        pDimensions.Value = dimension == 0 ? "" : $"{{\"age_group\":\"g{dimension}\"}}";
                        pValue.Value = 1000.0 + (written % 997);
                        pRecorded.Value = date.ToDateTime(new TimeOnly(12, 0)).AddDays(20).ToString(Instant, CultureInfo.InvariantCulture);
                        await insert.ExecuteNonQueryAsync();
                        written++;
                    }
        await tx.CommitAsync();
        return written;
    }

    /// <summary>The same questions asked directly of the databases: status counts per field, latest totals per area.</summary>
    private static async Task<TimeSpan> BaselineAsync(string measuresFile, string demographicsFile, DateTime knownAt)
    {
        var started = Stopwatch.GetTimestamp();
        await using (var m = new SqliteConnection($"Data Source={measuresFile}"))
        {
            await m.OpenAsync();
            var groups = await m.QueryAsync(BaselineSql.MeasureGroups, new
            {
                KnownAt = knownAt.ToString(Instant, CultureInfo.InvariantCulture),
                AsOf = ReferenceDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            });
            if (!groups.Any()) throw new InvalidOperationException("no measure groups");
        }
        await using (var d = new SqliteConnection($"Data Source={demographicsFile}"))
        {
            await d.OpenAsync();
            var totals = await d.QueryAsync(BaselineSql.LatestTotals, new
            {
                KnownAt = knownAt.ToString(Instant, CultureInfo.InvariantCulture),
                AsOf = ReferenceDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            });
            if (!totals.Any()) throw new InvalidOperationException("no totals");
        }
        return Stopwatch.GetElapsedTime(started);
    }
}

/// <summary>The baseline: plain aggregate SQL on the SQLite files (benchmark only, not product code).</summary>
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
                   ROW_NUMBER() OVER (PARTITION BY o.series_id, o.reference_date ORDER BY o.record_time DESC, o.id DESC) AS rr
            FROM observations AS o JOIN series AS s ON s.series_id = o.series_id
            WHERE o.record_time <= @KnownAt AND o.reference_date <= @AsOf AND s.dimensions = ''
        ), c AS (
            SELECT indicator_id, area_id, value, ROW_NUMBER() OVER (PARTITION BY series_id ORDER BY reference_date DESC) AS dr
            FROM r WHERE rr = 1
        )
        SELECT area_id AS Area, indicator_id AS Indicator, value AS Value FROM c WHERE dr = 1
        """;
}
