using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IntegrationServices.ServiceDefaults.Errors;

namespace IntegrationServices.ServiceDefaults.Api;

/// <summary>
/// AIP-158 paging: page_size 0 → default, larger than the maximum → clamped, negative → INVALID_ARGUMENT;
/// opaque keyset tokens bound to the request's selection, so that a token used with other filter
/// values is rejected instead of silently skipping rows.
/// </summary>
public static class Paging
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    public static int PageSize(int requested, string field = "page_size")
    {
        if (requested < 0) throw ServiceException.Invalid(field, "must not be negative");
        return requested == 0 ? DefaultPageSize : Math.Min(requested, MaxPageSize);
    }

    /// <summary>Encodes the keyset position after the last row returned, bound to the selection.</summary>
    public static string Encode<TKey>(TKey key, string selection)
    {
        var payload = JsonSerializer.Serialize(key);
        var mac = Mac(payload, selection);
        return Base64Url(Encoding.UTF8.GetBytes(payload)) + "." + mac;
    }

    /// <summary>Decodes a token; empty → null (first page); foreign or tampered → INVALID_ARGUMENT.</summary>
    public static TKey? Decode<TKey>(string? token, string selection, string field = "page_token")
    {
        if (string.IsNullOrEmpty(token)) return default;
        var dot = token.IndexOf('.');
        try
        {
            if (dot > 0)
            {
                var payload = Encoding.UTF8.GetString(FromBase64Url(token[..dot]));
                if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(payload, selection)), Encoding.ASCII.GetBytes(token[(dot + 1)..])))
                    return JsonSerializer.Deserialize<TKey>(payload);
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException) { }
        throw ServiceException.Invalid(field, "is not a page token of this request; it was issued for another filter, or was altered. Start again without page_token.");
    }

    /// <summary>A selection fingerprint: every request field that changes which rows are listed.</summary>
    public static string Selection(params object?[] parts) => string.Join('\u001f', parts.Select(p => p?.ToString() ?? ""));

    // A fixed key: tokens are not secrets, the MAC only makes tokens tamper-evident and selection-bound.
    private static readonly byte[] Key = "IntegrationServices.PageToken.v1"u8.ToArray();

    private static string Mac(string payload, string selection) =>
        Base64Url(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(payload + '\u001e' + selection))[..16]);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}
