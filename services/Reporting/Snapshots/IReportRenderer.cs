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
/// CSV) is <c>IntegrationServices.Reporting.Reports.ReportRenderer</c>; tests may substitute another.
/// The cycle comes redacted (no results of non-public consultations).
/// </summary>
public interface IReportRenderer
{
    RenderedReport Render(Snapshot snapshot, ReportingCycle? cycle, Format format);
}

/// <summary>The lean German report of <see cref="Reports.ReportRenderer"/> behind this interface.</summary>
internal sealed class GermanReportRenderer : IReportRenderer
{
    private readonly Reports.ReportRenderer _renderer = new();

    public RenderedReport Render(Snapshot snapshot, ReportingCycle? cycle, Format format)
    {
        var report = _renderer.Render(snapshot, cycle, format);
        return new RenderedReport(report.Content, report.ContentType);
    }
}
