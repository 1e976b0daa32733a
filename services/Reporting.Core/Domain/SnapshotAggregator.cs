using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Contracts.Reporting.V1;

namespace IntegrationServices.Reporting.Core.Domain;

/// <summary>
/// What a snapshot is computed from: the cycle, its Stichtag, the knowledge cut-off, the scope (as the
/// cycle defined it when the attempt began) and the content version whose rules aggregate it.
/// </summary>
public sealed record SnapshotInput(string CycleId, DateOnly ReferenceDate, DateTime KnownAt, IReadOnlyList<string> Scope, int ContentVersion)
{
    public string Name => ReportingNames.Snapshot(CycleId);
}

/// <summary>
/// What the services answered for one snapshot (as of the reference date, as known at the cut-off):
/// the measures in scope, the catalogue titles, the demographic summary and the area catalogue.
/// </summary>
public sealed record SnapshotSources(IReadOnlyList<Measure> Measures, CatalogueTitles Titles, SummarizeAreasResponse Demographics, IReadOnlyList<Area> Areas);

/// <summary>A computed snapshot with its canonical bytes and their hash.</summary>
public sealed record ComputedSnapshot(Snapshot Snapshot, byte[] Content, string Sha256);

/// <summary>Catalogue titles by key (field of action number, action concept name, unit name).</summary>
public sealed record CatalogueTitles(
    IReadOnlyDictionary<int, string> FieldsOfAction,
    IReadOnlyDictionary<string, string> ActionConcepts,
    IReadOnlyDictionary<string, string> Units)
{
    public static readonly CatalogueTitles None = new(new Dictionary<int, string>(), new Dictionary<string, string>(), new Dictionary<string, string>());
}

/// <summary>
/// The aggregation of a snapshot, by content version: every released version's rules stay runnable, so
/// that a snapshot is always recomputed with the rules that produced it (VerifySnapshot), whatever was
/// added since. Pure: same inputs, same snapshot and bytes, whatever the run.
/// </summary>
/// <remarks>
/// Adding a version: copy nothing; write <c>SnapshotRulesV{n}</c> on top of the latest one (as
/// <see cref="SnapshotRulesV2"/> builds on <see cref="SnapshotRulesV1"/>), add it to <see cref="Aggregate"/>
/// and raise <see cref="Latest"/>. Never change what a released version computes — not its rules, not the
/// helpers it calls, not the fields it copies — since every snapshot taken with it would then fail to verify.
/// </remarks>
public static class SnapshotAggregator
{
    /// <summary>The version new snapshots are taken with unless <c>Snapshots:ContentVersion</c> pins an older one.</summary>
    public const int Latest = 2;

    public static bool IsKnown(int version) => version is >= 1 and <= Latest;

    /// <summary>The snapshot without its changes (see <see cref="SnapshotContent.Freeze"/>), by the rules of the input's content version.</summary>
    public static Snapshot Aggregate(SnapshotInput input, SnapshotSources sources) => input.ContentVersion switch
    {
        1 => SnapshotRulesV1.Aggregate(input, sources),
        2 => SnapshotRulesV2.Aggregate(input, sources),
        var v => throw new ArgumentOutOfRangeException(nameof(input), v, $"Content version {v} is not known here (1–{Latest})."),
    };

    /// <summary>The snapshot with its changes against <paramref name="base"/>, its canonical bytes and their hash.</summary>
    public static ComputedSnapshot Compute(SnapshotInput input, SnapshotSources sources, Snapshot? @base) =>
        SnapshotContent.Freeze(Aggregate(input, sources), @base);
}
