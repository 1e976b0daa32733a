using System.Globalization;
using System.Text;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Domain.Reports;
using Format = IntegrationServices.Contracts.Reporting.V1.RenderReportRequest.Types.Format;

namespace IntegrationServices.Reporting.Core.Tests.Reports;

public sealed class MarkdownReportTests
{
    private static readonly ReportRenderer Renderer = new();

    private static string Markdown(Snapshot? snapshot = null)
    {
        var report = Renderer.Render(snapshot ?? SampleSnapshot.Build(), SampleSnapshot.Cycle(), Format.Markdown);
        Assert.Equal("text/markdown; charset=utf-8", report.ContentType);
        Assert.Equal("md", report.FileExtension);
        return Encoding.UTF8.GetString(report.Content);
    }

    [Fact]
    public void Markdown_has_the_same_content_and_figures_as_the_html_page()
    {
        var md = Markdown();
        var lines = md.Split('\n');

        Assert.Equal("# Status-Quo-Bericht 2019", lines[0]);
        Assert.Contains("- **Vorlage:** Mitteilung 20-13001", lines);
        Assert.Contains("- **Stichtag:** 31.12.2019", lines);
        Assert.Contains("- **Wissensstand:** 01.04.2020, 00:00 Uhr (MESZ), d. h. Stand Ende des 31.03.2020", lines);
        Assert.Contains("| in Umsetzung | 6 | 42,9 |", lines);
        Assert.Contains("| **Maßnahmen gesamt** | **14** | 100,0 |", lines);
        // Without the discontinued measure (3.3, 0 %): 780 / 13.
        Assert.Contains("Durchschnittlicher Fortschritt: **60,0 %** (Mittel der vom Rat beschlossenen Maßnahmen ohne entfallene Maßnahmen)", lines);
        foreach (var (number, title) in SampleSnapshot.FieldTitles)
        {
            Assert.Contains($"### Handlungsfeld {number}: {title}", lines);
        }
        // Text status bar: 3 of 6 measures in field 1 are in progress → half of 20 blocks.
        Assert.Contains("| in Umsetzung | 3 | 50,0 | ██████████ |", lines);
        Assert.Contains("| 1.2 | Elternbildung, \"Rucksack\"-Programm | actionConcepts/idk | units/50 | in Umsetzung | 60 | 30.06.2019 |", lines);
        Assert.Contains("| 3.3 | Anonymisierte Bewerbungsverfahren | actionConcepts/idk | units/10 | entfallen | 0 | 15.11.2019 |", lines);
        Assert.Contains("| 1.1 | Sprachförderung in Kindertagesstätten ausbauen | in Umsetzung | umgesetzt | 70 → 100 |", lines);
        Assert.Contains("| 8.3 | Ehrenamtskoordination | 8 Geflüchtete in städtischer Unterbringung | nicht begonnen | 0 |", lines);
        Assert.Contains("| Westliches Ringgebiet | Bevölkerung (Einwohner mit Hauptwohnsitz) | 26.900 | 27.350 | +450 |", lines);
        Assert.Contains("| Westliches Ringgebiet | 27.350 | 6.012 | 9.845 | 36,0 | 31.12.2019 |", lines);
        Assert.Contains("| Wabe-Schunter-Beberbach | 21.788 | 1.390 | 2.680 | 12,3 | 31.12.2019 |", lines);
        Assert.Contains("| Stöckheim-Leiferde | 10.344 | – | – | – | 31.12.2019 |", lines);
        Assert.Contains("| **Stadt Braunschweig** | 251.804 | 34.012 | 62.000 | 24,6 | 31.12.2019 |", lines);
        Assert.Contains("- areas/321 Nordstadt (Gebietsstand bis 31.10.2021)", lines);
        Assert.Contains("Prüfsumme des Berichtsinhalts (SHA-256): `" + SampleSnapshot.Sha256 + "`", lines);
        Assert.Contains("Berichtsstand `reportingCycles/2019/snapshot` des Berichtszyklus `reportingCycles/2019`  ", lines);
        Assert.DoesNotContain("Snapshot ", md);
        Assert.DoesNotContain("<svg", md);
        Assert.DoesNotContain("Beispieldaten", md);
        Assert.DoesNotContain("\r", md);
    }

