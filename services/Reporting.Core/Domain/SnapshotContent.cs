using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Contracts.Reporting.V1;

namespace IntegrationServices.Reporting.Core.Domain;

/// <summary>
/// The canonical form of a snapshot: the <see cref="Snapshot"/> message without <c>create_time</c>
/// and <c>content_sha256</c>, serialized with protobuf binary. Everything in it is ordered by a fixed
/// rule (entries by name, groups by key, areas by name) and nothing run-dependent goes in, so the same
/// cycle and the same knowledge always give the same bytes and the same SHA-256.
/// </summary>
public static class SnapshotContent
{
    /// <summary>
    /// The canonical bytes. A version-1 snapshot's content holds neither its content version nor its
    /// scope (both came later, and are served from their columns): they are left out for it, so that the
    /// bytes of any snapshot as served are the bytes that were hashed.
    /// </summary>
    public static byte[] CanonicalBytes(Snapshot snapshot)
    {
        // A snapshot being frozen holds nothing that is left out: its bytes need no copy of its entries.
        if (snapshot.CreateTime is null && snapshot.ContentSha256.Length == 0 && (snapshot.ContentVersion > 1 || (snapshot.ContentVersion == 0 && snapshot.Scope.Count == 0)))
            return snapshot.ToByteArray();
        var content = snapshot.Clone();
        content.CreateTime = null;
        content.ContentSha256 = "";
        if (content.ContentVersion <= 1)
        {
            content.ContentVersion = 0;
            content.Scope.Clear();
        }
        return content.ToByteArray();
    }

    /// <summary>The content version of an aggregated or stored snapshot: version 1 content does not say so.</summary>
    public static int VersionOf(Snapshot snapshot) => snapshot.ContentVersion > 0 ? snapshot.ContentVersion : 1;

    public static string Sha256Hex(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>
    /// Completes an aggregated snapshot: its changes against <paramref name="base"/> (see
    /// <see cref="SnapshotComparison.Compare"/>), its canonical bytes and their hash (also set as its content_sha256).
    /// </summary>
    public static ComputedSnapshot Freeze(Snapshot aggregated, Snapshot? @base)
    {
        var snapshot = aggregated.Clone();
        snapshot.Changes = SnapshotComparison.Compare(@base, snapshot);
        var content = CanonicalBytes(snapshot);
        var sha = Sha256Hex(content);
        snapshot.ContentSha256 = sha;
        return new ComputedSnapshot(snapshot, content, sha);
    }

    /// <summary>The statuses in their fixed order (every group lists all of them, zeros included).</summary>
    public static readonly MeasureStatus[] Statuses =
        [MeasureStatus.NotStarted, MeasureStatus.InProgress, MeasureStatus.Implemented, MeasureStatus.Ongoing, MeasureStatus.Discontinued];

    /// <summary>The indicators compared between two snapshots, in their fixed order.</summary>
    public static readonly string[] Indicators =
        ["population_total", "foreign_nationals", "population_with_migration_background", "migration_background_share_percent"];

    public const string CityArea = "areas/0";

    public static string Key(int number) => number.ToString(CultureInfo.InvariantCulture);
}
