using Grpc.Core;
using IntegrationServices.Demographics.Storage;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.Features;

namespace IntegrationServices.Demographics;

/// <summary>
/// The CSV import over plain HTTP: <c>POST /v1/observations:importCsv</c> with the CSV as the body
/// (format: <see cref="Csv.ObservationCsv"/>), for callers without a gRPC client. Same reader,
/// validation, all-or-nothing rule, role (statistics) and audit record as ImportObservations.
/// 200 <c>{"imported_count": N}</c>; 400 <c>{"message", "field_violations": [{"field", "description"}]}</c>.
/// </summary>
public static class ObservationCsvEndpoint
{
    public const string Route = "/v1/observations:importCsv";

    public static IEndpointConventionBuilder MapObservationCsvImport(this IEndpointRouteBuilder app) =>
        app.MapPost(Route, async (HttpContext http, ObservationImporter importer) =>
            {
                // Files are streamed, never held: no body size limit for this endpoint.
                if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
                try
                {
                    using var reader = new StreamReader(http.Request.Body, bufferSize: 64 * 1024);
                    var count = await importer.ImportCsvAsync(reader, Caller.From(http.User), "POST " + Route, http.RequestAborted);
                    return Results.Ok(new { imported_count = count });
                }
                catch (ServiceException e) when (e.Code == StatusCode.InvalidArgument)
                {
                    return Results.BadRequest(new
                    {
                        message = e.Message,
                        field_violations = e.Violations.Select(v => new { field = v.Field, description = v.Description }),
                    });
                }
            })
            .RequireAuthorization(Policies.Statistics)
            .Accepts<string>("text/csv");
}