    [Fact]
    public void Markdown_without_previous_report_and_with_example_data()
    {
        var entries = SampleSnapshot.Entries();
        entries[0].Title = "Sprachcafé (Beispiel)";
        var md = Markdown(SampleSnapshot.Build(entries, withPrevious: false));
        Assert.Contains("\nEs liegt kein vorheriger Bericht vor; Veränderungen können daher nicht ausgewiesen werden.\n", md);
        Assert.Contains("\n> **Enthält Beispieldaten.**", md);
    }

    [Fact]
    public void Markdown_escapes_user_text()
    {
        var entries = SampleSnapshot.Entries();
        entries[0].Title = "<script>alert(1)</script> | [Link](http://x) *fett*\nzweite Zeile";
        var md = Markdown(SampleSnapshot.Build(entries));
        Assert.Contains(@"| 1.1 | \<script\>alert(1)\</script\> \| \[Link\](http://x) \*fett\* zweite Zeile | actionConcepts/idk | units/50 | umgesetzt | 100 | 01.09.2019 |", md);
        Assert.DoesNotContain("<script>", md);
    }
}

public sealed class CsvReportTests
{
    private static readonly ReportRenderer Renderer = new();

    /// <summary>A strict RFC 4180 reader (quoted fields, doubled quotes, CRLF records).</summary>
    private static List<string[]> ParseCsv(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        var quoted = false;
        while (i < text.Length)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                if (c == '"') { quoted = false; i++; continue; }
                field.Append(c); i++; continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0: quoted = true; i++; break;
                case '"': throw new FormatException("quote inside an unquoted field at " + i);
                case ';': fields.Add(field.ToString()); field.Clear(); i++; break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    fields.Add(field.ToString()); field.Clear(); records.Add([.. fields]); fields.Clear(); i += 2; break;
                case '\r' or '\n': throw new FormatException("bare line break at " + i);
                default: field.Append(c); i++; break;
            }
        }
        Assert.False(quoted, "unterminated quote");
        Assert.True(field.Length == 0 && fields.Count == 0, "last record must end with CRLF");
        return records;
    }

    [Fact]
    public void Csv_has_a_bom_a_header_and_one_row_per_measure()
    {
        var snapshot = SampleSnapshot.Build();
        var report = Renderer.Render(snapshot, SampleSnapshot.Cycle(), Format.Csv);

        Assert.Equal("text/csv; charset=utf-8", report.ContentType);
        Assert.Equal("csv", report.FileExtension);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, report.Content[..3]);
        var text = new UTF8Encoding(false).GetString(report.Content[3..]);
        var records = ParseCsv(text);

        // German headers, semicolon-separated (German Excel's list separator), titles where the snapshot has them.
        Assert.Equal(
            ["Berichtszyklus", "Stichtag", "Nr.", "Maßnahme", "Art", "Übergeordnete Maßnahme", "Handlungsfeld", "Handlungsfeld (Titel)",
             "Handlungskonzept", "Zuständig", "Stand der Umsetzung", "Fortschritt in %", "Fortschritt der Teilmaßnahmen in %", "Stand seit", "Sachstand"],
            records[0]);
        Assert.Equal(snapshot.Measures.Entries.Count, records.Count - 1);
        Assert.All(records, r => Assert.Equal(15, r.Length));
        Assert.Equal(snapshot.Measures.Entries.Select(e => e.Code), records.Skip(1).Select(r => r[2]));
        Assert.Equal(snapshot.Measures.Entries.Select(e => e.Title), records.Skip(1).Select(r => r[3]));

        Assert.Equal(
            ["Status-Quo-Bericht 2019", "2019-12-31", "1.2", SampleSnapshot.CommaQuoteTitle, "Vom Rat beschlossene Maßnahme", "", "1",
             "Bildung und Sprachförderung", "actionConcepts/idk", "units/50", "in Umsetzung", "60", "", "2019-06-30", ""],
            records[2]);
        Assert.Equal("3.3", records[9][2]);
        Assert.Equal("Interkulturelle Öffnung der Verwaltung", records[9][7]);
        Assert.Equal("entfallen", records[9][10]);
        // A title with a semicolon or quotes is quoted, quotes doubled; a comma needs no quotes any more.
        Assert.Contains(";\"Elternbildung, \"\"Rucksack\"\"-Programm\";", text);
        Assert.Contains(";Dezentrale Unterbringung, Wohnungsakquise;", text);
    }

    [Fact]
    public void Csv_defuses_formulas_in_user_text()
    {
        var entries = SampleSnapshot.Entries();
        entries[0].Title = "=HYPERLINK(\"http://x\";\"klick\")";
        var report = Renderer.Render(SampleSnapshot.Build(entries), SampleSnapshot.Cycle(), Format.Csv);
        var records = ParseCsv(new UTF8Encoding(false).GetString(report.Content[3..]));
        Assert.Equal("'=HYPERLINK(\"http://x\";\"klick\")", records[1][3]);
    }
}

