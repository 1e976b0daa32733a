using Microsoft.Extensions.Configuration;

namespace IntegrationServices.ServiceDefaults.Hosting;

/// <summary>
/// <c>&lt;component&gt; --probe</c>: asks the running component (in the same container) whether it is ready,
/// by <c>GET /readyz</c> on its own HTTP endpoint, and exits 0 (ready) or 1. It is the container health
/// check of an image without a shell or curl.
/// </summary>
public static class ReadinessProbe
{
    public const string Argument = "--probe";

    public static bool IsRequested(IEnumerable<string> args) => args.Contains(Argument, StringComparer.Ordinal);

    /// <summary>
    /// Probes the endpoint <c>Kestrel:Endpoints:Http:Url</c> of <paramref name="configuration"/> (the component's
    /// own configuration, with its defaults): a wildcard host (<c>0.0.0.0</c>, <c>[::]</c>, <c>*</c>, <c>+</c>)
    /// is reached on the loopback address.
    /// </summary>
    public static async Task<int> RunAsync(IConfiguration configuration, TextWriter error, TimeSpan? timeout = null)
    {
        var configured = configuration["Kestrel:Endpoints:Http:Url"];
        if (!TryReadyUri(configured, out var uri))
        {
            await error.WriteLineAsync($"probe: Kestrel:Endpoints:Http:Url '{configured}' is not an http URL.");
            return 1;
        }
        // The probe asks the process beside it on the loopback address, not a remote party: a TLS endpoint's
        // certificate names the public host, so it is not checked here.
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        using var http = new HttpClient(handler) { Timeout = timeout ?? TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(uri);
            if (response.IsSuccessStatusCode) return 0;
            await error.WriteLineAsync($"probe: {uri} answered {(int)response.StatusCode}.");
            return 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await error.WriteLineAsync($"probe: {uri} did not answer: {e.Message}");
            return 1;
        }
    }

    private static bool TryReadyUri(string? url, out Uri uri)
    {
        uri = null!;
        if (string.IsNullOrWhiteSpace(url)) return false;
        // Kestrel's wildcard hosts are no URI hosts; put the loopback address in their place.
        var normalized = url.Replace("://*:", "://127.0.0.1:", StringComparison.Ordinal).Replace("://+:", "://127.0.0.1:", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https")) return false;
        var builder = new UriBuilder(parsed) { Path = "/readyz", Query = "" };
        if (parsed.Host is "0.0.0.0" or "[::]" or "::") builder.Host = "127.0.0.1";
        uri = builder.Uri;
        return true;
    }
}
