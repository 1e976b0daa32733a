using System.Text;

namespace IntegrationServices.Demographics.Domain;

/// <summary>
/// Canonical text of an observation's dimensions: JSON with keys in ordinal order; "" = total. The text is
/// the series key, so the same dimensions must always give the same text.
/// </summary>
public static class Dimensions
{
    public static string Encode(IReadOnlyCollection<KeyValuePair<string, string>> dimensions)
    {
        if (dimensions.Count == 0) return "";
        var sorted = dimensions.Count == 1 ? dimensions : dimensions.OrderBy(d => d.Key, StringComparer.Ordinal).ToList();
        // Most keys and values are plain printable ASCII, which JSON writes as it is: built directly, the
        // same text as the writer below produces, without its buffers (this runs once per imported row).
        var plain = new StringBuilder("{");
        foreach (var (key, value) in sorted)
        {
            if (!Plain(key) || !Plain(value)) { plain = null; break; }
            plain.Append(plain.Length > 1 ? ",\"" : "\"").Append(key).Append("\":\"").Append(value).Append('"');
        }
        if (plain is not null) return plain.Append('}').ToString();
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer,
                   new System.Text.Json.JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in sorted) writer.WriteString(key, value);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Characters JSON (with the relaxed encoder) never escapes: printable ASCII except quote and backslash.</summary>
    private static bool Plain(string text)
    {
        foreach (var c in text)
            if (c is < ' ' or > '~' or '"' or '\\') return false;
        return true;
    }

    public static IReadOnlyDictionary<string, string> Decode(string text) =>
        text.Length == 0
            ? new Dictionary<string, string>()
            : System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(text) ?? [];
}
