using IntegrationServices.Contracts.Reporting.V1;
using Format = IntegrationServices.Contracts.Reporting.V1.RenderReportRequest.Types.Format;

namespace IntegrationServices.Reporting.Core.Domain.Reports;

/// <summary>
/// A rendered report: the bytes, the HTTP/gRPC content type (e.g. "text/html; charset=utf-8") and the
/// file extension without dot ("html", "md", "csv") of <c>GET /reports/{cycle-id}.{ext}</c>.
/// </summary>
public sealed record RenderedReport(byte[] Content, string ContentType, string FileExtension);

/// <summary>
/// Turns a snapshot (plus its reporting cycle) into the lean, regular report the council asked for
/// (Mitteilung 18-08576: "eine schlankere aber regelmäßige Berichterstattung"): German text, one
/// self-contained HTML page with inline SVG charts, or the same content as Markdown, or one CSV row
/// per measure, or a workbook with sheets for measures, fields of action and population (XLSX).
/// <para>
/// Pure and deterministic: no clock, no I/O, no machine culture — the same snapshot and cycle give
/// byte-identical output, so a printed report can be checked against the snapshot's
/// <c>content_sha256</c> shown in its footer. Stateless and thread-safe.
/// </para>
/// </summary>
public sealed class ReportRenderer
{
    /// <summary>The word that marks made-up demo data in titles ("Beispieldaten", "(Beispiel)"): what a version-1 snapshot is judged by.</summary>
    public const string ExampleMarker = "Beispiel";

    /// <summary>The formats by file extension, as <c>GET /reports/{cycle-id}.{ext}</c> names them.</summary>
    public static readonly IReadOnlyDictionary<string, Format> Extensions = new Dictionary<string, Format>(StringComparer.Ordinal)
    {
        ["html"] = Format.Html,
        ["md"] = Format.Markdown,
        ["csv"] = Format.Csv,
        ["xlsx"] = Format.Xlsx,
    };

    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>
    /// Renders <paramref name="snapshot"/> in <paramref name="format"/>. The notice "Enthält
    /// Beispieldaten" is shown when <see cref="DetectExampleData"/> finds the marker.
    /// </summary>
    /// <param name="snapshot">The frozen snapshot (measures, demographics, changes).</param>
    /// <param name="cycle">Its reporting cycle (title, council paper). May be null when not available:
    /// the report then uses a default title and leaves the paper out.</param>
    /// <param name="format">HTML, MARKDOWN, CSV or XLSX (one of <see cref="Extensions"/>).</param>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static",
        Justification = "ReportRenderer is an injected service (ReportingCoreExtensions); callers hold an instance.")]
    public RenderedReport Render(Snapshot snapshot, Cycle? cycle, Format format)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var model = ReportModel.Build(snapshot, cycle);
        return format switch
        {
            Format.Html => new RenderedReport(HtmlReportWriter.Write(model), "text/html; charset=utf-8", "html"),
            Format.Markdown => new RenderedReport(MarkdownReportWriter.Write(model), "text/markdown; charset=utf-8", "md"),
            Format.Csv => new RenderedReport(CsvReportWriter.Write(model), "text/csv; charset=utf-8", "csv"),
            Format.Xlsx => new RenderedReport(XlsxReportWriter.Write(model), XlsxContentType, "xlsx"),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "A report is rendered as HTML, MARKDOWN, CSV or XLSX."),
        };
    }

    /// <summary>
    /// From content version 2 on: true when the data say a figure is a made-up example (an area's
    /// example_figures, the refugee-housing figure's example flag). A version-1 snapshot carries no such
    /// flags; for it the marker "Beispiel" (case-insensitive) in a measure's code or title, or in an
    /// area's title, is all there is to go by.
    /// </summary>
    public static bool DetectExampleData(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var demographics = snapshot.Demographics ?? new SnapshotDemographics();
        if (SnapshotContent.VersionOf(snapshot) >= SnapshotRulesV2.Version)
            return demographics.Areas.Append(demographics.City).OfType<DemographicsAreaSummary>().Any(a => a.ExampleFigures.Count > 0)
                || demographics.RefugeesInMunicipalHousing?.Example == true;

        static bool Marked(string? text) =>
            !string.IsNullOrEmpty(text) && text.Contains(ExampleMarker, StringComparison.OrdinalIgnoreCase);
        var measures = snapshot.Measures?.Entries ?? [];
        var changes = snapshot.Changes ?? new SnapshotChanges();
        return measures.Concat(changes.NewMeasures).Concat(changes.RetiredMeasures).Any(e => Marked(e.Title) || Marked(e.Code))
            || changes.StatusChanges.Any(c => Marked(c.Title) || Marked(c.Code))
            || changes.IndicatorDeltas.Any(d => Marked(d.AreaTitle))
            || demographics.Areas.Any(a => Marked(a.AreaTitle))
            || Marked(demographics.City?.AreaTitle)
            || demographics.UnmappedAreas.Any(Marked);
    }
}
