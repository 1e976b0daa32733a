using IntegrationServices.ServiceDefaults.Security;

namespace IntegrationServices.Suite.Tests.Security;

/// <summary>
/// Who may call what — the suite's authorization matrix, written down independently of the
/// [Authorize] attributes it checks. Every method of every service must appear here: a new method
/// without a decision fails <see cref="AuthorizationMatrixTests.Every_method_has_a_decision"/>.
/// </summary>
public static class AuthorizationMatrix
{
    private static readonly string[] Readers = [Roles.Reader, Roles.Editor, Roles.Coordinator, Roles.Statistics, Roles.Operator, Roles.Admin];
    private static readonly string[] ReadersAndWorker = [.. Readers, Roles.Worker];
    private static readonly string[] Editors = [Roles.Editor, Roles.Coordinator, Roles.Admin];
    private static readonly string[] Coordinators = [Roles.Coordinator, Roles.Admin];
    private static readonly string[] AdminOnly = [Roles.Admin];
    private static readonly string[] StatisticsOffice = [Roles.Statistics, Roles.Admin];
    private static readonly string[] Operators = [Roles.Operator, Roles.Admin];

    public static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>
    {
        ["integration.measures.v1.MeasuresService/CreateMeasure"] = Coordinators,
        ["integration.measures.v1.MeasuresService/GetMeasure"] = Readers,
        ["integration.measures.v1.MeasuresService/ListMeasures"] = Readers,
        ["integration.measures.v1.MeasuresService/UpdateMeasure"] = Editors,
        ["integration.measures.v1.MeasuresService/DeleteMeasure"] = Coordinators,
        ["integration.measures.v1.MeasuresService/RecordStatus"] = Editors,
        ["integration.measures.v1.MeasuresService/ListStatusEvents"] = Readers,
        ["integration.measures.v1.MeasuresService/StreamMeasures"] = ReadersAndWorker,
        ["integration.measures.v1.MeasuresService/ListFieldsOfAction"] = ReadersAndWorker,
        ["integration.measures.v1.MeasuresService/ListActionConcepts"] = ReadersAndWorker,
        ["integration.measures.v1.MeasuresService/CreateActionConcept"] = Coordinators,
        ["integration.measures.v1.MeasuresService/ListOrganizationalUnits"] = ReadersAndWorker,
        ["integration.measures.v1.MeasuresService/CreateOrganizationalUnit"] = Coordinators,
        ["integration.measures.v1.MeasuresService/ListAuditRecords"] = AdminOnly,

        ["integration.reporting.v1.ReportingCyclesService/CreateReportingCycle"] = Coordinators,
        ["integration.reporting.v1.ReportingCyclesService/GetReportingCycle"] = Readers,
        ["integration.reporting.v1.ReportingCyclesService/ListReportingCycles"] = Readers,
        ["integration.reporting.v1.ReportingCyclesService/UpdateReportingCycle"] = Coordinators,
        ["integration.reporting.v1.ReportingCyclesService/CancelReportingCycle"] = Coordinators,
        ["integration.reporting.v1.ReportingCyclesService/RecordConsultationResult"] = Coordinators,
        ["integration.reporting.v1.ReportingCyclesService/PlanRecurringCycles"] = Coordinators,
        ["integration.reporting.v1.ReportingCyclesService/ExportOParl"] = Readers,
        ["integration.reporting.v1.ReportingCyclesService/ImportOParlPaper"] = Coordinators,
        ["integration.reporting.v1.ReportingCyclesService/ListAuditRecords"] = AdminOnly,

        ["integration.reporting.v1.SnapshotsService/GetSnapshot"] = Readers,
        ["integration.reporting.v1.SnapshotsService/ListSnapshots"] = Readers,
        ["integration.reporting.v1.SnapshotsService/CompareSnapshots"] = Readers,
        ["integration.reporting.v1.SnapshotsService/RenderReport"] = Readers,
        ["integration.reporting.v1.SnapshotsService/VerifySnapshot"] = Operators,
        ["integration.reporting.v1.SnapshotsService/ListSnapshotRuns"] = Operators,
        ["integration.reporting.v1.SnapshotsService/ListAuditRecords"] = AdminOnly,

        ["integration.demographics.v1.DemographicsService/ListAreas"] = ReadersAndWorker,
        ["integration.demographics.v1.DemographicsService/CreateArea"] = StatisticsOffice,
        ["integration.demographics.v1.DemographicsService/ListIndicators"] = Readers,
        ["integration.demographics.v1.DemographicsService/CreateIndicator"] = StatisticsOffice,
        ["integration.demographics.v1.DemographicsService/ImportObservations"] = StatisticsOffice,
        ["integration.demographics.v1.DemographicsService/ListObservations"] = ReadersAndWorker,
        ["integration.demographics.v1.DemographicsService/SummarizeAreas"] = ReadersAndWorker,
        ["integration.demographics.v1.DemographicsService/ListAuditRecords"] = AdminOnly,
    };
}
