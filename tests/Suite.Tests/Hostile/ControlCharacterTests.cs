using Google.Type;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Testing;
using DemographicsClient = IntegrationServices.Contracts.Demographics.V1.DemographicsService.DemographicsServiceClient;
using MeasuresClient = IntegrationServices.Contracts.Measures.V1.MeasuresService.MeasuresServiceClient;
using CyclesClient = IntegrationServices.Contracts.Reporting.V1.ReportingCyclesService.ReportingCyclesServiceClient;

namespace IntegrationServices.Suite.Tests.Hostile;

/// <summary>
/// API.md's text rules, played as a hostile client over real sockets against every service: names, codes,
/// titles and ids refuse every control character, free text refuses all but tab, line feed and carriage
/// return, filters are text too — each refusal exactly one field violation on the field, nothing stored.
/// </summary>
public sealed class ControlCharacterTests(HostileHosts hosts) : IClassFixture<HostileHosts>
{
    private const string Nul = "\u0000";
    private const string Bel = "\u0007";

    private static readonly RpcAssert MeasuresRpc = new("integration.measures.v1");
    private static readonly RpcAssert DemographicsRpc = new("integration.demographics.v1");
    private static readonly RpcAssert ReportingRpc = new("integration.reporting.v1");

    private MeasuresClient Measures => new(hosts.Measures.Invoker(HostileHosts.AdminToken));
    private DemographicsClient Demographics => new(hosts.Demographics.Invoker(HostileHosts.AdminToken));
    private CyclesClient Cycles => new(hosts.Reporting.Invoker(HostileHosts.AdminToken));

    private static Measure ValidMeasure() => new()
    {
        Code = "IdK-9.99", Title = "Sprachkurse", Description = "Kurse", FieldOfAction = 1,
        ActionConcept = "actionConcepts/idk", ResponsibleUnit = "units/50", AdoptedOn = new Date { Year = 2008, Month = 7, Day = 8 },
    };

