using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.ServiceDefaults.Security;
using Role = IntegrationServices.Contracts.Reporting.V1.Consultation.Types.Role;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;
using static IntegrationServices.Reporting.Tests.ReportingHost;
using static IntegrationServices.Testing.Dates;

namespace IntegrationServices.Reporting.Tests;

public sealed class OParlTests(ReportingHost fixture) : IClassFixture<ReportingHost>
{
    private const string Base = "https://ris.example.de/oparl";
    private readonly ReportingCyclesService.ReportingCyclesServiceClient _coordinator = fixture.Client(Roles.Coordinator);

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    private static string[] Names(JsonElement o) => o.EnumerateObject().Select(p => p.Name).ToArray();

    /// <summary>A cycle after its snapshot with results: order 1 public with result, order 2 non-public with result.</summary>
    private async Task<ReportingCycle> CycleWithResultsAsync(string id)
    {
        var created = await _coordinator.CreateReportingCycleAsync(new CreateReportingCycleRequest
        {
            ReportingCycle = Cycles.Cycle(fixture.NextReferenceDate(), consultations: 3),
            ReportingCycleId = id,
        });
        await fixture.TakeSnapshotAsync(created.Name);
        await _coordinator.RecordConsultationResultAsync(new RecordConsultationResultRequest { Name = created.Name, Order = 1, Result = "zur Kenntnis genommen" });
        return await _coordinator.RecordConsultationResultAsync(new RecordConsultationResultRequest { Name = created.Name, Order = 2, Result = "geheim" });
    }

