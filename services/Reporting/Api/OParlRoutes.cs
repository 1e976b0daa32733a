using System.Globalization;
using System.Text.Json.Nodes;
using Grpc.Core;
using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.Reporting.Core.Domain.OParl;
using IntegrationServices.ServiceDefaults.Errors;
using Microsoft.Extensions.Options;

namespace IntegrationServices.Reporting.Api;

/// <summary>
/// OParl 1.1 over HTTP, read-only and anonymous, under the path of <c>OParl:BaseUrl</c>: System →
/// bodies → Body → its external lists (papers, meetings, organizations, people; <c>?page=N</c>) → every
/// object by its id. Only published papers (<see cref="OParlPublication"/>) and what they reference;
/// a non-public session's result never (the exporter leaves it out). Not mapped at all when
/// <c>OParl:Enabled</c> is false, so every path answers 404.
/// </summary>
public static class OParlRoutes
{
    public static IEndpointRouteBuilder MapOParlRoutes(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<OParlOptions>>().Value;
        if (!options.Enabled) return app;
        var ids = app.ServiceProvider.GetRequiredService<OParlExporter>().Ids;
        var group = app.MapGroup(ids.BasePath).AllowAnonymous();

        group.MapGet("/system", (OParlApplication oparl) => Json(oparl.WithoutPapers.System));
        group.MapGet("/bodies", (HttpRequest request, OParlApplication oparl) => Json(oparl.WithoutPapers.Bodies(PageOf(request)) ?? throw NoPage()));
        group.MapGet("/bodies/{body}", (string body, OParlApplication oparl) => body == options.BodyId ? Json(oparl.WithoutPapers.Body) : throw NotFound());
        group.MapGet("/bodies/{body}/{list}", async (string body, string list, HttpRequest request, OParlApplication oparl, CancellationToken ct) =>
        {
            if (body != options.BodyId || !OParlDirectory.IsList(list)) throw NotFound();
            var page = PageOf(request);
            return Json((await oparl.DirectoryAsync(ct)).List(list, page) ?? throw NoPage());
        });

        // Objects of one paper: only that cycle is read. Organizations may be named by any paper.
        group.MapGet("/papers/{id}", (string id, OParlApplication oparl, CancellationToken ct) => OfCycleAsync(oparl, id, ids.Paper(id), ct));
        group.MapGet("/files/{cycleId}.{extension}", (string cycleId, string extension, OParlApplication oparl, CancellationToken ct) =>
            OfCycleAsync(oparl, cycleId, ids.File(cycleId, extension), ct));
        foreach (var (path, idOf) in new (string, Func<string, int, string>)[]
                 {
                     ("consultations", ids.Consultation), ("meetings", ids.Meeting), ("agendaItems", ids.AgendaItem),
                 })
            group.MapGet($"/{path}/{{key}}", (string key, OParlApplication oparl, CancellationToken ct) =>
                OParlIds.TryParseKey(key, out var cycleId, out var order) ? OfCycleAsync(oparl, cycleId, idOf(cycleId, order), ct) : throw NotFound());
        group.MapGet("/organizations/{slug}", async (string slug, OParlApplication oparl, CancellationToken ct) =>
            Json((await oparl.DirectoryAsync(ct)).Find(ids.Organization(slug)) ?? throw NotFound()));
        return app;
    }

    private static async Task<IResult> OfCycleAsync(OParlApplication oparl, string cycleId, string id, CancellationToken ct) =>
        Json((await oparl.DirectoryOfAsync(cycleId, ct)).Find(id) ?? throw NotFound());

    private static IResult Json(JsonObject o) => Results.Text(o.ToJsonString(OParlExporter.Json), "application/json; charset=utf-8");

    /// <summary><c>?page=N</c>: 1 when absent; anything but one positive integer is a 400 naming the parameter.</summary>
    private static int PageOf(HttpRequest request)
    {
        var values = request.Query["page"];
        if (values.Count == 0) return 1;
        if (values.Count == 1 && int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page >= 1) return page;
        throw ServiceException.Invalid("page", "must be one page number from 1 on");
    }

    // Neither answer repeats the caller's path: it is not needed to understand the error.
    private static ServiceException NotFound() => new(StatusCode.NotFound, "RESOURCE_NOT_FOUND", "There is no public OParl object at this URL.");

    private static ServiceException NoPage() => new(StatusCode.NotFound, "RESOURCE_NOT_FOUND", "This list has no such page; follow the list's links.");
}
