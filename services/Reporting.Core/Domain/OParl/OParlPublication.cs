using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;

namespace IntegrationServices.Reporting.Core.Domain.OParl;

/// <summary>
/// When a cycle's council paper is public: it has a reference and a date, the date has passed (today in
/// Europe/Berlin is later), and the cycle was not cancelled. A public paper is served over OParl, and
/// its report is readable without a token; before that only callers with a token see either.
/// </summary>
public static class OParlPublication
{
    public static bool IsPublished(Cycle cycle, DateOnly today) =>
        OParlExporter.CanExport(cycle) && cycle.Paper?.Date is { } date && date < today && cycle.State != State.Cancelled;
}
