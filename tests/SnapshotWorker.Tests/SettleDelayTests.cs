using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Measures.Domain;
using IntegrationServices.Measures.Storage;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.SnapshotWorker.Tests;

/// <summary>
/// A write in flight at the cut-off: stamped just before it, committed just after. The worker waits
/// Worker:SettleDelay past the cut-off, so it reads after such a write has committed: the snapshot
/// holds it, and no later recount finds something the snapshot missed.
/// </summary>
public sealed class SettleDelayTests
{
    // q1's knowledge cut-off: the end of 2025-04-02 in Berlin.
    private static readonly DateTimeOffset Cutoff = new(2025, 4, 2, 22, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_write_stamped_before_the_cutoff_and_committed_after_it_is_neither_missed_nor_counted_later()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Cutoff - TimeSpan.FromHours(1));
        var worker = await env.StartWorkerAsync();

        // 30 seconds past the cut-off, a write stamped a second before it has not committed yet.
        env.Clock.MoveTo(Cutoff + TimeSpan.FromSeconds(30));
        var early = await Worker(worker).RunOnceAsync(CancellationToken.None);
        Assert.Empty(early);

        // It commits now: M1 implemented on 2025-03-30, recorded (as its last step) at 21:59:59 UTC. It is
        // written through the service's own storage, which lets the test choose the record time.
        await RecordLateCommitAsync(env, "M1", new StatusChange(MeasureStatus.Implemented, 100, new DateOnly(2025, 3, 30), ""), Cutoff - TimeSpan.FromSeconds(1));
        // And a status stamped after the cut-off, through the API: the snapshot must not hold it.
        await env.StatusAsync("M2", MeasureStatus.Discontinued, 50, D(2025, 3, 1));

        env.Clock.MoveTo(Cutoff + TimeSpan.FromMinutes(2));
        var attempt = Assert.Single(await Worker(worker).RunOnceAsync(CancellationToken.None));

        Assert.Equal(Outcome.Succeeded, attempt.Outcome);
        var snapshot = (await env.StoredAsync("q1"))!.ToProto();
        var m1 = snapshot.Measures.Entries.Single(e => e.Code == "M1");
        Assert.Equal((MeasureStatus.Implemented, 100), (m1.Status, m1.ProgressPercent));
        Assert.Equal(MeasureStatus.InProgress, snapshot.Measures.Entries.Single(e => e.Code == "M2").Status);
        env.Clock.MoveTo(Cutoff + TimeSpan.FromDays(30));
        Assert.True((await env.Snapshots(Roles.Operator).VerifySnapshotAsync(new VerifySnapshotRequest { Name = "reportingCycles/q1/snapshot" })).Matches);
    }

    private static Task<long> RecordLateCommitAsync(SnapshotEnvironment env, string code, StatusChange change, DateTimeOffset recordTime)
    {
        var id = long.Parse(env.MeasureNames[code]["measures/".Length..], System.Globalization.CultureInfo.InvariantCulture);
        var services = env.Measures.Services;
        return services.GetRequiredService<Database>().WriteAsync(db =>
            services.GetRequiredService<MeasureRepository>().InsertStatusEventAsync(db, id, change, recordTime.UtcDateTime, "late-writer", CancellationToken.None), CancellationToken.None);
    }
}
