using System.Net.Http.Headers;
using System.Text.Json;

namespace IntegrationServices.Reporting.Core.Application;

/// <summary>
/// OAuth 2.0 client credentials (RFC 6749 section 4.4) against an OpenID Connect provider: the token
/// endpoint is read from the authority's discovery document (kept once read), the client authenticates
/// with HTTP Basic, and a refusal becomes an error that names the endpoint and the provider's answer.
/// </summary>
internal sealed class ClientCredentialsTokens(IHttpClientFactory http, string authority, SnapshotOptions options)
{
    /// <summary>The named HttpClient of the token requests.</summary>
    public const string HttpClientName = "snapshot-credentials";

    private static readonly TimeProvider WallClock = TimeProvider.System;

    private Uri? _tokenEndpoint;

    public async Task<IssuedToken> RequestAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.CallTimeout);
        var client = http.CreateClient(HttpClientName);
        var endpoint = _tokenEndpoint ??= await DiscoverAsync(client, timeout.Token);

        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials" };
        if (!string.IsNullOrWhiteSpace(options.TokenScope)) form["scope"] = options.TokenScope;
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(
            $"{Uri.EscapeDataString(options.ClientId ?? "")}:{Uri.EscapeDataString(options.ClientSecret ?? "")}")));
        var obtained = WallClock.GetUtcNow();
        using var response = await client.SendAsync(request, timeout.Token);
        using var body = await ReadJsonAsync(response, timeout.Token);
        if (!response.IsSuccessStatusCode || !body.RootElement.TryGetProperty("access_token", out var token) || token.ValueKind != JsonValueKind.String)
            throw new InvalidOperationException(
                $"The token endpoint {endpoint} refused the client credentials of Snapshots:ClientId '{options.ClientId}': HTTP {(int)response.StatusCode} {Describe(body)}");
        var lifetime = body.RootElement.TryGetProperty("expires_in", out var expires) && expires.TryGetInt32(out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : options.TokenLifetime;
        return IssuedToken.Of(token.GetString()!, obtained, lifetime, options.CallTimeout);
    }

    private async Task<Uri> DiscoverAsync(HttpClient client, CancellationToken ct)
    {
        var discovery = new Uri(authority.TrimEnd('/') + "/.well-known/openid-configuration");
        using var response = await client.GetAsync(discovery, ct);
        using var body = await ReadJsonAsync(response, ct);
        if (response.IsSuccessStatusCode && body.RootElement.TryGetProperty("token_endpoint", out var endpoint)
            && Uri.TryCreate(endpoint.GetString(), UriKind.Absolute, out var uri))
            return uri;
        throw new InvalidOperationException($"The discovery document {discovery} (Auth:Authority) names no token_endpoint: HTTP {(int)response.StatusCode}");
    }

    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        }
        catch (JsonException)
        {
            return JsonDocument.Parse("{}");
        }
    }

    /// <summary>The provider's error and description (RFC 6749 section 5.2), never anything else it sent.</summary>
    private static string Describe(JsonDocument body)
    {
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object) return "";
        var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        var description = root.TryGetProperty("error_description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        return string.Join(": ", new[] { error, description }.Where(s => !string.IsNullOrEmpty(s)));
    }
}
