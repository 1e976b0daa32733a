using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Demographics.Application;
using IntegrationServices.Measures.Application;
using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.Reporting.Testing;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;
using Format = IntegrationServices.Contracts.Reporting.V1.RenderReportRequest.Types.Format;
using static IntegrationServices.Reporting.Testing.SnapshotEnvironment;

namespace IntegrationServices.Reporting.Tests;

/// <summary>The Suite's demo data (the real 2018 cycle with its assumptions, example measures and figures), snapshotted by a worker.</summary>
public sealed class DemoReportFixture : IAsyncLifetime
{
    public SnapshotEnvironment Env { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Env = await StartAsync();
        await MeasuresDemoData.SeedAsync(Env.Measures.Services, CancellationToken.None);
        await DemographicsDemoData.SeedAsync(Env.Demographics.Services, CancellationToken.None);
        await ReportingDemoData.SeedAsync(Env.Reporting.Services, CancellationToken.None);
        var worker = await Env.StartWorkerAsync();
        await Worker(worker).RunOnceAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync() => await Env.DisposeAsync();
}

/// <summary>
/// Issue 16, "What a council member reading today's 2018 report misses": the 2018 demo report, rendered
/// from the snapshot a worker took, shows each point — checked in the HTML (parsed), the CSV and the XLSX.
/// </summary>
public sealed class DemoReportTests(DemoReportFixture fixture) : IClassFixture<DemoReportFixture>
{
    private SnapshotEnvironment Env => fixture.Env;

    private async Task<byte[]> RenderAsync(string cycle, Format format) =>
        (await Env.Snapshots(Roles.Reader).RenderReportAsync(new RenderReportRequest { Name = $"reportingCycles/{cycle}/snapshot", Format = format }))
        .Content.ToByteArray();

    private async Task<IDocument> HtmlAsync(string cycle) =>
        await new HtmlParser().ParseDocumentAsync(Encoding.UTF8.GetString(await RenderAsync(cycle, Format.Html)));

