using System.IO.Compression;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Domain.Reports;
using Format = IntegrationServices.Contracts.Reporting.V1.RenderReportRequest.Types.Format;

namespace IntegrationServices.Reporting.Core.Tests.Reports;

/// <summary>The XLSX report, opened with the Open XML SDK: German headers, numbers as numbers, dates as dates, same bytes every time.</summary>
public sealed class XlsxReportTests
{
    private static readonly ReportRenderer Renderer = new();

    /// <summary>Every sheet by name: its rows of cells (text, number or null for an empty cell), and the cells' data types.</summary>
    internal static Dictionary<string, List<List<(object? Value, CellValues? Type, uint Style)>>> Open(byte[] content)
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(content), isEditable: false);
        // Valid against the Office schemas, as Excel expects.
        Assert.Empty(new DocumentFormat.OpenXml.Validation.OpenXmlValidator().Validate(document).Select(e => e.Description));
        var workbook = document.WorkbookPart!;
        var result = new Dictionary<string, List<List<(object?, CellValues?, uint)>>>(StringComparer.Ordinal);
        foreach (var sheet in workbook.Workbook.Sheets!.Elements<Sheet>())
        {
            var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
            result[sheet.Name!] = part.Worksheet.GetFirstChild<SheetData>()!.Elements<Row>()
                .Select(row => row.Elements<Cell>().Select(c => (
                    c.DataType?.Value == CellValues.InlineString ? (object?)c.InlineString!.Text!.Text
                    : c.CellValue is { } v ? double.Parse(v.Text, System.Globalization.CultureInfo.InvariantCulture) : null,
                    c.DataType?.Value, c.StyleIndex?.Value ?? 0u)).ToList())
                .ToList();
        }
        return result;
    }

    [Fact]
    public void The_workbook_has_the_three_sheets_with_german_headers_and_real_numbers()
    {
        var snapshot = SampleSnapshot.Build();
        var report = Renderer.Render(snapshot, SampleSnapshot.Cycle(), Format.Xlsx);
        Assert.Equal(("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (report.FileExtension, report.ContentType));

        var sheets = Open(report.Content);
        Assert.Equal(["Maßnahmen", "Handlungsfelder", "Bevölkerung"], sheets.Keys);

        var measures = sheets["Maßnahmen"];
        Assert.Equal(["Nr.", "Maßnahme", "Art", "Übergeordnete Maßnahme", "Handlungsfeld", "Handlungsfeld (Titel)", "Handlungskonzept",
            "Zuständig", "Stand der Umsetzung", "Fortschritt in %", "Fortschritt der Teilmaßnahmen in %", "Stand seit", "Sachstand"],
            measures[0].Select(c => c.Value));
        Assert.Equal(snapshot.Measures.Entries.Count + 1, measures.Count);
        var row = measures[2]; // 1.2, in progress, 60 %, since 30.06.2019
        Assert.Equal(("1.2", SampleSnapshot.CommaQuoteTitle, "in Umsetzung"), (row[0].Value, row[1].Value, row[8].Value));
        Assert.Equal((60.0, CellValues.Number), (row[9].Value, row[9].Type));
        Assert.Equal((1.0, CellValues.Number), (row[4].Value, row[4].Type));
        Assert.Equal(new DateTime(2019, 6, 30).ToOADate(), row[11].Value);
        Assert.Equal(2u, row[11].Style); // the built-in date format
        Assert.Null(row[10].Value); // no sub-measures: empty, not 0

        var fields = sheets["Handlungsfelder"];
        Assert.Equal(["Nr.", "Handlungsfeld", "Maßnahmen", "nicht begonnen", "in Umsetzung", "umgesetzt", "Daueraufgabe", "entfallen"],
            fields[0].Select(c => c.Value));
        var first = fields[1];
        Assert.Equal([1.0, "Bildung und Sprachförderung", 6.0, 1.0, 3.0, 1.0, 1.0, 0.0], first.Select(c => c.Value));
        Assert.All(first.Where(c => c.Value is double), c => Assert.Equal(CellValues.Number, c.Type));
        Assert.Contains(fields, r => r[1].Value is "Alle vom Rat beschlossenen Maßnahmen" && r[2].Value is 14.0);

        var population = sheets["Bevölkerung"];
        Assert.Equal("Anteil mit Migrationshintergrund in %", population[0][4].Value);
        var west = population.Single(r => r[0].Value is "Westliches Ringgebiet");
        Assert.Equal([27350.0, 6012.0, 9845.0], west.Skip(1).Take(3).Select(c => c.Value));
        Assert.Equal((35.996, 3u), ((double)west[4].Value!, west[4].Style)); // the share as computed, shown with one decimal
        Assert.All(west.Skip(1).Take(4), c => Assert.Equal(CellValues.Number, c.Type));
        var stoeckheim = population.Single(r => r[0].Value is "Stöckheim-Leiferde");
        Assert.Null(stoeckheim[2].Value); // missing, not 0
    }

    [Fact]
    public void The_same_snapshot_gives_the_same_bytes_and_no_entry_carries_the_clock()
    {
        var first = Renderer.Render(SampleSnapshot.Build(), SampleSnapshot.Cycle(), Format.Xlsx).Content;
        var second = Renderer.Render(SampleSnapshot.Build(), SampleSnapshot.Cycle(), Format.Xlsx).Content;

        Assert.Equal(first, second);
        using var zip = new ZipArchive(new MemoryStream(first), ZipArchiveMode.Read);
        Assert.All(zip.Entries, e => Assert.Equal(new DateTime(1980, 1, 1), e.LastWriteTime.DateTime));
        Assert.DoesNotContain(zip.Entries, e => e.FullName.Contains("core.xml", StringComparison.Ordinal));
    }
}
