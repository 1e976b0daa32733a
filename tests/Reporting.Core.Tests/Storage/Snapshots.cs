using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Reporting.Core.Domain;

namespace IntegrationServices.Reporting.Core.Tests.Storage;

/// <summary>Snapshots to store in storage tests.</summary>
public static class Snapshots
{
    private static readonly CatalogueTitles NoTitles = new(new Dictionary<int, string>(), new Dictionary<string, string>(), new Dictionary<string, string>());

    /// <summary>The snapshot of a cycle without measures and statistics, as the aggregation makes it.</summary>
    public static ComputedSnapshot Empty(string cycleId, DateOnly referenceDate) =>
        SnapshotAggregator.Compute(new SnapshotInput(cycleId, referenceDate, ReportingCalendar.KnowledgeCutoff(referenceDate.AddDays(2)), []),
            [], NoTitles, new SummarizeAreasResponse(), previous: null);
}
