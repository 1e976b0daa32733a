using System.Globalization;
using System.IO.Compression;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using IntegrationServices.Contracts.Reporting.V1;

namespace IntegrationServices.Reporting.Core.Domain.Reports;

/// <summary>
/// The XLSX report (Open XML SDK): sheets "Maßnahmen", "Handlungsfelder" and "Bevölkerung" with German
/// headers; counts, percentages and progress are numeric cells, dates are date cells (serial numbers
/// with the built-in date format), text is inline. Deterministic like the other formats: the parts
/// carry fixed relationship ids, no document properties are written (no creation time), and the ZIP
/// container, whose entry times System.IO.Packaging sets to the clock, is copied with every entry stamped
/// with one fixed time, so the same snapshot gives the same bytes.
/// </summary>
internal static class XlsxReportWriter
{
    public const string MeasuresSheet = "Maßnahmen", FieldsSheet = "Handlungsfelder", PopulationSheet = "Bevölkerung";

    /// <summary>Style indexes of <see cref="Styles"/>.</summary>
    private const uint Header = 1, DateStyle = 2, OneDecimal = 3;

    /// <summary>The time every ZIP entry carries (the earliest a ZIP can say).</summary>
    private static readonly DateTimeOffset EntryTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A cell: text, a number (with a style), a date, or empty.</summary>
    private readonly record struct Value(string? Text, double? Number, uint Style = 0)
    {
        public static Value Of(string? text) => new(text ?? "", null);
        public static Value Of(double? number, uint style = 0) => new(null, number, style);
        public static Value Of(Google.Type.Date? date) =>
            GermanFormat.ToDate(date) is { } d ? new(null, d.ToDateTime(TimeOnly.MinValue).ToOADate(), DateStyle) : new(null, null);
    }

    public static byte[] Write(ReportModel m)
    {
        using var raw = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(raw, SpreadsheetDocumentType.Workbook))
        {
            // Fixed relationship ids: the SDK would make up random ones.
            var workbook = document.AddNewPart<WorkbookPart>("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "rIdWorkbook");
            workbook.Workbook = new Workbook(new Sheets());
            workbook.AddNewPart<WorkbookStylesPart>("rIdStyles").Stylesheet = Styles();
            var sheets = workbook.Workbook.Sheets!;
            AddSheet(workbook, sheets, 1, MeasuresSheet, MeasureRows(m));
            AddSheet(workbook, sheets, 2, FieldsSheet, FieldRows(m));
            AddSheet(workbook, sheets, 3, PopulationSheet, PopulationRows(m));
        }
        return Restamped(raw.ToArray());
    }

    private static IEnumerable<Value[]> MeasureRows(ReportModel m)
    {
        yield return Headers("Nr.", "Maßnahme", "Art", "Übergeordnete Maßnahme", "Handlungsfeld", "Handlungsfeld (Titel)", "Handlungskonzept",
            "Zuständig", "Stand der Umsetzung", "Fortschritt in %", "Fortschritt der Teilmaßnahmen in %", "Stand seit", "Sachstand");
        var codes = m.Measures.Entries.ToDictionary(e => e.Name, e => e.Code, StringComparer.Ordinal);
        foreach (var e in m.Measures.Entries)
            yield return
            [
                Value.Of(e.Code), Value.Of(e.Title), Value.Of(GermanFormat.Kind(e.Kind)),
                Value.Of(e.Parent.Length == 0 ? "" : codes.GetValueOrDefault(e.Parent, e.Parent)),
                Value.Of(e.FieldOfAction), Value.Of(m.FieldTitle(e.FieldOfAction)),
                Value.Of(e.ActionConceptTitle.Length > 0 ? e.ActionConceptTitle : e.ActionConcept),
                Value.Of(e.ResponsibleUnitTitle.Length > 0 ? e.ResponsibleUnitTitle : e.ResponsibleUnit),
                Value.Of(GermanFormat.Status(e.Status)), Value.Of(e.ProgressPercent),
                Value.Of(e.HasRollupProgressPercent ? e.RollupProgressPercent : null, OneDecimal),
                Value.Of(e.StatusEffectiveDate), Value.Of(e.StatusNote),
            ];
    }

    private static IEnumerable<Value[]> FieldRows(ReportModel m)
    {
        var statuses = ReportModel.AllStatuses([]).Select(t => t.Status).ToList();
        yield return Headers(["Nr.", "Handlungsfeld", "Maßnahmen", .. statuses.Select(GermanFormat.Status)]);
        foreach (var f in m.Fields)
            yield return
            [
                Value.Of(f.Number), Value.Of(f.Title), Value.Of(f.Total),
                .. statuses.Select(s => Value.Of(f.Tallies.FirstOrDefault(t => t.Status == s)?.Count ?? 0)),
            ];
        yield return
        [
            Value.Of((double?)null), Value.Of("Alle vom Rat beschlossenen Maßnahmen"), Value.Of(m.Total),
            .. statuses.Select(s => Value.Of(m.StatusTallies.FirstOrDefault(t => t.Status == s)?.Count ?? 0)),
        ];
        yield return [Value.Of((double?)null), Value.Of("Weitere Aktivitäten (nicht enthalten)"), Value.Of(m.FurtherActivities.Count)];
        yield return [Value.Of((double?)null), Value.Of("Durchschnittlicher Fortschritt in % (" + HtmlReportWriter.AverageNote + ")"), Value.Of(m.AverageProgressPercent, OneDecimal)];
    }

