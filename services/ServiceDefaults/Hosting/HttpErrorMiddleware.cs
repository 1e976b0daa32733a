using Google.Protobuf;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IntegrationServices.ServiceDefaults.Hosting;

/// <summary>
/// The HTTP side of the error model, on every port: every response carries
/// <c>X-Content-Type-Options: nosniff</c>, and every HTTP error is an RFC 9457 problem
/// (<c>application/problem+json</c>) — the google.rpc.Status JSON of transcoded calls is rewritten into
/// one, a <see cref="ServiceException"/> from an HTTP endpoint (or a busy database, see <see cref="DatabaseBusy"/>)
/// becomes one with the same status mapping, an
/// error status without a body (missing token, body too large) gets one, a path no route matches is a 404 problem, and anything
/// unexpected is a 500 problem with a correlation id that also stands in the log. gRPC calls pass through.
/// </summary>
public sealed partial class HttpErrorMiddleware(RequestDelegate next, ServiceIdentity service, ILogger<HttpErrorMiddleware> logger)
{
    private static readonly JsonParser StatusParser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true)
        .WithTypeRegistry(Google.Protobuf.Reflection.TypeRegistry.FromFiles(Google.Rpc.ErrorDetailsReflection.Descriptor)));

    public async Task InvokeAsync(HttpContext http)
    {
        http.Response.OnStarting(static state =>
        {
            ((HttpResponse)state).Headers.XContentTypeOptions = "nosniff";
            return Task.CompletedTask;
        }, http.Response);
        if (http.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
        {
            await next(http);
            return;
        }

        if (http.GetEndpoint() is null)
        {
            // No route matches: say so, rather than let the fallback authorization policy answer 401/403.
            await Problems.WriteAsync(http.Response, Problems.Of(StatusCodes.Status404NotFound, DetailOf404));
            return;
        }

        var body = http.Response.Body;
        var capture = new ErrorCapturingStream(http.Response, body);
        http.Response.Body = capture;
        try
        {
            await next(http);
        }
        catch (Exception e) when (!http.Response.HasStarted && !(e is OperationCanceledException && http.RequestAborted.IsCancellationRequested))
        {
            http.Response.Body = body;
            http.Response.Clear();
            await Problems.WriteAsync(http.Response, ProblemOf(e, http));
            return;
        }
        finally
        {
            http.Response.Body = body;
        }

        if (capture.Captured is { } captured)
        {
            await Problems.WriteAsync(http.Response, FromTranscodedStatus(captured.ToArray(), http.Response));
        }
        else if (http.Response.StatusCode >= 400 && !http.Response.HasStarted)
        {
            await Problems.WriteAsync(http.Response, Problems.Of(http.Response.StatusCode, DetailOf(http)));
        }
    }

    private Problem ProblemOf(Exception e, HttpContext http)
    {
        switch (e)
        {
            case ServiceException se:
                LogRefused(logger, http.Request.Method, http.Request.Path, se.Code, se.Reason, se.Message);
                return Problems.Of(se, service.ErrorDomain, http.Response);
            case var _ when DatabaseBusy.Of(e) is { } busy:
                LogBusy(logger, http.Request.Method, http.Request.Path, busy.Code, busy.Reason, e.Message);
                return Problems.Of(busy, service.ErrorDomain, http.Response);
            case BadHttpRequestException bad:
                return Problems.Of(bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? "The request body is larger than this endpoint accepts."
                    : "The request could not be read: " + bad.Message);
            default:
                var correlationId = Guid.NewGuid().ToString("N");
                LogFailed(logger, e, http.Request.Method, http.Request.Path, correlationId);
                return Problems.Of(StatusCodes.Status500InternalServerError, $"An internal error occurred; quote correlation id {correlationId} to the operators.");
        }
    }

    private static Problem FromTranscodedStatus(byte[] json, HttpResponse response)
    {
        var httpStatus = response.StatusCode;
        try
        {
            var status = StatusParser.Parse<Google.Rpc.Status>(System.Text.Encoding.UTF8.GetString(json));
            if (status.Details.FirstOrDefault(d => d.Is(Google.Rpc.RetryInfo.Descriptor))?.Unpack<Google.Rpc.RetryInfo>() is { RetryDelay: { } delay })
                response.Headers.RetryAfter = Math.Max(1L, (long)Math.Ceiling(delay.ToTimeSpan().TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (status.Code != 0) return Problems.Of(status);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException)
        {
            // Not a google.rpc.Status: some other JSON error body, answered by its HTTP status below.
        }
        return Problems.Of(httpStatus, "The request failed.");
    }

    // Logged once per failed request: source-generated, so nothing is formatted or boxed when the level is off.
    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} refused: {Code} {Reason} {Message}")]
    private static partial void LogRefused(ILogger logger, string method, PathString path, Grpc.Core.StatusCode code, string reason, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered {Code} {Reason}: {Error}")]
    private static partial void LogBusy(ILogger logger, string method, PathString path, Grpc.Core.StatusCode code, string reason, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed unexpectedly (correlation id {CorrelationId})")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method, PathString path, string correlationId);

    private const string DetailOf404 = "There is no resource at this path.";

    private static string DetailOf(HttpContext http) => http.Response.StatusCode switch
    {
        StatusCodes.Status401Unauthorized => "A valid bearer token is required (authorization: Bearer <JWT>).",
        StatusCodes.Status403Forbidden => "The caller's roles do not allow this request.",
        StatusCodes.Status404NotFound => DetailOf404,
        StatusCodes.Status405MethodNotAllowed => $"This path does not accept {http.Request.Method}.",
        StatusCodes.Status413PayloadTooLarge => "The request body is larger than this endpoint accepts.",
        StatusCodes.Status415UnsupportedMediaType => "The request's content type is not accepted here.",
        _ => "The request failed.",
    };

    /// <summary>
    /// Passes the body through, except an error that JSON transcoding writes as google.rpc.Status JSON: that
    /// is held back, to be rewritten as a problem.
    /// </summary>
    private sealed class ErrorCapturingStream(HttpResponse response, Stream inner) : Stream
    {
        private bool? _capturing;

        public MemoryStream? Captured { get; private set; }

        private Stream Target
        {
            get
            {
                _capturing ??= response.StatusCode >= 400 && response.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true;
                return _capturing.Value ? Captured ??= new MemoryStream() : inner;
            }
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => Target.Flush();
        public override Task FlushAsync(CancellationToken ct) => _capturing == true ? Task.CompletedTask : inner.FlushAsync(ct);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Target.Write(buffer, offset, count);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => Target.WriteAsync(buffer, offset, count, ct);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) => Target.WriteAsync(buffer, ct);
    }
}
