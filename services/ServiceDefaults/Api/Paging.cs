using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IntegrationServices.ServiceDefaults.Errors;

namespace IntegrationServices.ServiceDefaults.Api;

/// <summary>Where a page starts: after the keyset position <see cref="After"/> (default: the first page), at most <see cref="Limit"/> rows.</summary>
/// <param name="After">The key of the last row of the previous page; default for the first page.</param>
/// <param name="Limit">Rows to read: the page size plus one, which tells whether another page follows.</param>
/// <param name="Now">"Now" of the listing: taken on the first page and carried in the token, so that every
/// page of an answer that depends on the time (today's state, what is known now) sees the same instant.</param>
public sealed record PageCursor<TKey>(TKey? After, int Limit, DateTime Now);

/// <summary>One page of rows and the token of the next (empty at the end).</summary>
public sealed record Page<TRow>(IReadOnlyList<TRow> Rows, string NextPageToken);

/// <summary>
/// AIP-158 paging, the same for every list method: page_size 0 → default, larger than the maximum →
/// clamped, negative → INVALID_ARGUMENT; opaque keyset tokens bound by an HMAC to the request's selection,
/// so that a token used with other filter values is rejected instead of silently skipping rows.
/// </summary>
public static class Paging
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    /// <summary>
    /// Reads one page: validates page_size, decodes page_token against <paramref name="selection"/>, asks
    /// <paramref name="fetch"/> for up to page size + 1 rows after the token's key, and encodes the key of
    /// the page's last row (<paramref name="keyOf"/>) as the next token when more rows follow. With
    /// <paramref name="sizeOf"/>, the page also ends early, before its rows together exceed
    /// <paramref name="maxBytes"/> (for large resources; the first row always comes, or no page would ever
    /// get past it).
    /// </summary>
    public static async Task<Page<TRow>> Page<TRow, TKey>(
        int pageSize, string? pageToken, string selection, TimeProvider clock,
        Func<PageCursor<TKey>, Task<IReadOnlyList<TRow>>> fetch, Func<TRow, TKey> keyOf,
        Func<TRow, long>? sizeOf = null, long maxBytes = long.MaxValue)
    {
        var size = PageSize(pageSize);
        var token = Decode<Token<TKey>>(pageToken, selection);
        var now = token?.Now ?? clock.GetUtcNow().UtcDateTime;
        var rows = await fetch(new PageCursor<TKey>(token is null ? default : token.After, size + 1, now));
        var fits = sizeOf is null ? Math.Min(rows.Count, size) : Fitting(rows, size, sizeOf, maxBytes);
        if (fits == rows.Count) return new Page<TRow>(rows, "");
        var page = rows.Take(fits).ToList();
        return new Page<TRow>(page, Encode(new Token<TKey>(keyOf(page[^1]), DateTime.SpecifyKind(now, DateTimeKind.Utc)), selection));
    }

    /// <summary>How many of the first <paramref name="size"/> rows fit into <paramref name="maxBytes"/> (at least one).</summary>
    private static int Fitting<TRow>(IReadOnlyList<TRow> rows, int size, Func<TRow, long> sizeOf, long maxBytes)
    {
        var count = 0;
        long total = 0;
        while (count < Math.Min(rows.Count, size))
        {
            total += sizeOf(rows[count]);
            if (count > 0 && total > maxBytes) break;
            count++;
        }
        return count;
    }

    /// <summary>A selection fingerprint: every request field that changes which rows are listed.</summary>
    public static string Selection(params object?[] parts) => string.Join('\u001f', parts.Select(p => p?.ToString() ?? ""));

    private static int PageSize(int requested)
    {
        if (requested < 0) throw ServiceException.Invalid("page_size", "must not be negative");
        return requested == 0 ? DefaultPageSize : Math.Min(requested, MaxPageSize);
    }

    private sealed record Token<TKey>(TKey After, DateTime Now);

    private static string Encode<T>(T token, string selection)
    {
        var payload = JsonSerializer.Serialize(token);
        return Base64Url(Encoding.UTF8.GetBytes(payload)) + "." + Mac(payload, selection);
    }

    /// <summary>Decodes a token; empty → null (first page); foreign or tampered → INVALID_ARGUMENT.</summary>
    private static T? Decode<T>(string? token, string selection) where T : class
    {
        if (string.IsNullOrEmpty(token)) return null;
        var dot = token.IndexOf('.');
        try
        {
            if (dot > 0)
            {
                var payload = Encoding.UTF8.GetString(FromBase64Url(token[..dot]));
                if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(payload, selection)), Encoding.ASCII.GetBytes(token[(dot + 1)..])))
                    return JsonSerializer.Deserialize<T>(payload);
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException or NotSupportedException) { }
        throw ServiceException.Invalid("page_token",
            "is not a page token of this request; it was issued for another filter, or was altered. Start again without page_token.");
    }

    // A fixed key: tokens are not secrets, the MAC only makes tokens tamper-evident and selection-bound.
    private static readonly byte[] Key = "IntegrationServices.PageToken.v2"u8.ToArray();

    private static string Mac(string payload, string selection) =>
        Base64Url(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(payload + '\u001e' + selection))[..16]);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}
