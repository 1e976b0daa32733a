using System.Buffers;
using System.Text;

namespace IntegrationServices.Demographics.Domain;

/// <summary>
/// Canonical text of an observation's dimensions: JSON with keys in ordinal order; "" = total. The text is
/// the series key, so the same dimensions must always give the same text.
/// </summary>
public static class Dimensions
{
    /// <summary>Appends the canonical text of <paramref name="dimensions"/> to <paramref name="text"/>.</summary>
    public static void Write(IReadOnlyList<KeyValuePair<string, string>> dimensions, ArrayBufferWriter<char> text)
    {
        if (dimensions.Count == 0) return;
        IReadOnlyList<KeyValuePair<string, string>> sorted =
            dimensions.Count == 1 ? dimensions : [.. dimensions.OrderBy(d => d.Key, StringComparer.Ordinal)];
        // Most keys and values are plain printable ASCII, which JSON writes as it is: written directly, the
        // same text as the writer below produces, without its buffers (this runs once per imported row, so
        // the loops index the list instead of enumerating it).
        for (var i = 0; i < sorted.Count; i++)
            if (!Plain(sorted[i].Key) || !Plain(sorted[i].Value))
            {
                text.Write(Json(sorted).AsSpan());
                return;
            }
        for (var i = 0; i < sorted.Count; i++)
        {
            text.Write((i == 0 ? "{\"" : ",\"").AsSpan());
            text.Write(sorted[i].Key.AsSpan());
            text.Write("\":\"".AsSpan());
            text.Write(sorted[i].Value.AsSpan());
            text.Write("\"".AsSpan());
        }
        text.Write("}".AsSpan());
    }

    private static string Json(IEnumerable<KeyValuePair<string, string>> sorted)
    {
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

/// <summary>
/// The dimensions texts of one import, each distinct text made once: an import's rows nearly always repeat the
/// dimensions of rows before them, so a row's text is only written into a buffer and looked up. Only texts a
/// valid row can have are kept (at most <see cref="ObservationValidation.MaxDimensionsLength"/> characters),
/// at most <see cref="MaxKept"/> of them; past that, new texts are made for each row that names them.
/// </summary>
public sealed class DimensionTexts
{
    public const int MaxKept = 100_000;

    /// <summary>The buffer is made anew after a row whose text needed more (an invalid one), so it does not stay that large.</summary>
    private const int BufferChars = 4096;

    // Looked up by span; the lookup is made once (making it checks the comparer's type).
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _kept = new HashSet<string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    private ArrayBufferWriter<char> _text = new(BufferChars);

    /// <summary>The canonical text of <paramref name="dimensions"/> (see <see cref="Dimensions"/>).</summary>
    public string Of(IReadOnlyList<KeyValuePair<string, string>> dimensions)
    {
        if (dimensions.Count == 0) return "";
        _text.ResetWrittenCount();
        Dimensions.Write(dimensions, _text);
        if (_kept.TryGetValue(_text.WrittenSpan, out var kept)) return kept;
        var text = new string(_text.WrittenSpan);
        if (text.Length <= ObservationValidation.MaxDimensionsLength && _kept.Set.Count < MaxKept) _kept.Set.Add(text);
        if (_text.Capacity > BufferChars) _text = new ArrayBufferWriter<char>(BufferChars);
        return text;
    }
}
