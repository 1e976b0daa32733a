using System.Globalization;
using System.Net;
using System.Text;
using IntegrationServices.Contracts.Reporting.V1;
using Format = IntegrationServices.Contracts.Reporting.V1.RenderReportRequest.Types.Format;

namespace IntegrationServices.Reporting.Snapshots;

/// <summary>A rendered report: its bytes and their content type.</summary>
public sealed record RenderedReport(byte[] Content, string ContentType);

/// <summary>
/// Renders a snapshot as a report. The full German report (HTML with inline SVG charts, Markdown,
/// CSV) is <c>IntegrationServices.Reporting.Reports.ReportRenderer</c>, wired in at merge with a
/// one-line adapter (same arguments); until then <see cref="BasicReportRenderer"/> stands in.
/// <paramref name="cycle"/> comes redacted (no results of non-public consultations).
/// </summary>
public interface IReportRenderer
{
    RenderedReport Render(Snapshot snapshot, ReportingCycle? cycle, Format format);
}

/// <summary>A minimal stand-in renderer: the measure list as CSV, and a plain table as Markdown/HTML.</summary>
internal sealed class BasicReportRenderer : IReportRenderer
{
    public RenderedReport Render(Snapshot snapshot, ReportingCycle? cycle, Format format)
    {
        var entries = snapshot.Measures?.Entries ?? [];
        var rows = entries.Select(e => new[]
        {
            e.Code, e.Title, e.FieldOfAction.ToString(CultureInfo.InvariantCulture), e.ActionConcept, e.ResponsibleUnit,
            e.Status.ToString(), e.ProgressPercent.ToString(CultureInfo.InvariantCulture),
        }).ToList();
        string[] header = ["Kennung", "Titel", "Handlungsfeld", "Handlungskonzept", "Zuständig", "Stand", "Fortschritt (%)"];
        var reference = snapshot.ReferenceDate;
        var title = $"{cycle?.Title ?? "Bericht zur Integrationsplanung"} – Stichtag {reference?.Day:D2}.{reference?.Month:D2}.{reference?.Year:D4}";
        var text = new StringBuilder();
        switch (format)
        {
            case Format.Csv:
                text.AppendLine(string.Join(',', header.Select(Csv)));
                foreach (var row in rows) text.AppendLine(string.Join(',', row.Select(Csv)));
                return new RenderedReport(Encoding.UTF8.GetBytes(text.ToString()), "text/csv; charset=utf-8");
            case Format.Markdown:
                text.AppendLine($"# {title}").AppendLine();
                text.AppendLine($"Maßnahmen: {snapshot.Measures?.Total ?? 0}").AppendLine();
                text.AppendLine("| " + string.Join(" | ", header) + " |");
                text.AppendLine("|" + string.Concat(header.Select(_ => "---|")));
                foreach (var row in rows) text.AppendLine("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|"))) + " |");
                return new RenderedReport(Encoding.UTF8.GetBytes(text.ToString()), "text/markdown; charset=utf-8");
            default:
                text.Append("<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>")
                    .Append(WebUtility.HtmlEncode(title)).Append("</title></head><body><h1>").Append(WebUtility.HtmlEncode(title))
                    .Append("</h1><table><tr>").Append(string.Concat(header.Select(h => $"<th>{WebUtility.HtmlEncode(h)}</th>"))).Append("</tr>");
                foreach (var row in rows) text.Append("<tr>").Append(string.Concat(row.Select(c => $"<td>{WebUtility.HtmlEncode(c)}</td>"))).Append("</tr>");
                text.Append("</table></body></html>");
                return new RenderedReport(Encoding.UTF8.GetBytes(text.ToString()), "text/html; charset=utf-8");
        }
    }

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}
