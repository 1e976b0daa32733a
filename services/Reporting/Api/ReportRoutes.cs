using Grpc.Core;
using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.Reporting.Core.Domain.Reports;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Errors;

namespace IntegrationServices.Reporting.Api;

/// <summary><c>GET /reports/{cycle-id}.html|.md|.csv|.xlsx</c>: the rendered report of a cycle's snapshot, on the HTTP port.</summary>
public static class ReportRoutes
{
    /// <summary>
    /// Anonymous once the cycle's paper is published, otherwise the authorization of RenderReport
    /// (<see cref="ReportAccess"/>). A path without a report (unknown format, id or cycle, no snapshot
    /// yet) is a 404 problem that says why; the caller's path text is not repeated in it.
    /// </summary>
    public static IEndpointRouteBuilder MapReportRoutes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/reports/{cycleId}.{extension}", async (string cycleId, string extension, HttpContext http, ReportApplication reports,
            OParlApplication oparl, CancellationToken ct) =>
        {
            if (await ReportAccess.CheckAsync(http, cycleId, oparl, ct) is { } refused) return refused;
            if (!ReportRenderer.Extensions.TryGetValue(extension, out var format))
                throw NoReport($"There is no report in this format; use {string.Join(", ", ReportRenderer.Extensions.Keys.Select(e => "." + e))}.");
            if (!ResourceIds.IsValid(cycleId))
                throw NoReport($"There is no reporting cycle with this id: ids {ResourceIds.Rule}.");
            var report = await reports.RenderAsync(cycleId, format, ct);
            return Results.Bytes(report.Content, report.ContentType);
        }).AllowAnonymous();
        return app;
    }

    private static ServiceException NoReport(string message) => new(StatusCode.NotFound, "RESOURCE_NOT_FOUND", message);
}