    private static string Text(IElement element) => string.Join(" ", element.TextContent.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public async Task The_2018_report_shows_how_each_measure_stands_who_is_responsible_and_its_concept()
    {
        var doc = await HtmlAsync("2018");
        var rows = doc.QuerySelectorAll("section.field table.measures tbody tr").ToList();
        Assert.NotEmpty(rows);
        // Sachstand: the note of the status event in force on 30.06.2018, for every measure that had one then.
        Assert.Contains(rows, r => r.QuerySelector("p.status-note") is { } note && Text(note).StartsWith("Sachstand: Beispiel: ", StringComparison.Ordinal));
        Assert.Contains(rows, r => Text(r.QuerySelector("td.concept")!) == "Integration durch Konsens");
        Assert.Contains(rows, r => Text(r.QuerySelector("td.concept")!) == "Konzept zur Integration von Flüchtlingen");
        Assert.Contains(rows, r => Text(r.QuerySelector("td.unit")!) == "50 Fachbereich Soziales und Gesundheit");
        Assert.DoesNotContain(rows, r => Text(r.QuerySelector("td.concept")!).StartsWith("actionConcepts/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sub_measures_stand_under_their_parent_with_the_roll_up()
    {
        var doc = await HtmlAsync("2018");
        var table = doc.QuerySelector("#hf-1 table.measures")!;
        var rows = table.QuerySelectorAll("tbody tr").ToList();
        var parent = rows.Single(r => r.QuerySelector("p.rollup") is not null);
        Assert.Contains("Sprachförderkette", Text(parent));
        var children = rows.Skip(rows.IndexOf(parent) + 1).TakeWhile(r => r.ClassList.Contains("sub-measure")).ToList();
        Assert.Equal(3, children.Count);
        // Unweighted mean of the children's progress on 30.06.2018, as known then.
        var mean = children.Average(c => int.Parse(Text(c.QuerySelector("td.progress")!), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal($"Teilmaßnahmen (3): durchschnittlicher Fortschritt {mean.ToString("0.0", System.Globalization.CultureInfo.GetCultureInfo("de-DE"))} %",
            Text(parent.QuerySelector("p.rollup")!));
    }

    [Fact]
    public async Task Further_activities_have_their_own_section_outside_the_summary()
    {
        var doc = await HtmlAsync("2018");
        var further = doc.QuerySelector("section#weitere-aktivitaeten")!;
        var row = Assert.Single(further.QuerySelectorAll("tbody tr"));
        Assert.Contains("Beispiel: Angebote freier Träger im Quartier abbilden", Text(row));
        Assert.Contains("wird geprüft", Text(further));
        Assert.Equal("–", Text(row.QuerySelector("td.concept")!));
        Assert.DoesNotContain(doc.QuerySelectorAll("section.field tbody tr"), r => Text(r).Contains("Angebote freier Träger"));
        var counted = doc.QuerySelectorAll("section.field table.measures tbody tr").Length;
        Assert.Equal(counted.ToString(System.Globalization.CultureInfo.InvariantCulture), Text(doc.QuerySelector("table.summary tfoot td")!));
    }

    [Fact]
    public async Task Figures_carry_their_marks_definitions_and_the_refugee_housing_figure_where_data_exists()
    {
        var doc = await HtmlAsync("2018");
        // The notice comes from the data's example flags (the made-up district figures).
        Assert.NotNull(doc.QuerySelector(".notice.example-data"));
        var districts = doc.QuerySelectorAll("table.demographics tbody tr").ToList();
        Assert.NotEmpty(districts);
        // Cells: area title, then the population, … (the made-up district figures are marked B).
        Assert.All(districts.Where(d => Text(d.QuerySelectorAll("td")[1]) != "–"),
            d => Assert.Contains("B", Text(d.QuerySelectorAll("td")[1].QuerySelector("sup.mark")!)));
        // The city's own 2017 population is derived (ESTIMATED), real: marked S, not B.
        var city = doc.QuerySelector("table.demographics tfoot tr.city")!;
        Assert.Equal("S", Text(city.QuerySelectorAll("td")[0].QuerySelector("sup.mark")!));
        Assert.NotNull(doc.QuerySelector("p.marks-legend"));
        // Definitions and sources of every indicator used.
        var definitions = doc.QuerySelectorAll("section#kennzahlen dl.indicators dt").Select(Text).ToList();
        Assert.Contains("Ausländerinnen und Ausländer", definitions);
        Assert.All(doc.QuerySelectorAll("section#kennzahlen dd p.source"), s => Assert.StartsWith("Quelle: ", Text(s)));
        // Handlungsfeld 8: the occupancy is of 2022, so 2018 has none ("–"); the 2022 report has it, real, unmarked.
        Assert.StartsWith("Geflüchtete in städtischen Wohnstandorten: –", Text(doc.QuerySelector("#hf-8 p.refugee-housing")!));
        var doc2022 = await HtmlAsync("2022");
        var housing = doc2022.QuerySelector("#hf-8 p.refugee-housing")!;
        Assert.StartsWith("Geflüchtete in städtischen Wohnstandorten: 751 (Stand 02.03.2022", Text(housing));
        Assert.Null(housing.QuerySelector("sup.mark"));
    }

    [Fact]
    public async Task The_cycle_description_and_the_wording_points_are_right()
    {
        var doc = await HtmlAsync("2018");
        Assert.Contains("30.06.2018 ist angenommen", Text(doc.QuerySelector("section#grundlagen p.cycle-description")!));
        var body = Text(doc.Body!);
        Assert.DoesNotContain("Snapshot", body);
        Assert.DoesNotContain("Umsetzungsstand", body);
        // One name for the status column, one for the progress column.
        var headers = doc.QuerySelectorAll("th[scope=col]").Select(Text).ToList();
        Assert.Contains("Stand der Umsetzung", headers);
        Assert.Contains("Fortschritt in %", headers);
        // Where a header says "%", its cells do not repeat it.
        foreach (var table in doc.QuerySelectorAll("table"))
        {
            var columns = table.QuerySelectorAll("thead th").Select(Text).ToList();
            for (var i = 0; i < columns.Count; i++)
                if (columns[i].Contains('%'))
                    Assert.All(table.QuerySelectorAll("tbody tr, tfoot tr"), r => Assert.DoesNotContain("%", Text(r.Children[i])));
        }
        Assert.Contains("Ausländerinnen und Ausländer", doc.QuerySelectorAll("table.demographics thead th").Select(Text));
        Assert.Contains("ohne entfallene Maßnahmen", Text(doc.QuerySelector("p.average-progress")!));
        // The table of contents has numbers from 10 on; its list leaves room for them.
        Assert.True(doc.QuerySelectorAll("nav ol li").Length >= 10);
        Assert.Contains("nav ol { margin: 0.25rem 0; padding-left: 2.5em;", doc.QuerySelector("style")!.TextContent);
    }

    [Fact]
    public async Task Excel_users_get_columns_titles_and_numbers()
    {
        var csv = await RenderAsync("2018", Format.Csv);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, csv[..3]);
        var lines = Encoding.UTF8.GetString(csv[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Berichtszyklus;Stichtag;Nr.;Maßnahme;", lines[0]);
        Assert.DoesNotContain(lines, l => l.Contains("actionConcepts/") || l.Contains("units/"));

        using var http = Env.Reporting.Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For([Roles.Reader]));
        var response = await http.GetAsync("/reports/2018.xlsx");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = SpreadsheetDocument.Open(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), isEditable: false);
        var workbook = document.WorkbookPart!;
        Assert.Equal(["Maßnahmen", "Handlungsfelder", "Bevölkerung"], workbook.Workbook.Sheets!.Elements<Sheet>().Select(s => s.Name!.Value));
        var measures = (WorksheetPart)workbook.GetPartById(workbook.Workbook.Sheets!.Elements<Sheet>().First().Id!);
        var progress = measures.Worksheet.Descendants<Row>().Skip(1).Select(r => r.Elements<Cell>().ElementAt(9)).ToList();
        Assert.NotEmpty(progress);
        Assert.All(progress, c => Assert.Equal(CellValues.Number, c.DataType!.Value));
    }

    [Theory]
    [InlineData(Format.Html)]
    [InlineData(Format.Markdown)]
    [InlineData(Format.Csv)]
    [InlineData(Format.Xlsx)]
    public async Task The_same_snapshot_renders_to_the_same_bytes(Format format)
    {
        Assert.Equal(await RenderAsync("2018", format), await RenderAsync("2018", format));
    }
}
