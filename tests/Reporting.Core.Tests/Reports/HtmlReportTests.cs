using System.Globalization;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.Reporting.Core.Domain.Reports;
using Format = IntegrationServices.Contracts.Reporting.V1.RenderReportRequest.Types.Format;

namespace IntegrationServices.Reporting.Core.Tests.Reports;

public sealed class HtmlReportTests
{
    private static readonly ReportRenderer Renderer = new();

    private static (RenderedReport Report, IDocument Doc) Render(Snapshot? snapshot = null, Cycle? cycle = null)
    {
        var report = Renderer.Render(snapshot ?? SampleSnapshot.Build(), cycle ?? SampleSnapshot.Cycle(), Format.Html);
        var doc = new HtmlParser().ParseDocument(Encoding.UTF8.GetString(report.Content));
        return (report, doc);
    }

    private static string Text(IElement e) => e.TextContent.Trim();

    private static string[] Cells(IElement row) => row.Children.Select(Text).ToArray();

    [Fact]
    public void Page_is_german_utf8_with_title_paper_reference_date_and_knowledge_cutoff()
    {
        var (report, doc) = Render();

        Assert.Equal("text/html; charset=utf-8", report.ContentType);
        Assert.Equal("html", report.FileExtension);
        Assert.Equal("de", doc.DocumentElement.GetAttribute("lang"));
        Assert.NotNull(doc.QuerySelector("meta[charset='utf-8']"));
        Assert.False(report.Content.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }), "HTML has no BOM");
        Assert.Equal("Status-Quo-Bericht 2019", Text(doc.QuerySelector("h1")!));
        Assert.Contains("Stichtag 31.12.2019", doc.Title);
        Assert.Equal("Mitteilung 20-13001", Text(doc.QuerySelector("dd.paper-reference")!));
        Assert.Equal("Bericht zum Stand der Umsetzung der kommunalen Integrationsplanung 2019", Text(doc.QuerySelector("dd.paper-title")!));
        Assert.Equal("50 Fachbereich Soziales und Gesundheit", Text(doc.QuerySelector("dd.paper-direction")!));
        Assert.Equal("15.04.2020", Text(doc.QuerySelector("dd.paper-date")!));
        Assert.Equal("31.12.2019", Text(doc.QuerySelector("dd.reference-date")!));
        // 2020-03-31T22:00Z is midnight in Berlin (summer time): the end of the reporting date.
        Assert.Equal("01.04.2020, 00:00 Uhr (MESZ), d. h. Stand Ende des 31.03.2020", Text(doc.QuerySelector("dd.known-at")!));
    }

    [Fact]
    public void Knowledge_cutoff_in_winter_is_shown_in_MEZ()
    {
        var snapshot = SampleSnapshot.Build();
        snapshot.KnownAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(new DateTimeOffset(2019, 1, 31, 23, 0, 0, TimeSpan.Zero));
        var (_, doc) = Render(snapshot);
        Assert.Equal("01.02.2019, 00:00 Uhr (MEZ), d. h. Stand Ende des 31.01.2019", Text(doc.QuerySelector("dd.known-at")!));
    }

    [Fact]
    public void Summary_counts_every_status_with_german_labels_and_the_average_progress()
    {
        var (_, doc) = Render();
        var rows = doc.QuerySelectorAll("table.summary tbody tr").Select(Cells).ToArray();

        Assert.Equal(
            [
                ["nicht begonnen", "2", "14,3"],
                ["in Umsetzung", "6", "42,9"],
                ["umgesetzt", "2", "14,3"],
                ["Daueraufgabe", "3", "21,4"],
                ["entfallen", "1", "7,1"],
            ],
            rows);
        // The header says "in %": the cells carry numbers only.
        Assert.Equal(["Stand der Umsetzung", "Maßnahmen", "Anteil in %"], Cells(doc.QuerySelector("table.summary thead tr")!));
        Assert.Equal(["Maßnahmen gesamt", "14", "100,0"], Cells(doc.QuerySelector("table.summary tfoot tr")!));
        // Without the discontinued 3.3 (0 %): (100+60+0+100+20+35+100+40+100+50+100+75+0) / 13 = 60.0; and it says so.
        Assert.Equal("Durchschnittlicher Fortschritt: 60,0 % (Mittel der vom Rat beschlossenen Maßnahmen ohne entfallene Maßnahmen)",
            Text(doc.QuerySelector("p.average-progress")!));
    }

    [Fact]
    public void One_status_chart_per_field_with_segments_that_add_up_and_proportional_widths()
    {
        var snapshot = SampleSnapshot.Build();
        var (_, doc) = Render(snapshot);
        var sections = doc.QuerySelectorAll("section.field").ToArray();

        Assert.Equal(["1", "3", "7", "8"], sections.Select(s => s.GetAttribute("data-field") ?? "").ToArray());
        foreach (var section in sections)
        {
            var group = snapshot.Measures.ByFieldOfAction.Single(g => g.Key == section.GetAttribute("data-field"));
            Assert.Equal($"Handlungsfeld {group.Key}: {group.Title}", Text(section.QuerySelector("h3")!));

            var svg = Assert.Single(section.QuerySelectorAll("svg"));
            Assert.Equal("img", svg.GetAttribute("role"));
            var title = svg.Children[0];
            Assert.Equal("title", title.LocalName);
            Assert.Contains(group.Title, title.TextContent);
            Assert.Equal(title.Id, svg.GetAttribute("aria-labelledby"));

            var barWidth = double.Parse(svg.GetAttribute("data-bar-width")!, CultureInfo.InvariantCulture);
            var segments = svg.QuerySelectorAll("rect[data-status]").ToArray();
            var counts = segments.Select(r => int.Parse(r.GetAttribute("data-count")!, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(group.Total, counts.Sum());
            Assert.Equal(group.ByStatus.Count, segments.Length);

            var x = 0.0;
            foreach (var rect in segments)
            {
                var status = Enum.GetValues<MeasureStatus>().Single(s => rect.GetAttribute("data-status") == StatusToken(s));
                var count = int.Parse(rect.GetAttribute("data-count")!, CultureInfo.InvariantCulture);
                Assert.Equal(group.ByStatus.Single(c => c.Status == status).Count, count);
                var width = double.Parse(rect.GetAttribute("width")!, CultureInfo.InvariantCulture);
                Assert.InRange(width / barWidth - (double)count / group.Total, -0.001, 0.001);
                Assert.InRange(double.Parse(rect.GetAttribute("x")!, CultureInfo.InvariantCulture) - x, -0.02, 0.02);
                x += width;
            }
            Assert.InRange(x, barWidth - 0.05, barWidth + 0.05);
            if (group.Key == "1")
            {
                // 1 + 3 + 1 + 1 of 6: the "in Umsetzung" segment is three times as wide as the others.
                Assert.Equal("360", svg.QuerySelector("rect[data-status='IN_PROGRESS']")!.GetAttribute("width"));
                Assert.Equal("120", svg.QuerySelector("rect[data-status='ONGOING']")!.GetAttribute("width"));
            }

            // The legend names all five statuses in German.
            var legend = svg.QuerySelectorAll("text.legend-label").Select(t => t.TextContent).ToArray();
            Assert.Equal(5, legend.Length);
            Assert.Contains(legend, l => l.StartsWith("Daueraufgabe (", StringComparison.Ordinal));
        }
        Assert.Equal(4, doc.QuerySelectorAll("svg.status-chart").Length);
    }

    private static string StatusToken(MeasureStatus s) => s switch
    {
        MeasureStatus.NotStarted => "NOT_STARTED",
        MeasureStatus.InProgress => "IN_PROGRESS",
        MeasureStatus.Implemented => "IMPLEMENTED",
        MeasureStatus.Ongoing => "ONGOING",
        MeasureStatus.Discontinued => "DISCONTINUED",
        _ => "MEASURE_STATUS_UNSPECIFIED",
    };

    [Fact]
    public void Field_tables_list_each_measure_with_code_german_status_progress_and_date()
    {
        var snapshot = SampleSnapshot.Build();
        var (_, doc) = Render(snapshot);
        var german = new Dictionary<MeasureStatus, string>
        {
            [MeasureStatus.NotStarted] = "nicht begonnen",
            [MeasureStatus.InProgress] = "in Umsetzung",
            [MeasureStatus.Implemented] = "umgesetzt",
            [MeasureStatus.Ongoing] = "Daueraufgabe",
            [MeasureStatus.Discontinued] = "entfallen",
        };

        foreach (var section in doc.QuerySelectorAll("section.field"))
        {
            var field = int.Parse(section.GetAttribute("data-field")!, CultureInfo.InvariantCulture);
            var expected = snapshot.Measures.Entries.Where(e => e.FieldOfAction == field)
                .Select(e => new[]
                {
                    e.Code, e.Title, e.ActionConcept, e.ResponsibleUnit, german[e.Status],
                    e.ProgressPercent.ToString(CultureInfo.InvariantCulture),
                    $"{e.StatusEffectiveDate.Day:00}.{e.StatusEffectiveDate.Month:00}.{e.StatusEffectiveDate.Year}",
                })
                .ToArray();
            var rows = section.QuerySelectorAll("table.measures tbody tr").Select(Cells).ToArray();
            Assert.Equal(expected, rows);
        }
        var row = doc.QuerySelector("tr[data-measure='measures/m-1-2']")!;
        Assert.Equal(["1.2", SampleSnapshot.CommaQuoteTitle, "actionConcepts/idk", "units/50", "in Umsetzung", "60", "30.06.2019"], Cells(row));
    }

    [Fact]
    public void Demographics_table_shows_german_numbers_dash_for_missing_values_and_the_city_total()
    {
        var (_, doc) = Render();
        var rows = doc.QuerySelectorAll("table.demographics tbody tr").Select(Cells).ToArray();

        Assert.Equal(
            ["Gebiet", "Bevölkerung (Einwohner mit Hauptwohnsitz)", "Ausländerinnen und Ausländer", "Bevölkerung mit Migrationshintergrund",
             "Anteil mit Migrationshintergrund in %", "Stichtag der Daten"],
            Cells(doc.QuerySelector("table.demographics thead tr")!));
        Assert.Equal(
            [
                ["Westliches Ringgebiet", "27.350", "6.012", "9.845", "36,0", "31.12.2019"],
                ["Wabe-Schunter-Beberbach", "21.788", "1.390", "2.680", "12,3", "31.12.2019"],
                ["Stöckheim-Leiferde", "10.344", "–", "–", "–", "31.12.2019"],
                ["Innenstadt", "23.056", "4.860", "8.020", "34,8", "31.12.2019"],
            ],
            rows);
        Assert.Equal(["Stadt Braunschweig", "251.804", "34.012", "62.000", "24,6", "31.12.2019"],
            Cells(doc.QuerySelector("table.demographics tfoot tr.city")!));
        Assert.Equal("31.12.2019", Text(doc.QuerySelector(".area-set-date")!));
        Assert.Equal(["areas/321 Nordstadt (Gebietsstand bis 31.10.2021)"],
            doc.QuerySelectorAll("ul.unmapped li").Select(Text).ToArray());
    }

    [Fact]
    public void Share_chart_has_a_bar_per_district_with_a_share_and_marks_missing_ones()
    {
        var (_, doc) = Render();
        var svg = Assert.Single(doc.QuerySelectorAll("section#bevoelkerung svg"));
        Assert.Equal("img", svg.GetAttribute("role"));
        Assert.Equal("title", svg.Children[0].LocalName);

        var bars = svg.QuerySelectorAll("rect.share-bar").ToArray();
        Assert.Equal(["areas/11", "areas/12", "areas/14"], bars.Select(b => b.GetAttribute("data-area") ?? "").ToArray());
        var max = double.Parse(svg.GetAttribute("data-max-percent")!, CultureInfo.InvariantCulture);
        var area = double.Parse(svg.GetAttribute("data-bar-area")!, CultureInfo.InvariantCulture);
        foreach (var bar in bars)
        {
            var share = double.Parse(bar.GetAttribute("data-share")!, CultureInfo.InvariantCulture);
            var width = double.Parse(bar.GetAttribute("width")!, CultureInfo.InvariantCulture);
            Assert.InRange(width - share / max * area, -0.01, 0.01);
        }
        Assert.Equal("areas/13", svg.QuerySelector("text.share-missing")!.GetAttribute("data-area"));
        Assert.Contains("12,3 %", svg.QuerySelectorAll("text.share-value").Select(t => t.TextContent));
        Assert.Equal("Stadt gesamt: 24,6 %", svg.QuerySelector("text.city-label")!.TextContent);
    }

    [Fact]
    public void Changes_section_lists_status_changes_new_and_retired_measures_and_indicator_deltas()
    {
        var (_, doc) = Render();
        var section = doc.QuerySelector("section#veraenderungen")!;

        Assert.Null(section.QuerySelector(".no-previous"));
        Assert.Equal("reportingCycles/2018/snapshot", Text(section.QuerySelector("code.base")!));
        Assert.Equal(
            [
                ["1.1", "Sprachförderung in Kindertagesstätten ausbauen", "in Umsetzung", "umgesetzt", "70 → 100"],
                ["3.3", "Anonymisierte Bewerbungsverfahren", "nicht begonnen", "entfallen", "0 → 0"],
            ],
            section.QuerySelectorAll("table.status-changes tbody tr").Select(Cells).ToArray());
        Assert.Equal([["8.3", "Ehrenamtskoordination", "8 Geflüchtete in städtischer Unterbringung", "nicht begonnen", "0"]],
            section.QuerySelectorAll("table.new-measures tbody tr").Select(Cells).ToArray());
        // Field 6 is not in this snapshot: its title comes from the known fields of action.
        Assert.Equal([["6.2", "Interkulturelle Woche", "6 Kultur, Freizeit und Sport", "Daueraufgabe", "100"]],
            section.QuerySelectorAll("table.retired-measures tbody tr").Select(Cells).ToArray());
        Assert.Equal(
            [
                ["Westliches Ringgebiet", "Bevölkerung (Einwohner mit Hauptwohnsitz)", "26.900", "27.350", "+450"],
                ["Stöckheim-Leiferde", "Ausländerinnen und Ausländer", "–", "–", "–"],
                ["Stadt Braunschweig", "Anteil Bevölkerung mit Migrationshintergrund", "23,9 %", "24,6 %", "+0,7 Prozentpunkte"],
            ],
            section.QuerySelectorAll("table.indicator-deltas tbody tr").Select(Cells).ToArray());
    }

    [Fact]
    public void Without_a_previous_snapshot_the_changes_section_says_so()
    {
        var (_, doc) = Render(SampleSnapshot.Build(withPrevious: false));
        var section = doc.QuerySelector("section#veraenderungen")!;
        Assert.Equal("Es liegt kein vorheriger Bericht vor; Veränderungen können daher nicht ausgewiesen werden.",
            Text(section.QuerySelector("p.no-previous")!));
        Assert.Empty(section.QuerySelectorAll("table"));
    }

    [Fact]
    public void User_text_is_escaped_everywhere()
    {
        const string evil = "<script>alert('x')</script> & \"Co\"";
        var entries = SampleSnapshot.Entries();
        entries[0].Title = evil;
        entries[1].Code = "<b>1.2</b>";
        var snapshot = SampleSnapshot.Build(entries);
        snapshot.Demographics.Areas[0].AreaTitle = "<img src=x onerror=alert(1)>";
        snapshot.Changes.StatusChanges[0].Title = evil;
        var cycle = SampleSnapshot.Cycle() with { Title = "</title><script>alert(2)</script>" };
        cycle = cycle with { Paper = cycle.Paper! with { Title = "<iframe src=\"http://evil.example\"></iframe>" } };

        var (report, doc) = Render(snapshot, cycle);

        Assert.Empty(doc.QuerySelectorAll("script, img, iframe, b"));
        Assert.Equal(evil, Text(doc.QuerySelector("tr[data-measure='measures/m-1-1'] td.title")!));
        Assert.Equal("<b>1.2</b>", Text(doc.QuerySelector("tr[data-measure='measures/m-1-2'] td.code")!));
        Assert.Equal("<img src=x onerror=alert(1)>", Text(doc.QuerySelector("table.demographics tbody tr")!.Children[0]));
        Assert.Equal(evil, Text(doc.QuerySelector("table.status-changes td.title")!));
        Assert.Equal("</title><script>alert(2)</script>", Text(doc.QuerySelector("h1")!));
        var raw = Encoding.UTF8.GetString(report.Content);
        Assert.DoesNotContain("<script", raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", raw, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Example_data_notice_is_absent_for_real_titles()
    {
        var (_, doc) = Render();
        Assert.Null(doc.QuerySelector(".example-data"));
        Assert.DoesNotContain("Beispieldaten", doc.Body!.TextContent);
        Assert.False(ReportRenderer.DetectExampleData(SampleSnapshot.Build()));
    }

    public static TheoryData<string> ExampleVariants => new()
    {
        "measure-title", "measure-code", "area-title", "city-title", "unmapped-area", "status-change-title", "delta-area-title",
    };

    [Theory]
    [MemberData(nameof(ExampleVariants))]
    public void Example_data_notice_appears_wherever_a_title_carries_the_beispiel_marker(string variant)
    {
        var entries = SampleSnapshot.Entries();
        if (variant == "measure-title") entries[3].Title = "Beispiel: Sprachcafé im Stadtteiltreff";
        if (variant == "measure-code") entries[3].Code = "BEISPIEL-1";
        var snapshot = SampleSnapshot.Build(entries);
        if (variant == "area-title") snapshot.Demographics.Areas[1].AreaTitle = "Beispielbezirk Nord";
        if (variant == "city-title") snapshot.Demographics.City.AreaTitle = "Stadt (Beispieldaten)";
        if (variant == "unmapped-area") snapshot.Demographics.UnmappedAreas.Add("areas/999 Beispielgebiet");
        if (variant == "status-change-title") snapshot.Changes.StatusChanges[1].Title = "Anonymisierte Bewerbungsverfahren (Beispiel)";
        if (variant == "delta-area-title") snapshot.Changes.IndicatorDeltas[0].AreaTitle = "Westliches Ringgebiet (Beispiel)";

        var (_, doc) = Render(snapshot);

        var notice = doc.QuerySelector("div.notice.example-data")!;
        Assert.NotNull(notice);
        Assert.Equal("note", notice.GetAttribute("role"));
        Assert.StartsWith("Enthält Beispieldaten", Text(notice));
        // Prominent: before the summary.
        Assert.True(notice.CompareDocumentPosition(doc.QuerySelector("#zusammenfassung")!).HasFlag(DocumentPositions.Following));
        Assert.True(ReportRenderer.DetectExampleData(snapshot));
    }

    [Fact]
    public void Page_is_self_contained()
    {
        var (report, doc) = Render();
        var raw = Encoding.UTF8.GetString(report.Content);

        Assert.Empty(doc.QuerySelectorAll("script, link, img, iframe, object, embed, video, audio, source, base"));
        Assert.Empty(doc.QuerySelectorAll("[src]"));
        foreach (var element in doc.QuerySelectorAll("[href]"))
        {
            Assert.StartsWith("#", element.GetAttribute("href"));
            Assert.NotNull(doc.GetElementById(element.GetAttribute("href")![1..]));
        }
        Assert.DoesNotContain("http://", raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@font-face", raw, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("default-src 'none'", doc.QuerySelector("meta[http-equiv='Content-Security-Policy']")!.GetAttribute("content"));
        var css = doc.QuerySelector("head style")!.TextContent;
        Assert.Contains("@media print", css);
        Assert.Contains("size: A4", css);
    }

    [Fact]
    public void Footer_carries_the_content_hash_and_the_snapshot_name()
    {
        var (_, doc) = Render();
        var footer = doc.QuerySelector("footer")!;
        Assert.Equal(SampleSnapshot.Sha256, Text(footer.QuerySelector("code.content-sha256")!));
        Assert.Equal("reportingCycles/2019/snapshot", Text(footer.QuerySelector("code.snapshot-name")!));
        Assert.Equal("reportingCycles/2019", Text(footer.QuerySelector("code.cycle-name")!));
    }

    [Fact]
    public void Missing_cycle_and_empty_snapshot_still_render()
    {
        var empty = new Snapshot { Name = "reportingCycles/x/snapshot" };
        var report = Renderer.Render(empty, null, Format.Html);
        var doc = new HtmlParser().ParseDocument(Encoding.UTF8.GetString(report.Content));
        Assert.Equal("Bericht zum Stand der Umsetzung der kommunalen Integrationsplanung", Text(doc.QuerySelector("h1")!));
        Assert.Equal("–", Text(doc.QuerySelector("dd.reference-date")!));
        Assert.Empty(doc.QuerySelectorAll("section.field"));
        Assert.NotNull(doc.QuerySelector("p.no-previous"));
        Assert.Equal(["Maßnahmen gesamt", "0", "–"], Cells(doc.QuerySelector("table.summary tfoot tr")!));
        Assert.NotEmpty(Renderer.Render(empty, null, Format.Markdown).Content);
        Assert.NotEmpty(Renderer.Render(empty, null, Format.Csv).Content);
    }

    [Fact]
    public void A_field_without_a_group_title_gets_its_known_title_and_counts_from_the_entries()
    {
        var snapshot = SampleSnapshot.Build();
        snapshot.Measures.ByFieldOfAction.Remove(snapshot.Measures.ByFieldOfAction.Single(g => g.Key == "7"));
        var (_, doc) = Render(snapshot);
        var section = doc.QuerySelector("section.field[data-field='7']")!;
        Assert.Equal("Handlungsfeld 7: Wohnen und Zusammenleben im Quartier", Text(section.QuerySelector("h3")!));
        Assert.Equal(2, section.QuerySelectorAll("svg rect[data-status]").Sum(r => int.Parse(r.GetAttribute("data-count")!, CultureInfo.InvariantCulture)));
    }
}
