using System.Globalization;
using System.Text;

namespace IntegrationServices.Reporting.Core.Domain.Reports;

/// <summary>
/// The CSV export for spreadsheet users: a header row and one row per measure of the snapshot, in the
/// snapshot's order, with titles rather than resource names.
/// <list type="bullet">
/// <item>Semicolon-separated, the list separator of German Excel: a comma-separated file opens there in
/// one column. Quoting as RFC 4180 (a field with a semicolon, a double quote, CR or LF, or a leading or
/// trailing space is quoted, quotes inside doubled), CRLF line ends.</item>
/// <item>UTF-8 WITH byte order mark: Excel only recognises UTF-8 (and so shows umlauts such as
/// "Maßnahme" or "Geflüchtete" correctly) when the file starts with the BOM; other tools ignore it.</item>
/// <item>Dates ISO 8601 (yyyy-MM-dd, which German Excel reads as dates), progress as a plain integer,
/// the roll-up with a decimal comma, status as its German label.</item>
/// <item>Text from users that starts with =, +, -, @, tab or CR is prefixed with an apostrophe so
/// that spreadsheet programs do not evaluate it as a formula (CSV injection).</item>
/// </list>
/// </summary>
internal static class CsvReportWriter
{
    public const char Separator = ';';

    public static readonly string[] Columns =
    [
        "Berichtszyklus", "Stichtag", "Nr.", "Maßnahme", "Art", "Übergeordnete Maßnahme", "Handlungsfeld", "Handlungsfeld (Titel)",
        "Handlungskonzept", "Zuständig", "Stand der Umsetzung", "Fortschritt in %", "Fortschritt der Teilmaßnahmen in %", "Stand seit", "Sachstand",
    ];

    public static byte[] Write(ReportModel m)
    {
        var csv = new StringBuilder(8 * 1024);
        AppendRow(csv, Columns);
        var referenceDate = GermanFormat.IsoDate(m.ReferenceDate);
        var codes = m.Measures.Entries.ToDictionary(e => e.Name, e => e.Code, StringComparer.Ordinal);
        foreach (var e in m.Measures.Entries)
        {
            AppendRow(csv,
            [
                Text(m.Title),
                referenceDate,
                Text(e.Code),
                Text(e.Title),
                GermanFormat.Kind(e.Kind),
                Text(e.Parent.Length == 0 ? "" : codes.GetValueOrDefault(e.Parent, e.Parent)),
                e.FieldOfAction.ToString(CultureInfo.InvariantCulture),
                Text(m.FieldTitle(e.FieldOfAction)),
                Text(e.ActionConceptTitle.Length > 0 ? e.ActionConceptTitle : e.ActionConcept),
                Text(e.ResponsibleUnitTitle.Length > 0 ? e.ResponsibleUnitTitle : e.ResponsibleUnit),
                GermanFormat.Status(e.Status),
                e.ProgressPercent.ToString(CultureInfo.InvariantCulture),
                e.HasRollupProgressPercent ? GermanFormat.Decimal(e.RollupProgressPercent) : "",
                GermanFormat.IsoDate(e.StatusEffectiveDate),
                Text(e.StatusNote),
            ]);
        }
        // The BOM makes Excel read the file as UTF-8 (umlauts); RFC 4180 readers skip it.
        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: true).GetPreamble()
            .Concat(new UTF8Encoding(false).GetBytes(csv.ToString()))
            .ToArray();
    }

    /// <summary>Defuses text that a spreadsheet would take for a formula.</summary>
    internal static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        return value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
    }

    private static void AppendRow(StringBuilder csv, string[] fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0) csv.Append(Separator);
            csv.Append(Quote(fields[i]));
        }
        csv.Append("\r\n");
    }

    internal static string Quote(string field)
    {
        var needsQuotes = field.AsSpan().IndexOfAny(";\"\r\n") >= 0
            || (field.Length > 0 && (field[0] == ' ' || field[^1] == ' '));
        return needsQuotes ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
    }
}
