using System.Net;
using IntegrationServices.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace IntegrationServices.ServiceDefaults.Security;

/// <summary>
/// Development mode serves a request without a token as an all-roles user, so every request must come from
/// this machine and from nothing a web page can aim at it. Checked per request, on both ports, before
/// anything else (routing's 404 included, so a foreign page cannot even probe which paths exist):
/// <list type="bullet">
/// <item>the peer is a loopback address (a request without one — TestServer in-process, a Unix socket —
/// does not come over the network and passes);</item>
/// <item>the Host header (HTTP/2: <c>:authority</c>) names loopback: <c>127.0.0.1</c>, <c>localhost</c> or
/// <c>[::1]</c>, any port — a page that rebinds its own DNS name to 127.0.0.1 still sends its own name;</item>
/// <item>an <c>Origin</c> header, which browsers send with every cross-origin and every non-GET request,
/// names a loopback origin — a page elsewhere cannot make the browser post to a local port (CSRF).</item>
/// </list>
/// A refusal is 403 (a problem; on the gRPC port PERMISSION_DENIED), and it never repeats the header values.
/// </summary>
public sealed partial class LoopbackRequestGuard(RequestDelegate next, ILogger<LoopbackRequestGuard> logger)
{
    private static readonly string[] LoopbackHosts = ["127.0.0.1", "localhost", "[::1]"];

    public async Task InvokeAsync(HttpContext http)
    {
        if (Refusal(http.Connection.RemoteIpAddress, http.Request.Host, http.Request.Headers.Origin) is not { } refusal)
        {
            await next(http);
            return;
        }
        LogRefused(logger, http.Request.Method, http.Request.Path, http.Connection.RemoteIpAddress, refusal);
        var detail = $"Development mode accepts only requests from this machine: {refusal}. Use Auth:Mode=Jwt for anything else.";
        // This runs before the HTTP error model, which sets the header on every other answer.
        http.Response.Headers.XContentTypeOptions = "nosniff";
        if (http.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
        {
            // A trailers-only gRPC response: the status travels in the headers.
            http.Response.ContentType = "application/grpc";
            http.Response.Headers["grpc-status"] = ((int)Grpc.Core.StatusCode.PermissionDenied).ToString(System.Globalization.CultureInfo.InvariantCulture);
            http.Response.Headers["grpc-message"] = Uri.EscapeDataString(detail);
            return;
        }
        await Problems.WriteAsync(http.Response, Problems.Of(StatusCodes.Status403Forbidden, detail));
    }

    // Checked per request: source-generated, so nothing is formatted or boxed when the level is off.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Development mode refused {Method} {Path} from {Remote}: {Refusal}")]
    private static partial void LogRefused(ILogger logger, string method, PathString path, IPAddress? remote, string refusal);

    /// <summary>Why the request is refused, or null when it may pass.</summary>
    public static string? Refusal(IPAddress? remote, HostString host, StringValues origins)
    {
        if (remote is not null && !IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote))
            return "the caller is not on a loopback address";
        if (!IsLoopbackHost(host.Host))
            return "the Host header does not name a loopback address (127.0.0.1, localhost, [::1])";
        foreach (var origin in origins)
            if (!IsLoopbackOrigin(origin))
                return "the request comes from a web page of another origin (Origin header)";
        return null;
    }

    private static bool IsLoopbackHost(string? host) =>
        host is not null && LoopbackHosts.Contains(host, StringComparer.OrdinalIgnoreCase);

    private static bool IsLoopbackOrigin(string? origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && IsLoopbackHost(uri.Host);
}
