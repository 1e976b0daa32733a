using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace IntegrationServices.ServiceDefaults.Errors;

/// <summary>One bad field of a problem: its path and why.</summary>
public sealed record ProblemViolation(
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("description")] string Description);

/// <summary>
/// An RFC 9457 problem (<c>application/problem+json</c>), the body of every HTTP error of the suite:
/// <c>status</c> as JSON transcoding maps the gRPC code, <c>code</c> the gRPC code's name, <c>reason</c>
/// and <c>domain</c> as in <c>google.rpc.ErrorInfo</c>, <c>field_violations</c> as in <c>google.rpc.BadRequest</c>.
/// </summary>
public sealed record Problem(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("reason"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason,
    [property: JsonPropertyName("domain"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Domain,
    [property: JsonPropertyName("field_violations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ProblemViolation>? FieldViolations);

/// <summary>Builds and writes problems; the gRPC → HTTP status mapping is the one of JSON transcoding (google.api.http).</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.Default };

    public static int HttpStatusOf(StatusCode code) => code switch
    {
        StatusCode.OK => StatusCodes.Status200OK,
        StatusCode.Cancelled => 499,
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => StatusCodes.Status400BadRequest,
        StatusCode.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        StatusCode.NotFound => StatusCodes.Status404NotFound,
        StatusCode.AlreadyExists or StatusCode.Aborted => StatusCodes.Status409Conflict,
        StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
        StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        StatusCode.Unimplemented => StatusCodes.Status501NotImplemented,
        StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The gRPC code an HTTP status stands for, for errors raised below gRPC (routing, authentication, body limits).</summary>
    public static StatusCode GrpcCodeOf(int httpStatus) => httpStatus switch
    {
        StatusCodes.Status400BadRequest or StatusCodes.Status405MethodNotAllowed or StatusCodes.Status415UnsupportedMediaType => StatusCode.InvalidArgument,
        StatusCodes.Status401Unauthorized => StatusCode.Unauthenticated,
        StatusCodes.Status403Forbidden => StatusCode.PermissionDenied,
        StatusCodes.Status404NotFound => StatusCode.NotFound,
        StatusCodes.Status409Conflict => StatusCode.Aborted,
        StatusCodes.Status413PayloadTooLarge or StatusCodes.Status429TooManyRequests => StatusCode.ResourceExhausted,
        StatusCodes.Status501NotImplemented => StatusCode.Unimplemented,
        StatusCodes.Status503ServiceUnavailable => StatusCode.Unavailable,
        StatusCodes.Status504GatewayTimeout => StatusCode.DeadlineExceeded,
        _ => StatusCode.Internal,
    };

    public static Problem Of(ServiceException e, string domain) =>
        Of(HttpStatusOf(e.Code), e.Code, e.Message, e.Reason, domain,
            e.Violations.Count == 0 ? null : e.Violations.Select(v => new ProblemViolation(v.Field, v.Description)).ToList());

    /// <summary>As <see cref="Of(ServiceException, string)"/>; a retryable failure also tells <paramref name="response"/> when to retry (Retry-After).</summary>
    public static Problem Of(ServiceException e, string domain, Microsoft.AspNetCore.Http.HttpResponse response)
    {
        if (e.RetryDelay is { } delay)
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(delay.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Of(e, domain);
    }

    /// <summary>A google.rpc.Status (as JSON transcoding reports a gRPC error) as a problem.</summary>
    public static Problem Of(Google.Rpc.Status status)
    {
        var code = (StatusCode)status.Code;
        var info = status.Details.Where(d => d.Is(ErrorInfo.Descriptor)).Select(d => d.Unpack<ErrorInfo>()).FirstOrDefault();
        var violations = status.Details.Where(d => d.Is(BadRequest.Descriptor))
            .SelectMany(d => d.Unpack<BadRequest>().FieldViolations)
            .Select(v => new ProblemViolation(v.Field, v.Description)).ToList();
        return Of(HttpStatusOf(code), code, status.Message, info?.Reason, info?.Domain, violations.Count == 0 ? null : violations);
    }

    /// <summary>A problem for an HTTP status raised outside any handler (unknown route, missing token, body too large).</summary>
    public static Problem Of(int httpStatus, string detail) => Of(httpStatus, GrpcCodeOf(httpStatus), detail, null, null, null);

    private static Problem Of(int httpStatus, StatusCode code, string detail, string? reason, string? domain, IReadOnlyList<ProblemViolation>? violations) =>
        new("about:blank", ReasonPhrases.GetReasonPhrase(httpStatus) is { Length: > 0 } phrase ? phrase : "Error", httpStatus, detail,
            CodeName(code), reason, domain, violations);

    /// <summary>"INVALID_ARGUMENT" for StatusCode.InvalidArgument (the canonical names of google.rpc.Code).</summary>
    public static string CodeName(StatusCode code) => code switch
    {
        StatusCode.OK => "OK",
        StatusCode.InvalidArgument => "INVALID_ARGUMENT",
        StatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED",
        StatusCode.NotFound => "NOT_FOUND",
        StatusCode.AlreadyExists => "ALREADY_EXISTS",
        StatusCode.PermissionDenied => "PERMISSION_DENIED",
        StatusCode.ResourceExhausted => "RESOURCE_EXHAUSTED",
        StatusCode.FailedPrecondition => "FAILED_PRECONDITION",
        StatusCode.OutOfRange => "OUT_OF_RANGE",
        StatusCode.Unimplemented => "UNIMPLEMENTED",
        StatusCode.DataLoss => "DATA_LOSS",
        _ => code.ToString().ToUpperInvariant(),
    };

    public static async Task WriteAsync(Microsoft.AspNetCore.Http.HttpResponse response, Problem problem)
    {
        response.StatusCode = problem.Status;
        response.ContentType = ContentType;
        response.ContentLength = null;
        await JsonSerializer.SerializeAsync(response.Body, problem, Json, response.HttpContext.RequestAborted);
    }
}