    [Fact]
    public async Task A_measure_code_with_nul_and_bel_is_refused_and_not_stored()
    {
        var measure = ValidMeasure();
        measure.Code = "IdK-1.04" + Nul + Bel;
        await MeasuresRpc.InvalidAsync(() => Measures.CreateMeasureAsync(new CreateMeasureRequest { Measure = measure }), "measure.code");
        var listed = await Measures.ListMeasuresAsync(new ListMeasuresRequest { PageSize = 1000, ShowRetired = true });
        Assert.DoesNotContain(listed.Measures, m => m.Code.StartsWith("IdK-1.04", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Measures_refuses_control_characters_in_every_text_field_kind()
    {
        async Task MeasureWith(Action<Measure> spoil, string field)
        {
            var measure = ValidMeasure();
            spoil(measure);
            await MeasuresRpc.InvalidAsync(() => Measures.CreateMeasureAsync(new CreateMeasureRequest { Measure = measure }), field);
        }
        await MeasureWith(m => m.Title = "Kurse" + Bel, "measure.title");
        await MeasureWith(m => m.Description = "Kurse" + Nul, "measure.description");
        await MeasureWith(m => m.ActionConcept = "actionConcepts/idk" + Nul, "measure.action_concept");

        await MeasuresRpc.InvalidAsync(() => Measures.CreateActionConceptAsync(new CreateActionConceptRequest
            { ActionConcept = new ActionConcept { Title = "Konzept" + Bel } }), "action_concept.title");
        await MeasuresRpc.InvalidAsync(() => Measures.CreateActionConceptAsync(new CreateActionConceptRequest
            { ActionConcept = new ActionConcept { Title = "Konzept", CouncilPaper = "16-01642" + Nul } }), "action_concept.council_paper");
        await MeasuresRpc.InvalidAsync(() => Measures.CreateActionConceptAsync(new CreateActionConceptRequest
            { ActionConcept = new ActionConcept { Title = "Konzept", Note = "Notiz\u001b[2J" } }), "action_concept.note");
        await MeasuresRpc.InvalidAsync(() => Measures.CreateActionConceptAsync(new CreateActionConceptRequest
            { ActionConceptId = "idk" + Nul, ActionConcept = new ActionConcept { Title = "Konzept" } }), "action_concept_id");
        await MeasuresRpc.InvalidAsync(() => Measures.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest
            { OrganizationalUnit = new OrganizationalUnit { Title = "50" + Bel } }), "organizational_unit.title");
        await MeasuresRpc.InvalidAsync(() => Measures.RecordStatusAsync(new RecordStatusRequest
        {
            Parent = "measures/1", Status = MeasureStatus.InProgress, ProgressPercent = 10,
            EffectiveDate = new Date { Year = 2026, Month = 1, Day = 1 }, Note = "Notiz\u007f",
        }), "note");
        await MeasuresRpc.InvalidAsync(() => Measures.ListMeasuresAsync(new ListMeasuresRequest { Filter = "code = \"IdK" + Nul + "\"" }), "filter");

        // Free text keeps tab, line feed and carriage return.
        var kept = await Measures.CreateActionConceptAsync(new CreateActionConceptRequest
            { ActionConcept = new ActionConcept { Title = "Konzept mit Notiz", Note = "Zeile 1\r\nZeile 2\tEnde" } });
        Assert.Equal("Zeile 1\r\nZeile 2\tEnde", kept.Note);
    }

    [Fact]
    public async Task Demographics_refuses_control_characters_in_every_text_field_kind()
    {
        static Area District() => new() { Code = "990", Title = "Testbezirk", Kind = AreaKind.District, Parent = "areas/0" };
        async Task AreaWith(Action<CreateAreaRequest> spoil, string field)
        {
            var request = new CreateAreaRequest { Area = District() };
            spoil(request);
            await DemographicsRpc.InvalidAsync(() => Demographics.CreateAreaAsync(request), field);
        }
        await AreaWith(r => r.Area.Code = "990" + Nul, "area.code");
        await AreaWith(r => r.Area.Title = "Testbezirk" + Bel, "area.title");
        await AreaWith(r => r.Area.Description = "Text" + Nul, "area.description");
        await AreaWith(r => r.Area.Parent = "areas/0" + Bel, "area.parent");
        await AreaWith(r => r.AreaId = "bezirk" + Nul, "area_id");

        static Indicator Counted() => new() { Title = "Arbeitslose", Unit = IndicatorUnit.Persons, Definition = "Def", Source = "Quelle" };
        async Task IndicatorWith(Action<CreateIndicatorRequest> spoil, string field)
        {
            var request = new CreateIndicatorRequest { IndicatorId = "unemployed_persons", Indicator = Counted() };
            spoil(request);
            await DemographicsRpc.InvalidAsync(() => Demographics.CreateIndicatorAsync(request), field);
        }
        await IndicatorWith(r => r.Indicator.Title = "Arbeitslose" + Bel, "indicator.title");
        await IndicatorWith(r => r.Indicator.Definition = "Def" + Nul, "indicator.definition");
        await IndicatorWith(r => r.Indicator.Source = "Quelle\u0001", "indicator.source");
        await IndicatorWith(r => r.IndicatorId = "unemployed" + Nul, "indicator_id");

        async Task ObservationWith(Action<Observation> spoil, string field)
        {
            var observation = new Observation
            {
                Indicator = "indicators/population_total", Area = "areas/0", ReferenceDate = new Date { Year = 2030, Month = 1, Day = 1 }, Value = 1,
            };
            spoil(observation);
            using var call = Demographics.ImportObservations();
            await call.RequestStream.WriteAsync(new ImportObservationsRequest { Observations = { observation } });
            await call.RequestStream.CompleteAsync();
            await DemographicsRpc.InvalidAsync(() => call.ResponseAsync, field);
        }
        await ObservationWith(o => o.Comment = "Kommentar" + Nul, "observations[0].comment");
        await ObservationWith(o => o.Dimensions["sex"] = "female" + Bel, "observations[0].dimensions[sex]");
        await ObservationWith(o => o.Dimensions["sex" + Nul] = "female", "observations[0].dimensions[sex\\u0000]");
        await ObservationWith(o => o.Indicator = "indicators/population_total" + Nul, "observations[0].indicator");
        await DemographicsRpc.InvalidAsync(() => Demographics.ListObservationsAsync(new ListObservationsRequest { Filter = "area = \"areas/0" + Bel + "\"" }), "filter");

        var stored = await Demographics.ListObservationsAsync(new ListObservationsRequest { Filter = "reference_date = 2030-01-01" });
        Assert.Empty(stored.Observations);
    }

    [Fact]
    public async Task A_csv_comment_with_a_control_character_is_one_field_violation_and_nothing_is_stored()
    {
        using var http = hosts.Demographics.Http();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/observations:importCsv")
        {
            Content = new StringContent("indicator,area,reference_date,value,comment\npopulation_total,0,2030-02-01,1,Kommentar" + Bel + "\n",
                System.Text.Encoding.UTF8, "text/csv"),
        };
        request.Headers.Authorization = new("Bearer", HostileHosts.AdminToken);
        using var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var violation = Assert.Single(problem.RootElement.GetProperty("field_violations").EnumerateArray());
        Assert.Equal("observations[0].comment", violation.GetProperty("field").GetString());
        Assert.Empty((await Demographics.ListObservationsAsync(new ListObservationsRequest { Filter = "reference_date = 2030-02-01" })).Observations);
    }

    [Fact]
    public async Task Reporting_refuses_control_characters_in_every_text_field_kind()
    {
        static ReportingCycle Cycle() => new()
        {
            Title = "Bericht", ReferenceDate = new Date { Year = 2030, Month = 6, Day = 30 }, ReportingDate = new Date { Year = 2030, Month = 7, Day = 31 },
            Paper = new CouncilPaper { Reference = "30-00001", Title = "Bericht" },
            Consultations = { new Consultation { Organization = "Rat", Role = Consultation.Types.Role.Information } },
        };
        async Task CycleWith(Action<CreateReportingCycleRequest> spoil, string field)
        {
            var request = new CreateReportingCycleRequest { ReportingCycle = Cycle() };
            spoil(request);
            await ReportingRpc.InvalidAsync(() => Cycles.CreateReportingCycleAsync(request), field);
        }
        await CycleWith(r => r.ReportingCycle.Title = "Bericht" + Bel, "reporting_cycle.title");
        await CycleWith(r => r.ReportingCycle.Description = "Text" + Nul, "reporting_cycle.description");
        await CycleWith(r => r.ReportingCycle.Paper.Reference = "30-00001" + Nul, "reporting_cycle.paper.reference");
        await CycleWith(r => r.ReportingCycle.Paper.Title = "Bericht" + Bel, "reporting_cycle.paper.title");
        await CycleWith(r => r.ReportingCycle.Consultations[0].Organization = "Rat" + Nul, "reporting_cycle.consultations[0].organization");
        await CycleWith(r => r.ReportingCycleId = "2030" + Nul, "reporting_cycle_id");

        await ReportingRpc.InvalidAsync(() => Cycles.RecordConsultationResultAsync(new RecordConsultationResultRequest
            { Name = "reportingCycles/2030", Order = 1, Result = "zur Kenntnis" + Nul }), "result");
        await ReportingRpc.InvalidAsync(() => Cycles.ListReportingCyclesAsync(new ListReportingCyclesRequest { Filter = "state = \"PLANNED" + Bel + "\"" }), "filter");

        async Task OParlWith(string paperJson, string field) =>
            await ReportingRpc.InvalidAsync(() => Cycles.ImportOParlPaperAsync(new ImportOParlPaperRequest
            {
                PaperJson = paperJson, ReferenceDate = new Date { Year = 2030, Month = 6, Day = 30 }, ReportingDate = new Date { Year = 2030, Month = 7, Day = 31 },
            }), field);
        await OParlWith("""{"type":"https://schema.oparl.org/1.1/Paper","reference":"30-00002\u0000","name":"Bericht"}""", "paper_json.reference");
        await OParlWith("""{"type":"https://schema.oparl.org/1.1/Paper","reference":"30-00002","name":"Bericht\u0007"}""", "paper_json.name");
        await OParlWith("""{"type":"https://schema.oparl.org/1.1/Paper","reference":"30-00002","name":"Bericht","paperType":"Mitteilung\u0000"}""", "paper_json.paperType");

        Assert.Empty((await Cycles.ListReportingCyclesAsync(new ListReportingCyclesRequest { Filter = "reporting_date = 2030-07-31" })).ReportingCycles);
    }
}
