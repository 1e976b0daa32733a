using System.Text.RegularExpressions;
using Dapper;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Suite;
using IntegrationServices.Testing;
using Microsoft.Data.Sqlite;
using MeasuresClient = IntegrationServices.Contracts.Measures.V1.MeasuresService.MeasuresServiceClient;
using DemographicsClient = IntegrationServices.Contracts.Demographics.V1.DemographicsService.DemographicsServiceClient;
using CyclesClient = IntegrationServices.Contracts.Reporting.V1.ReportingCyclesService.ReportingCyclesServiceClient;
using SnapshotsClient = IntegrationServices.Contracts.Reporting.V1.SnapshotsService.SnapshotsServiceClient;

namespace IntegrationServices.SnapshotWorker.Tests;

/// <summary>
/// The crash drill: the worker as its own OS process on the real SQLite reporting database, killed with
/// SIGKILL at random points of its work and, in some rounds, ended by the drill's fault point inside the
/// storing transaction (<c>Snapshots:FaultPoint=BeforeCommit</c>, <c>FaultMode=Crash</c>); then a
/// survivor finishes. Every due cycle ends with exactly one snapshot, taken by exactly one SUCCEEDED run,
/// no run stays RUNNING, and every snapshot verifies against the services. The services run in this
/// process on real sockets and the system clock, which the worker process shares.
/// </summary>
public sealed partial class CrashDrillTests(ITestOutputHelper output)
{
    private const int Cycles = 60;
    private const int Rounds = 24;
    private const string WorkerId = "drill-worker";

    /// <summary>Rounds ended by the fault point inside the storing transaction: every fourth.</summary>
    private static bool IsFaultRound(int round) => round % 4 == 1;