    private static IEnumerable<Value[]> PopulationRows(ReportModel m)
    {
        var figures = SnapshotContent.Indicators;
        yield return Headers(["Gebiet", .. figures.Take(3).Select(m.IndicatorTitle), "Anteil mit Migrationshintergrund in %",
            "Stichtag der Daten", "Beispieldaten in", "Geschätzt oder vorläufig in"]);
        var d = m.Demographics;
        foreach (var a in d.Areas.Append(d.City).OfType<DemographicsAreaSummary>())
            yield return
            [
                Value.Of(a.AreaTitle.Length > 0 ? a.AreaTitle : a.Area),
                Value.Of(a.HasPopulationTotal ? a.PopulationTotal : null),
                Value.Of(a.HasForeignNationals ? a.ForeignNationals : null),
                Value.Of(a.HasPopulationWithMigrationBackground ? a.PopulationWithMigrationBackground : null),
                Value.Of(a.HasMigrationBackgroundSharePercent ? a.MigrationBackgroundSharePercent : null, OneDecimal),
                Value.Of(a.ReferenceDate),
                Value.Of(string.Join(", ", a.ExampleFigures.Select(m.IndicatorTitle))),
                Value.Of(string.Join(", ", a.EstimatedFigures.Select(m.IndicatorTitle))),
            ];
        if (d.RefugeesInMunicipalHousing is { } refugees)
            yield return
            [
                Value.Of(m.IndicatorTitle("refugees_in_municipal_housing") + " (Stadt, Summe der Wohnstandorte)"), Value.Of(refugees.Value),
                Value.Of((double?)null), Value.Of((double?)null), Value.Of((double?)null), Value.Of(refugees.ReferenceDate),
                Value.Of(refugees.Example ? "ja" : ""), Value.Of(refugees.Estimated ? "ja" : ""),
            ];
    }

    private static Value[] Headers(params IEnumerable<string> titles) => titles.Select(t => new Value(t, null, Header)).ToArray();

    private static void AddSheet(WorkbookPart workbook, Sheets sheets, uint number, string name, IEnumerable<Value[]> rows)
    {
        var relationship = "rIdSheet" + number.ToString(CultureInfo.InvariantCulture);
        var part = workbook.AddNewPart<WorksheetPart>(relationship);
        var data = new SheetData();
        var rowIndex = 0u;
        foreach (var values in rows)
        {
            rowIndex++;
            var row = new Row { RowIndex = rowIndex };
            for (var column = 0; column < values.Length; column++)
            {
                var reference = ColumnName(column) + rowIndex.ToString(CultureInfo.InvariantCulture);
                row.Append(Cell(values[column], reference));
            }
            data.Append(row);
        }
        part.Worksheet = new Worksheet(new SheetViews(new SheetView(new Pane
        {
            VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen,
        }) { WorkbookViewId = 0 }), data);
        sheets.Append(new Sheet { Id = relationship, SheetId = number, Name = name });
    }

    private static Cell Cell(Value value, string reference)
    {
        var cell = new Cell { CellReference = reference };
        if (value.Style != 0) cell.StyleIndex = value.Style;
        if (value.Number is { } number && double.IsFinite(number))
        {
            cell.DataType = CellValues.Number;
            cell.CellValue = new CellValue(number);
        }
        else if (value.Text is { Length: > 0 } text)
        {
            cell.DataType = CellValues.InlineString;
            cell.InlineString = new InlineString(new Text(text) { Space = SpaceProcessingModeValues.Preserve });
        }
        return cell;
    }

    /// <summary>0 → "A", 25 → "Z", 26 → "AA".</summary>
    private static string ColumnName(int index) => index < 26 ? ((char)('A' + index)).ToString() : ColumnName(index / 26 - 1) + (char)('A' + index % 26);

    /// <summary>Default, bold header, date (built-in format 14), one decimal.</summary>
    private static Stylesheet Styles() => new(
        new NumberingFormats(new NumberingFormat { NumberFormatId = 164, FormatCode = "0.0" }) { Count = 1 },
        new Fonts(new Font(), new Font(new Bold())) { Count = 2 },
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
        new Borders(new Border()) { Count = 1 },
        new CellFormats(
            new CellFormat(),
            new CellFormat { FontId = 1, ApplyFont = true },
            new CellFormat { NumberFormatId = 14, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true }) { Count = 4 });

    /// <summary>The package's entries in their order, each with <see cref="EntryTime"/>: the bytes no longer depend on the clock.</summary>
    private static byte[] Restamped(byte[] package)
    {
        using var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(package), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                var copy = target.CreateEntry(entry.FullName, CompressionLevel.Optimal);
                copy.LastWriteTime = EntryTime;
                using var from = entry.Open();
                using var to = copy.Open();
                from.CopyTo(to);
            }
        }
        return output.ToArray();
    }
}