    [Fact]
    public async Task Export_follows_the_OParl_1_1_schema_field_by_field()
    {
        var cycle = await CycleWithResultsAsync("ox-fields");
        var export = await fixture.Client(Roles.Reader).ExportOParlAsync(new ExportOParlRequest { Name = cycle.Name });

        var paper = Json(export.PaperJson);
        Assert.Equal($"{Base}/papers/ox-fields", paper.GetProperty("id").GetString());
        Assert.Equal("https://schema.oparl.org/1.1/Paper", paper.GetProperty("type").GetString());
        Assert.Equal($"{Base}/bodies/braunschweig", paper.GetProperty("body").GetString());
        Assert.Equal("Bericht zur Integrationsplanung", paper.GetProperty("name").GetString());
        Assert.Equal("30-00001", paper.GetProperty("reference").GetString());
        Assert.Equal($"{cycle.Paper.Date.Year:D4}-{cycle.Paper.Date.Month:D2}-{cycle.Paper.Date.Day:D2}", paper.GetProperty("date").GetString());
        Assert.Equal("Mitteilung", paper.GetProperty("paperType").GetString());
        var directing = paper.GetProperty("underDirectionOf");
        Assert.Equal(JsonValueKind.Array, directing.ValueKind);
        Assert.Equal($"{Base}/organizations/50-fachbereich-soziales-und-gesundheit", directing[0].GetString());
        Assert.True(DateTimeOffset.TryParse(paper.GetProperty("created").GetString(), out _));
        Assert.True(DateTimeOffset.TryParse(paper.GetProperty("modified").GetString(), out _));
        Assert.Equal($"{Base}/files/ox-fields.html", paper.GetProperty("mainFile").GetProperty("id").GetString());
        Assert.Equal("https://ris.example.de/reports/ox-fields.html", paper.GetProperty("mainFile").GetProperty("accessUrl").GetString());
        Assert.Equal("https://ris.example.de/reports/ox-fields.xlsx", paper.GetProperty("auxiliaryFile")[0].GetProperty("downloadUrl").GetString());
        Assert.Subset(new HashSet<string> { "id", "type", "body", "name", "reference", "date", "paperType", "underDirectionOf", "mainFile", "auxiliaryFile", "consultation", "created", "modified" }, Names(paper).ToHashSet());

        var consultations = paper.GetProperty("consultation").EnumerateArray().ToList();
        Assert.Equal(3, consultations.Count);
        var c1 = consultations[0];
        Assert.Equal($"{Base}/consultations/ox-fields-1", c1.GetProperty("id").GetString());
        Assert.Equal("https://schema.oparl.org/1.1/Consultation", c1.GetProperty("type").GetString());
        Assert.Equal($"{Base}/papers/ox-fields", c1.GetProperty("paper").GetString());
        Assert.Equal($"{Base}/meetings/ox-fields-1", c1.GetProperty("meeting").GetString());
        Assert.Equal($"{Base}/agendaItems/ox-fields-1", c1.GetProperty("agendaItem").GetString());
        Assert.Equal($"{Base}/organizations/ausschuss-1", c1.GetProperty("organization")[0].GetString());
        Assert.Equal("Kenntnisnahme", c1.GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.False, c1.GetProperty("authoritative").ValueKind);
        Assert.False(c1.TryGetProperty("result", out _)); // results live on the AgendaItem

        Assert.Equal(3, export.MeetingsJson.Count);
        var m1 = Json(export.MeetingsJson[0]);
        Assert.Equal($"{Base}/meetings/ox-fields-1", m1.GetProperty("id").GetString());
        Assert.Equal("https://schema.oparl.org/1.1/Meeting", m1.GetProperty("type").GetString());
        Assert.Equal("Sitzung: Ausschuss 1", m1.GetProperty("name").GetString());
        var date = cycle.Consultations[0].MeetingDate;
        var start = DateTimeOffset.Parse(m1.GetProperty("start").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal(new DateOnly(date.Year, date.Month, date.Day), IntegrationServices.Reporting.Core.Domain.ReportingCalendar.BerlinDate(start));
        Assert.Equal($"{Base}/organizations/ausschuss-1", m1.GetProperty("organization")[0].GetString());
        var item1 = m1.GetProperty("agendaItem")[0];
        Assert.Equal($"{Base}/agendaItems/ox-fields-1", item1.GetProperty("id").GetString());
        Assert.Equal("https://schema.oparl.org/1.1/AgendaItem", item1.GetProperty("type").GetString());
        Assert.Equal($"{Base}/meetings/ox-fields-1", item1.GetProperty("meeting").GetString());
        Assert.Equal("1", item1.GetProperty("number").GetString());
        Assert.Equal(JsonValueKind.True, item1.GetProperty("public").ValueKind);
        Assert.Equal($"{Base}/consultations/ox-fields-1", item1.GetProperty("consultation").GetString());
        Assert.Equal("zur Kenntnis genommen", item1.GetProperty("result").GetString());

        // Non-public: never the result, whoever asks.
        var item2 = Json(export.MeetingsJson[1]).GetProperty("agendaItem")[0];
        Assert.Equal(JsonValueKind.False, item2.GetProperty("public").ValueKind);
        Assert.False(item2.TryGetProperty("result", out _));
        var asAdmin = await fixture.Client(Roles.Admin).ExportOParlAsync(new ExportOParlRequest { Name = cycle.Name });
        Assert.DoesNotContain("geheim", asAdmin.PaperJson + string.Concat(asAdmin.MeetingsJson) + string.Concat(asAdmin.OrganizationsJson));

        var organizations = export.OrganizationsJson.Select(Json).ToList();
        Assert.Equal(4, organizations.Count); // directing unit + three committees
        Assert.All(organizations, o => Assert.Equal("https://schema.oparl.org/1.1/Organization", o.GetProperty("type").GetString()));
        Assert.Contains(organizations, o => o.GetProperty("id").GetString() == $"{Base}/organizations/verwaltungsausschuss"
                                            && o.GetProperty("name").GetString() == "Verwaltungsausschuss");
    }

    [Fact]
    public async Task Export_needs_a_paper_and_an_existing_cycle()
    {
        var cycle = Cycles.Cycle(fixture.NextReferenceDate());
        cycle.Paper = null;
        var created = await _coordinator.CreateReportingCycleAsync(new CreateReportingCycleRequest { ReportingCycle = cycle });
        var e = await Rpc.FailsAsync(StatusCode.FailedPrecondition, async () => await _coordinator.ExportOParlAsync(new ExportOParlRequest { Name = created.Name }));
        Rpc.ErrorInfo(e, "NO_PAPER");
        await Rpc.FailsAsync(StatusCode.NotFound, async () => await _coordinator.ExportOParlAsync(new ExportOParlRequest { Name = "reportingCycles/none" }));
    }

    [Fact]
    public async Task Import_of_the_OParl_example_paper_without_meetings_and_organizations_keeps_urls()
    {
        var imported = await _coordinator.ImportOParlPaperAsync(new ImportOParlPaperRequest
        {
            PaperJson = Cycles.SharedData("oparl/Paper-01.json"),
            ReferenceDate = D(2014, 3, 31),
            ReportingDate = D(2014, 4, 1),
            CycleId = "oparl-bare",
        });
        Assert.Equal("reportingCycles/oparl-bare", imported.Name);
        Assert.Equal(State.Planned, imported.State);
        Assert.Equal("Antwort auf Anfrage 1200/2014", imported.Title);
        Assert.Equal("1234/2014", imported.Paper.Reference);
        Assert.Equal("Beantwortung einer Anfrage", imported.Paper.PaperType);
        Assert.Equal("Antwort auf Anfrage 1200/2014", imported.Paper.Title);
        Assert.Equal(D(2014, 4, 4), imported.Paper.Date);
        Assert.Equal("https://oparl.example.org/organization/2000", imported.Paper.UnderDirectionOf);
        var c = Assert.Single(imported.Consultations);
        Assert.Equal(1, c.Order);
        Assert.Equal("https://oparl.example.org/organization/96", c.Organization);
        Assert.Equal(Role.Decision, c.Role); // "Beschlussfassung"
        Assert.False(c.Authoritative);
        Assert.Null(c.MeetingDate); // never guessed
        Assert.False(c.Public);
        Assert.Equal("", c.Result);
    }

    [Fact]
    public async Task Import_with_meetings_and_organizations_takes_names_dates_and_agenda_items()
    {
        // The specification's examples do not reference each other (Paper → meeting/243, Meeting-01 is
        // meeting/281): linked, the consultation takes its data from them; unlinked, nothing is guessed.
        var paper = Cycles.SharedData("oparl/Paper-01.json");
        var meeting = Cycles.SharedData("oparl/Meeting-01.json");
        var organization = Cycles.SharedData("oparl/Organization-01.json");
        var unlinked = await _coordinator.ImportOParlPaperAsync(new ImportOParlPaperRequest
        {
            PaperJson = paper, MeetingsJson = { meeting }, OrganizationsJson = { organization },
            ReferenceDate = D(2014, 2, 28), ReportingDate = D(2014, 3, 1), CycleId = "oparl-unlinked",
        });
        Assert.Null(unlinked.Consultations[0].MeetingDate);
        Assert.Equal("https://oparl.example.org/organization/96", unlinked.Consultations[0].Organization);

        var linked = paper.Replace("https://oparl.example.org/meeting/243", "https://oparl.example.org/meeting/281")
            .Replace("https://oparl.example.org/organization/96", "https://oparl.example.org/organization/34")
            .Replace("https://oparl.example.org/consultation/47594", "https://oparl.example.org/consultation/1034")
            .Replace("https://oparl.example.org/organization/2000\"\n    ]", "https://oparl.example.org/organization/34\"\n    ]");
        var imported = await _coordinator.ImportOParlPaperAsync(new ImportOParlPaperRequest
        {
            PaperJson = linked, MeetingsJson = { meeting }, OrganizationsJson = { organization },
            ReferenceDate = D(2013, 12, 31), ReportingDate = D(2014, 1, 1), CycleId = "oparl-linked", Title = "Import mit Sitzung",
        });
        Assert.Equal("Import mit Sitzung", imported.Title);
        var c = Assert.Single(imported.Consultations);
        Assert.Equal("Ausschuss für Haushalt und Finanzen", c.Organization);
        Assert.Equal(D(2013, 1, 4), c.MeetingDate);
        Assert.True(c.Public);
        Assert.Equal("Geändert beschlossen", c.Result); // historical result, although PLANNED
        Assert.False(c.Postponed);
        Assert.Equal(State.Planned, imported.State);
        Assert.Equal("Ausschuss für Haushalt und Finanzen", imported.Paper.UnderDirectionOf);
    }

    [Fact]
    public async Task Import_names_missing_required_fields()
    {
        var e = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await _coordinator.ImportOParlPaperAsync(new ImportOParlPaperRequest
        {
            PaperJson = """{"type":"https://schema.oparl.org/1.1/Paper","consultation":[{"id":"x","role":"Vorberatung"}],"date":"04.04.2014"}""",
            MeetingsJson = { "not json" },
        }));
        Rpc.Violations(e, "paper_json.reference", "paper_json.name", "paper_json.date", "paper_json.consultation[0].organization",
            "meetings_json[0]", "reference_date", "reporting_date");

        e = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await _coordinator.ImportOParlPaperAsync(new ImportOParlPaperRequest
        {
            PaperJson = "[1,2]", ReferenceDate = D(2020, 1, 1), ReportingDate = D(2019, 1, 1),
        }));
        Rpc.Violations(e, "paper_json", "reporting_date");
        e = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await _coordinator.ImportOParlPaperAsync(new ImportOParlPaperRequest
        {
            PaperJson = """{"type":"https://schema.oparl.org/1.1/Meeting","name":"x","reference":"y"}""",
            ReferenceDate = D(2020, 1, 1), ReportingDate = D(2020, 1, 1),
        }));
        Rpc.Violations(e, "paper_json.type");
    }

    [Fact]
    public async Task Export_then_import_gives_back_the_same_consultations()
    {
        var created = await _coordinator.CreateReportingCycleAsync(new CreateReportingCycleRequest
        {
            ReportingCycle = Cycles.Cycle(fixture.NextReferenceDate(), consultations: 3),
            ReportingCycleId = "rt-source",
        });
        await fixture.TakeSnapshotAsync(created.Name);
        await _coordinator.RecordConsultationResultAsync(new RecordConsultationResultRequest { Name = created.Name, Order = 1, Result = "zur Kenntnis genommen" });
        var source = await _coordinator.RecordConsultationResultAsync(new RecordConsultationResultRequest
        {
            Name = created.Name, Order = 3, Postponed = true, NextMeetingDate = D(2099, 5, 5),
        });
        Assert.Equal(4, source.Consultations.Count);

        var export = await _coordinator.ExportOParlAsync(new ExportOParlRequest { Name = source.Name });
        var import = new ImportOParlPaperRequest
        {
            PaperJson = export.PaperJson, ReferenceDate = D(2099, 1, 1), ReportingDate = D(2099, 2, 1), CycleId = "rt-copy",
        };
        import.MeetingsJson.AddRange(export.MeetingsJson);
        import.OrganizationsJson.AddRange(export.OrganizationsJson);
        var copy = await _coordinator.ImportOParlPaperAsync(import);

        Assert.Equal(source.Paper, copy.Paper);
        Assert.Equal(source.Consultations, copy.Consultations);
        Assert.True(copy.Consultations[2].Postponed);
        Assert.Equal("zurückgestellt", copy.Consultations[2].Result);

        // The copy exports exactly as the source, up to its own ids.
        var again = await _coordinator.ExportOParlAsync(new ExportOParlRequest { Name = copy.Name });
        Assert.Equal(export.MeetingsJson.Select(m => m.Replace("rt-source", "rt-copy")), again.MeetingsJson);
        Assert.Equal(export.OrganizationsJson, again.OrganizationsJson);
    }

    [Fact]
    public async Task Round_trip_of_an_import_without_meetings_keeps_the_urls()
    {
        var bare = await _coordinator.ImportOParlPaperAsync(new ImportOParlPaperRequest
        {
            PaperJson = Cycles.SharedData("oparl/Paper-01.json"), ReferenceDate = D(2015, 3, 31), ReportingDate = D(2015, 4, 1), CycleId = "rt-bare",
        });
        var export = await _coordinator.ExportOParlAsync(new ExportOParlRequest { Name = bare.Name });
        Assert.Empty(export.OrganizationsJson); // the URLs are referenced as they came
        var paper = Json(export.PaperJson);
        Assert.Equal("https://oparl.example.org/organization/96", paper.GetProperty("consultation")[0].GetProperty("organization")[0].GetString());
        var import = new ImportOParlPaperRequest { PaperJson = export.PaperJson, ReferenceDate = D(2016, 3, 31), ReportingDate = D(2016, 4, 1) };
        import.MeetingsJson.AddRange(export.MeetingsJson);
        var copy = await _coordinator.ImportOParlPaperAsync(import);
        Assert.Equal(bare.Consultations, copy.Consultations);
        Assert.Equal(bare.Paper, copy.Paper);
    }
}
