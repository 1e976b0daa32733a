using IntegrationServices.Demographics;
using IntegrationServices.Measures;
using IntegrationServices.Reporting;
using IntegrationServices.Reporting.Demo;
using IntegrationServices.SnapshotWorker;

namespace IntegrationServices.Suite;

/// <summary>One component of the suite: its own composition, reused unchanged, and its demo data.</summary>
public sealed record SuiteComponent(
    string Name,
    Action<WebApplicationBuilder> Add,
    Action<WebApplication> Map,
    Func<IServiceProvider, CancellationToken, Task>? SeedDemoData);

public static class SuiteComponents
{
    /// <summary>Every component the Suite starts, in start order (dependencies first).</summary>
    public static IReadOnlyList<SuiteComponent> All { get; } =
    [
        new("Measures", b => b.AddMeasuresService(), a => a.MapMeasuresService(), MeasuresDemoData.SeedAsync),
        new("Demographics", b => b.AddDemographicsService(), a => a.MapDemographicsService(), DemographicsDemoData.SeedAsync),
        new("Reporting", b => b.AddReportingService(), a => a.MapReportingService(), ReportingDemoData.SeedAsync),
        // Shares the reporting database; started last, so that its first pass finds the seeded cycles.
        new("SnapshotWorker", b => b.AddSnapshotWorker(), a => a.MapSnapshotWorker(), null),
    ];
}
