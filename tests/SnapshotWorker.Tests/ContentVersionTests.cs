using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.ServiceDefaults.Security;

namespace IntegrationServices.SnapshotWorker.Tests;

/// <summary>A snapshot taken with an older content version verifies with the code that knows newer ones.</summary>
public sealed class ContentVersionTests
{
    [Fact]
    public async Task A_version_1_snapshot_still_verifies_after_version_2_exists()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 4, 3));
        // A worker pinned to version 1, as during a rolling upgrade: the snapshot is stored through the v1 rules.
        var pinned = await env.StartWorkerAsync(new Dictionary<string, string?> { ["Snapshots:ContentVersion"] = "1" });

        Assert.Equal(Outcome.Succeeded, Assert.Single(await Worker(pinned).RunOnceAsync(CancellationToken.None)).Outcome);

        var stored = (await env.StoredAsync("q1"))!;
        Assert.Equal(1, stored.ContentVersion);
        Assert.True(SnapshotAggregator.Latest > 1);
        var verified = await env.Snapshots(Roles.Operator).VerifySnapshotAsync(new VerifySnapshotRequest { Name = "reportingCycles/q1/snapshot" });
        Assert.True(verified.Matches);
        Assert.Equal((stored.ContentSha256, stored.ContentSha256), (verified.StoredSha256, verified.RecomputedSha256));
    }
}
