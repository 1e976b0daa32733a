using IntegrationServices.ServiceDefaults.Hosting;
using IntegrationServices.Demographics;
using IntegrationServices.Demographics.Application;
using IntegrationServices.Measures;
using IntegrationServices.Measures.Application;
using IntegrationServices.Reporting;
using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.SnapshotWorker;

namespace IntegrationServices.Suite;

public static class SuiteComponents
{
    public static readonly Component Measures = new("Measures", b => b.AddMeasuresService(), a => a.MapMeasuresService(), MeasuresDemoData.SeedAsync);
    public static readonly Component Demographics = new("Demographics", b => b.AddDemographicsService(), a => a.MapDemographicsService(), DemographicsDemoData.SeedAsync);
    public static readonly Component Reporting = new("Reporting", b => b.AddReportingService(), a => a.MapReportingService(), ReportingDemoData.SeedAsync);
    /// <summary>Shares the reporting database; started last, so that its first pass finds the seeded cycles.</summary>
    public static readonly Component SnapshotWorker = new("SnapshotWorker", b => b.AddSnapshotWorker(), a => a.MapSnapshotWorker());

    /// <summary>Every component the Suite starts, in start order (dependencies first).</summary>
    public static IReadOnlyList<Component> All { get; } = [Measures, Demographics, Reporting, SnapshotWorker];
}
