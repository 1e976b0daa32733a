using IntegrationServices.ServiceDefaults.Api;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;

namespace IntegrationServices.Reporting.Core.Domain;

/// <summary>
/// When a snapshot is due and when an attempt must give way: pure rules over the clock, the settle
/// delay and the cycle as stored.
/// </summary>
public static class SnapshotSchedule
{
    /// <summary>
    /// A cycle is due once its knowledge cut-off lies <paramref name="settleDelay"/> in the past: every
    /// write stamped before the cut-off takes its record time as the last step before its commit, so by
    /// then it has committed (or failed) and the worker reads it.
    /// </summary>
    public static bool IsDue(DateOnly reportingDate, DateTime now, TimeSpan settleDelay) =>
        ReportingCalendar.KnowledgeCutoff(reportingDate) + settleDelay <= now;

    /// <summary>
    /// The due query's bound: the cycles due at <paramref name="now"/> are exactly those whose reporting
    /// date lies before this date. (The cut-off of date d is the start of d + 1 in Berlin, and it lies at or
    /// before t exactly when d + 1 is on or before t's Berlin date.)
    /// </summary>
    public static DateOnly DueBefore(DateTime now, TimeSpan settleDelay) => ReportingCalendar.BerlinDate(now - settleDelay);

    /// <summary>
    /// How long a cycle waits after its <paramref name="failures"/>-th failed attempt in a row (1 or more):
    /// <paramref name="baseDelay"/> doubled per earlier failure, at most <paramref name="maxDelay"/>.
    /// </summary>
    public static TimeSpan Backoff(int failures, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var doublings = Math.Clamp(failures - 1, 0, 30);
        var delay = baseDelay.Ticks * Math.Pow(2, doublings);
        return delay >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)delay);
    }

    /// <summary>
    /// Why the snapshot of <paramref name="seen"/>, computed from the cycle as the due query read it, must
    /// not be stored now (null: it may), checked under the store lock against the cycle as stored: it is
    /// gone, already has a snapshot, is no longer PLANNED, its definition changed during the attempt, or
    /// it is not (or no longer) due.
    /// </summary>
    public static string? SkipReason(DueCycle seen, Cycle? current, bool hasSnapshot, DateTime now, TimeSpan settleDelay)
    {
        if (current is null) return "the cycle no longer exists";
        if (hasSnapshot || current.Snapshot is not null) return "another worker had already taken the snapshot";
        if (current.State != State.Planned) return $"the cycle is {ProtoEnum<State>.Name(current.State)}";
        if (current.Version != seen.Version && DefinitionChange(seen, current) is { } change)
            return $"the cycle changed during the attempt ({change}); the next pass takes the snapshot of the cycle as it is now";
        if (!IsDue(current.ReportingDate, now, settleDelay))
            return FormattableString.Invariant($"the cycle is not due before {current.KnowledgeCutoff + settleDelay:yyyy-MM-dd HH:mm:ss} UTC (its knowledge cut-off plus Worker:SettleDelay)");
        return null;
    }

    /// <summary>The changes of dates and scope from <paramref name="seen"/> to <paramref name="current"/>, or null when there are none.</summary>
    public static string? DefinitionChange(DueCycle seen, Cycle current)
    {
        var changes = new List<string>();
        if (seen.ReferenceDate != current.ReferenceDate) changes.Add($"reference date {seen.ReferenceDate.Iso()} → {current.ReferenceDate.Iso()}");
        if (seen.ReportingDate != current.ReportingDate) changes.Add($"reporting date {seen.ReportingDate.Iso()} → {current.ReportingDate.Iso()}");
        if (!seen.Scope.SequenceEqual(current.Scope, StringComparer.Ordinal)) changes.Add($"scope {Scope(seen.Scope)} → {Scope(current.Scope)}");
        return changes.Count == 0 ? null : string.Join(", ", changes);
    }

    private static string Scope(IReadOnlyList<string> scope) => scope.Count == 0 ? "all action concepts" : string.Join(" ", scope);
}