public sealed class RenderContractTests
{
    private static readonly ReportRenderer Renderer = new();

    [Theory]
    [InlineData(Format.Unspecified)]
    [InlineData((Format)99)]
    public void A_format_that_is_not_html_markdown_or_csv_is_refused(Format format)
    {
        // The API refuses such a request before rendering (INVALID_ARGUMENT on "format", see Reporting.Tests);
        // the renderer never produces a report for it.
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Renderer.Render(SampleSnapshot.Build(), SampleSnapshot.Cycle(), format));
        Assert.Equal("format", ex.ParamName);
    }

    [Fact]
    public void Every_file_extension_names_the_format_that_renders_with_it()
    {
        Assert.Equal(["html", "md", "csv", "xlsx"], ReportRenderer.Extensions.Keys);
        foreach (var (extension, format) in ReportRenderer.Extensions)
            Assert.Equal(extension, Renderer.Render(SampleSnapshot.Build(), SampleSnapshot.Cycle(), format).FileExtension);
    }

    [Theory]
    [InlineData(Format.Html)]
    [InlineData(Format.Markdown)]
    [InlineData(Format.Csv)]
    [InlineData(Format.Xlsx)]
    public void Rendering_is_deterministic_and_independent_of_the_machine_culture(Format format)
    {
        var first = Renderer.Render(SampleSnapshot.Build(), SampleSnapshot.Cycle(), format);
        var second = new ReportRenderer().Render(SampleSnapshot.Build(), SampleSnapshot.Cycle(), format);
        Assert.Equal(first.Content, second.Content);

        var culture = CultureInfo.CurrentCulture;
        var uiCulture = CultureInfo.CurrentUICulture;
        try
        {
            foreach (var name in new[] { "en-US", "de-DE", "fr-FR", "ar-SA", "" })
            {
                CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(name);
                Assert.Equal(first.Content, Renderer.Render(SampleSnapshot.Build(), SampleSnapshot.Cycle(), format).Content);
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = uiCulture;
        }
    }

    [Fact]
    public void Different_snapshots_give_different_reports()
    {
        var other = SampleSnapshot.Build();
        other.Measures.Entries[1].ProgressPercent = 65;
        Assert.NotEqual(
            Renderer.Render(SampleSnapshot.Build(), SampleSnapshot.Cycle(), Format.Html).Content,
            Renderer.Render(other, SampleSnapshot.Cycle(), Format.Html).Content);
    }
}
