using IntegrationServices.Contracts.Measures.V1;

namespace IntegrationServices.Measures.Domain;

/// <summary>The rules of a measure's life: its etag, its place among parents, and what a status event may say.</summary>
public static class MeasureRules
{
    /// <summary>How far up the parents a cycle check looks: deeper hierarchies are not meant to exist.</summary>
    public const int MaxParentDepth = 64;

    public const int MinProgress = 0, MaxProgress = 100;

    /// <summary>The etag of a measure: it changes with every new version and with retirement.</summary>
    public static string Etag(int revision, bool retired) => retired ? $"\"{revision}-retired\"" : $"\"{revision}\"";

    /// <summary>A caller's etag that does not match the measure's (an empty one asks for no check).</summary>
    public static bool IsStale(string? etag, int revision, bool retired) =>
        !string.IsNullOrEmpty(etag) && etag != Etag(revision, retired);

    /// <summary>
    /// Why <paramref name="parentId"/> cannot be the parent of measure <paramref name="selfId"/> (0 for a new
    /// measure), given the parent's ancestry (the parent first, then its parent, …); null when it can.
    /// </summary>
    public static string? ParentProblem(long selfId, long parentId, IReadOnlyList<long> ancestryOfParent) =>
        parentId == selfId ? "a measure cannot be its own parent"
        : selfId != 0 && ancestryOfParent.Contains(selfId)
            ? $"{MeasureNames.Measures.Format(parentId)} is below this measure; parents cannot form a cycle"
            : null;
}

/// <summary>
/// A status event as RecordStatus takes it: the status that took effect on <see cref="EffectiveDate"/> and
/// how far the measure had got. Events are append-only; a correction is a new event.
/// </summary>
public sealed record StatusChange(MeasureStatus Status, int ProgressPercent, DateOnly EffectiveDate, string Note)
{
    public const int MaxNote = 2000;
}
