using System.Globalization;
using System.Text;

namespace IntegrationServices.Reporting.Core.Domain.Reports;

/// <summary>
/// The CSV export: a header row and one row per measure of the snapshot, in the snapshot's order.
/// <list type="bullet">
/// <item>RFC 4180: comma-separated, CRLF line ends, a field is quoted when it contains a comma,
/// a double quote, CR or LF (or starts/ends with a space), quotes inside doubled.</item>
/// <item>UTF-8 WITH byte order mark: Excel only recognises UTF-8 (and so shows umlauts such as
/// "Maßnahme" or "Geflüchtete" correctly) when the file starts with the BOM; other tools ignore it.</item>
/// <item>Dates ISO 8601 (yyyy-MM-dd), progress as a plain integer, status as its German label.</item>
/// <item>Text from users that starts with =, +, -, @, tab or CR is prefixed with an apostrophe so
/// that spreadsheet programs do not evaluate it as a formula (CSV injection).</item>
/// </list>
/// </summary>
internal static class CsvReportWriter
{
    public static readonly string[] Columns =
    [
        "snapshot", "cycle", "reference_date", "code", "title", "field_of_action", "field_of_action_title",
        "action_concept", "responsible_unit", "status", "progress_percent", "status_effective_date",
    ];

    public static byte[] Write(ReportModel m)
    {
        var csv = new StringBuilder(8 * 1024);
        AppendRow(csv, Columns);
        var referenceDate = GermanFormat.IsoDate(m.ReferenceDate);
        foreach (var e in m.Measures.Entries)
        {
            AppendRow(csv,
            [
                m.Snapshot.Name,
                m.CycleName,
                referenceDate,
                Text(e.Code),
                Text(e.Title),
                e.FieldOfAction.ToString(CultureInfo.InvariantCulture),
                Text(m.FieldTitle(e.FieldOfAction)),
                Text(e.ActionConcept),
                Text(e.ResponsibleUnit),
                GermanFormat.Status(e.Status),
                e.ProgressPercent.ToString(CultureInfo.InvariantCulture),
                GermanFormat.IsoDate(e.StatusEffectiveDate),
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
            if (i > 0) csv.Append(',');
            csv.Append(Quote(fields[i]));
        }
        csv.Append("\r\n");
    }

    internal static string Quote(string field)
    {
        var needsQuotes = field.AsSpan().IndexOfAny(",\"\r\n") >= 0
            || (field.Length > 0 && (field[0] == ' ' || field[^1] == ' '));
        return needsQuotes ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
    }
}
