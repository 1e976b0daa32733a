using Google.Protobuf.WellKnownTypes;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;
namespace IntegrationServices.SnapshotWorker.Tests;

/// <summary>
/// End to end with the worker: what a snapshot froze is what Demographics knew at the cut-off, so writes
/// that become known later (an import committed after the cut-off, a district created today) never make
/// a snapshot fail verification.
/// </summary>
public sealed class KnowledgeCutoffTests
{
    /// <summary>q1's knowledge cut-off: the end of 2025-04-02 in Europe/Berlin (summer time).</summary>
    private static readonly DateTimeOffset Q1Cutoff = new(2025, 4, 2, 22, 0, 0, TimeSpan.Zero);

    private static Task<VerifySnapshotResponse> VerifyAsync(SnapshotEnvironment env, string id) =>
        env.Snapshots(Roles.Operator).VerifySnapshotAsync(new VerifySnapshotRequest { Name = $"reportingCycles/{id}/snapshot" }).ResponseAsync;

    private static async Task TakeQ1Async(SnapshotEnvironment env)
    {
        // A settle delay shorter than the import's idle timeout, so the import below is still open when the worker runs.
        var worker = await env.StartWorkerAsync(new Dictionary<string, string?> { ["Worker:SettleDelay"] = "00:00:05" });
        var taken = Assert.Single(await Worker(worker).RunOnceAsync(CancellationToken.None));
        Assert.Equal(Outcome.Succeeded, taken.Outcome);
    }

    [Fact]
    public async Task An_import_begun_before_the_cutoff_and_committed_after_it_is_not_in_the_snapshot_and_it_still_verifies()
    {
        var probe = new FirstMessageProbe();
        await using var env = await StartAsync(demographicsProbe: probe);
        await env.SeedUntilAsync(Q1Cutoff - TimeSpan.FromSeconds(10));

        // The import starts before the cut-off and sends its rows; the client ends the stream only later.
        probe.Rearm();
        using var import = env.DemographicsAdmin.ImportObservations();
        var batch = new ImportObservationsRequest();
        batch.Observations.Add(new Observation { Indicator = "indicators/population_total", Area = "areas/0", ReferenceDate = D(2025, 3, 31), Value = 260000, Status = ObservationStatus.Final });
        batch.Observations.Add(new Observation { Indicator = "indicators/population_total", Area = "areas/130", ReferenceDate = D(2025, 3, 31), Value = 29000, Status = ObservationStatus.Final });
        await import.RequestStream.WriteAsync(batch);
        await probe.Received.Task.WaitAsync(TimeSpan.FromSeconds(30)); // the import has begun on the server

        // Past the cut-off (well within the import's idle timeout) the worker takes q1's snapshot.
        env.Clock.MoveTo(Q1Cutoff + TimeSpan.FromSeconds(10));
        await TakeQ1Async(env);

        await import.RequestStream.CompleteAsync();
        await import;

        // The snapshot froze the city as known before the import; the import is known from its commit on,
        // after the cut-off (the old code stamped its rows with its start, before the cut-off) …
        var stored = await env.StoredAsync("q1");
        Assert.Equal(250000, stored!.ToProto().Demographics.City.PopulationTotal);
        var demographics = new DemographicsService.DemographicsServiceClient(env.Demographics.As(Roles.Worker));
        var atCutoff = await demographics.SummarizeAreasAsync(new SummarizeAreasRequest { AsOf = D(2025, 3, 31), KnownAt = Timestamp.FromDateTimeOffset(Q1Cutoff) });
        Assert.Equal(250000, atCutoff.City.PopulationTotal);
        var now = await demographics.SummarizeAreasAsync(new SummarizeAreasRequest { AsOf = D(2025, 3, 31) });
        Assert.Equal(260000, now.City.PopulationTotal);

        // … so the recount at the cut-off still gives the frozen snapshot.
        var verified = await VerifyAsync(env, "q1");
        Assert.True(verified.Matches, $"stored {verified.StoredSha256}, recomputed {verified.RecomputedSha256}");
    }

    [Fact]
    public async Task A_district_created_after_a_snapshot_leaves_every_snapshot_verifiable()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Q1Cutoff + TimeSpan.FromHours(12));
        await TakeQ1Async(env);

        env.Clock.Advance(TimeSpan.FromHours(1));
        // No validity at all: valid on every date, so without time travel it would join q1's recount.
        await new DemographicsService.DemographicsServiceClient(env.Demographics.As(Roles.Statistics)).CreateAreaAsync(new CreateAreaRequest
        {
            Area = new Area { Code = "950", Title = "Neuer Bezirk (Beispiel)", Kind = AreaKind.District, Parent = "areas/0" },
        });
        var now = await new DemographicsService.DemographicsServiceClient(env.Demographics.As(Roles.Worker))
            .SummarizeAreasAsync(new SummarizeAreasRequest { AsOf = D(2025, 3, 31) });
        Assert.Contains(now.Areas, a => a.Area == "areas/950");

        var verified = await VerifyAsync(env, "q1");
        Assert.True(verified.Matches, $"stored {verified.StoredSha256}, recomputed {verified.RecomputedSha256}");
    }
}
