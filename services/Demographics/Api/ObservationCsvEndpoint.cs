using IntegrationServices.Demographics.Application;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace IntegrationServices.Demographics.Api;

/// <summary>
/// The CSV import over plain HTTP: <c>POST /v1/observations:importCsv</c> with the CSV as the body
/// (format: <see cref="Csv.ObservationCsv"/>), for callers without a gRPC client. Same reader,
/// validation, all-or-nothing rule, limits, role (statistics) and audit record as ImportObservations.
/// 200 <c>{"imported_count": N}</c>; errors are problems (application/problem+json) like every HTTP error,
/// among them 413 for a body over <c>Demographics:MaxCsvBytes</c>.
/// </summary>
public static class ObservationCsvEndpoint
{
    public const string Route = "/v1/observations:importCsv";

    public static IEndpointConventionBuilder MapObservationCsvImport(this IEndpointRouteBuilder app) =>
        app.MapPost(Route, async (HttpContext http, ObservationImport import, IOptions<ImportOptions> options) =>
            {
                // The body is streamed, never held, and may be as large as the import limit allows (Kestrel's
                // own default is 30 MB); past it Kestrel refuses the read, which ends the import with 413.
                if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = options.Value.MaxCsvBytes;
                using var reader = new StreamReader(http.Request.Body, bufferSize: 64 * 1024);
                var count = await import.ImportCsvAsync(reader, WriteContext.Of(http, "POST " + Route), http.RequestAborted);
                return Results.Ok(new { imported_count = count });
            })
            .RequireAuthorization(Policies.Statistics)
            .Accepts<string>("text/csv");
}