    [Fact]
    public async Task Workers_killed_at_random_points_leave_one_verified_snapshot_per_due_cycle_and_one_succeeded_run_each()
    {
        // CRASH_DRILL_SEED replays the kill moments of a failed run.
        var seed = int.TryParse(Environment.GetEnvironmentVariable("CRASH_DRILL_SEED"), out var given) ? given : Random.Shared.Next();
        output.WriteLine($"crash drill seed {seed} (rerun with CRASH_DRILL_SEED={seed})");
        var random = new Random(seed);

        await using var measures = await SocketHost.StartAsync(SuiteComponents.Measures, clock: TimeProvider.System);
        await using var demographics = await SocketHost.StartAsync(SuiteComponents.Demographics, clock: TimeProvider.System);
        await using var reporting = await SocketHost.StartAsync(SuiteComponents.Reporting, new Dictionary<string, string?>
        {
            ["Snapshots:MeasuresAddress"] = measures.GrpcAddress.ToString(),
            ["Snapshots:DemographicsAddress"] = demographics.GrpcAddress.ToString(),
        }, TimeProvider.System);
        var database = Path.Combine(reporting.DataDirectory, "reporting.db");
        var cycleIds = await SeedAsync(measures, demographics, reporting);

        var worker = new Dictionary<string, string>
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = reporting.DataDirectory,
            ["Storage:CommandTimeoutSeconds"] = "5",
            ["Auth:Mode"] = "Jwt",
            ["Auth:SigningKey"] = TestTokens.SigningKey,
            ["Snapshots:MeasuresAddress"] = measures.GrpcAddress.ToString(),
            ["Snapshots:DemographicsAddress"] = demographics.GrpcAddress.ToString(),
            ["Snapshots:CallTimeout"] = "00:00:08",
            ["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0",
            ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0",
            // One replica restarted under its name after every kill: its first pass closes the runs it left RUNNING.
            ["Worker:WorkerId"] = WorkerId,
            ["Worker:PollInterval"] = "00:00:01",
            ["Worker:SettleDelay"] = "00:00:00",
            ["Worker:RetryBaseDelay"] = "00:00:01",
            ["Worker:RetryMaxDelay"] = "00:00:02",
            // The shortest the worker accepts for these timeouts (6 calls × 8 s + 2 lock waits × 5 s).
            ["Worker:AbandonAfter"] = "00:01:00",
        };

        var faultCrashes = 0;
        var killsWithWorkLeft = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var left = Cycles - await CountAsync(database, "SELECT COUNT(*) FROM snapshots");
            if (IsFaultRound(round))
            {
                Assert.True(left > 0, $"round {round} (seed {seed}): no cycle is left for the fault point to end an attempt in");
                // The process ends itself at the fault point, inside the storing transaction of its first attempt.
                await using var drill = WorkerProcess.Start(new Dictionary<string, string>(worker)
                {
                    ["Snapshots:FaultPoint"] = "BeforeCommit",
                    ["Snapshots:FaultMode"] = "Crash",
                });
                await drill.WaitForExitAsync();
                Assert.True(drill.Log.Contains("fault point BeforeCommit", StringComparison.Ordinal),
                    $"round {round} (seed {seed}): the worker did not end at the fault point; its log:\n{drill.Log}");
                Assert.NotEqual(0, drill.ExitCode);
                faultCrashes++;
                killsWithWorkLeft++;
                output.WriteLine($"round {round}: {left} cycles left; ended at the fault point inside the storing transaction");
                continue;
            }

            // A random moment of the work: inside the attempt after this process's k-th snapshot (k = 0–2), at a
            // random fraction of the time the k-th took by the worker's log, at most 50 ms (the delay is the
            // random part, not a wait for time to pass); with k = 0, up to 30 ms after the worker started polling.
            var successes = (int)Math.Min(random.Next(0, 3), left);
            var fraction = random.NextDouble();
            await using var victim = WorkerProcess.Start(worker);
            var reached = await victim.WaitForLinesAsync(line => line.Contains("polls every", StringComparison.Ordinal));
            var attempt = TimeSpan.FromMilliseconds(30);
            if (reached is not null && successes > 0)
            {
                reached = await victim.WaitForLinesAsync(IsSuccess, successes);
                if (reached is not null) attempt = TimeSpan.FromMilliseconds(Math.Min(50, int.Parse(SuccessDuration().Match(reached).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
            }
            Assert.True(reached is not null, $"round {round} (seed {seed}): the worker ended before its kill; its log:\n{victim.Log}");
            var jitter = attempt * fraction;
            await Task.Delay(jitter);
            var leftAtKill = Cycles - await CountAsync(database, "SELECT COUNT(*) FROM snapshots");
            await victim.KillAsync();
            if (leftAtKill > 0) killsWithWorkLeft++;
            output.WriteLine($"round {round}: {left} cycles left; SIGKILL after {successes} snapshots + {jitter.TotalMilliseconds:0} ms, {leftAtKill} left at the kill");
        }

        // The survivor: the same replica, run until every cycle has its snapshot and no run is RUNNING.
        await using (var survivor = WorkerProcess.Start(worker))
        {
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (await CountAsync(database, "SELECT COUNT(*) FROM snapshots") < Cycles
                   || await CountAsync(database, "SELECT COUNT(*) FROM snapshot_runs WHERE outcome = 'RUNNING'") > 0)
            {
                Assert.False(survivor.HasExited, $"the survivor ended (seed {seed}); its log:\n{survivor.Log}");
                Assert.True(DateTime.UtcNow < deadline, $"the survivor did not finish within 90 s (seed {seed}); its log:\n{survivor.Log}");
                await Task.Delay(100);
            }
            await survivor.KillAsync();
        }

        Assert.True(killsWithWorkLeft >= 20, $"only {killsWithWorkLeft} of {Rounds} rounds ended while cycles were due (seed {seed})");
        Assert.Equal(Rounds / 4, faultCrashes);

        await using var connection = new SqliteConnection($"Data Source={database}");
        await connection.OpenAsync();
        // One snapshot per due cycle, and it is the one its cycle points to.
        var snapshots = (await connection.QueryAsync<(string CycleId, long RunId)>("SELECT cycle_id, run_id FROM snapshots ORDER BY cycle_id")).ToList();
        Assert.Equal(cycleIds.Order(), snapshots.Select(s => s.CycleId));
        var cycles = new CyclesClient(reporting.As(Roles.Admin));
        foreach (var id in cycleIds)
        {
            var cycle = await cycles.GetReportingCycleAsync(new GetReportingCycleRequest { Name = "reportingCycles/" + id });
            Assert.Equal((ReportingCycle.Types.State.SnapshotTaken, $"reportingCycles/{id}/snapshot"), (cycle.State, cycle.Snapshot));
        }
        // Exactly one SUCCEEDED run per snapshot, the one the snapshot names; none left RUNNING.
        var runs = (await connection.QueryAsync<(long Id, string CycleId, string Outcome, string? Error)>(
            "SELECT id, cycle_id, outcome, error FROM snapshot_runs")).ToList();
        var succeeded = runs.Where(r => r.Outcome == "SUCCEEDED").ToList();
        Assert.Equal(snapshots.Select(s => (s.CycleId, s.RunId)).Order(), succeeded.Select(r => (r.CycleId, r.Id)).Order());
        Assert.DoesNotContain(runs, r => r.Outcome == "RUNNING");
        // The crashes inside the storing transaction (at least) left runs that restarts closed as abandoned.
        var abandoned = runs.Count(r => r.Outcome == "FAILED" && r.Error!.StartsWith("abandoned", StringComparison.Ordinal));
        Assert.True(abandoned >= faultCrashes, $"{abandoned} abandoned runs for {faultCrashes} crashes in the storing transaction (seed {seed})");
        output.WriteLine($"{runs.Count} runs: {succeeded.Count} succeeded, {abandoned} abandoned, " +
            $"{runs.Count(r => r.Outcome == "FAILED") - abandoned} failed otherwise, {runs.Count(r => r.Outcome == "SKIPPED")} skipped");

        // Every snapshot verifies: recomputed through the services, its content has its recorded hash.
        var verifier = new SnapshotsClient(reporting.As(Roles.Operator));
        foreach (var id in cycleIds)
        {
            var verified = await verifier.VerifySnapshotAsync(new VerifySnapshotRequest { Name = $"reportingCycles/{id}/snapshot" });
            Assert.True(verified.Matches, $"{id}: stored {verified.StoredSha256}, recomputed {verified.RecomputedSha256} (seed {seed})");
        }
    }

    private static bool IsSuccess(string line) => SuccessDuration().IsMatch(line);

    [GeneratedRegex(@"Snapshot run \d+ of reportingCycles/\S+: SUCCEEDED in (\d+) ms")]
    private static partial Regex SuccessDuration();

    private static async Task<long> CountAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Default Timeout=30");
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    /// <summary>
    /// A few measures and statistics, and <see cref="Cycles"/> cycles of past month ends: all due at once,
    /// so every kill lands while the worker works through them.
    /// </summary>
    private static async Task<IReadOnlyList<string>> SeedAsync(SocketHost measuresHost, SocketHost demographicsHost, SocketHost reportingHost)
    {
        var measures = new MeasuresClient(measuresHost.As(Roles.Admin));
        await measures.CreateActionConceptAsync(new CreateActionConceptRequest { ActionConceptId = "idk", ActionConcept = new ActionConcept { Title = "Integration durch Konsens" } });
        await measures.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest { OrganizationalUnitId = "50", OrganizationalUnit = new OrganizationalUnit { Title = "50 Fachbereich Soziales und Gesundheit" } });
        for (var i = 1; i <= 5; i++)
        {
            var measure = await measures.CreateMeasureAsync(new CreateMeasureRequest
            {
                Measure = new Measure { Code = $"M{i}", Title = $"Maßnahme M{i} (Beispiel)", ActionConcept = "actionConcepts/idk", FieldOfAction = i, ResponsibleUnit = "units/50", AdoptedOn = D(2020, 1, i) },
            });
            await measures.RecordStatusAsync(new RecordStatusRequest { Parent = measure.Name, Status = MeasureStatus.InProgress, ProgressPercent = 10 * i, EffectiveDate = D(2020, 2, i) });
        }

        using (var import = new DemographicsClient(demographicsHost.As(Roles.Admin)).ImportObservations())
        {
            var batch = new ImportObservationsRequest();
            foreach (var (indicator, value) in new[] { ("population_total", 250000d), ("foreign_nationals", 40000d), ("population_with_migration_background", 70000d) })
                batch.Observations.Add(new Observation { Indicator = "indicators/" + indicator, Area = "areas/0", ReferenceDate = D(2019, 12, 31), Value = value, Status = ObservationStatus.Final });
            await import.RequestStream.WriteAsync(batch);
            await import.RequestStream.CompleteAsync();
            await import;
        }

        var cycles = new CyclesClient(reportingHost.As(Roles.Admin));
        var ids = new List<string>();
        for (var i = 0; i < Cycles; i++)
        {
            var monthEnd = new DateOnly(2020, 1, 1).AddMonths(i + 1).AddDays(-1);
            var id = $"m{monthEnd:yyyy-MM}";
            await cycles.CreateReportingCycleAsync(new CreateReportingCycleRequest
            {
                ReportingCycleId = id,
                ReportingCycle = new ReportingCycle { Title = $"Monatsbericht {monthEnd:yyyy-MM} (Beispiel)", ReferenceDate = D(monthEnd), ReportingDate = D(monthEnd.AddDays(2)) },
            });
            ids.Add(id);
        }
        return ids;
    }
}
