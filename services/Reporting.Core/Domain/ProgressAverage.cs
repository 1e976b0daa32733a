using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Contracts.Reporting.V1;

namespace IntegrationServices.Reporting.Core.Domain;

/// <summary>
/// The average progress a report states (content version 2 on): the unweighted mean of the
/// council-adopted measures that are not discontinued, rounded to two decimals. A discontinued measure
/// will not progress any further, and a further activity is still being examined: counting either would
/// pull the figure down without saying anything about the adopted concepts' implementation.
/// </summary>
public static class ProgressAverage
{
    public static double Of(IEnumerable<MeasureEntry> entries)
    {
        var counted = entries.Where(e => e.Kind != MeasureKind.FurtherActivity && e.Status != MeasureStatus.Discontinued).ToList();
        return counted.Count == 0 ? 0 : Math.Round(counted.Average(e => (double)e.ProgressPercent), 2, MidpointRounding.AwayFromZero);
    }
}
