using System.Text.Encodings.Web;
using System.Text.Json;

namespace IntegrationServices.ServiceDefaults.Auditing;

/// <summary>
/// What one write changed, in the one JSON shape of every service's audit trail:
/// <code>{"action": "updated", "update_mask": ["title"], "fields": {"title": {"old": "A", "new": "B"}}}</code>
/// <c>action</c> is a past-tense verb ("created", "updated", "retired", "recorded", "imported", …);
/// <c>update_mask</c> only for updates; per field "old" where there was a value before and "new" for the
/// value after (fields a create or an action sets carry "new" only).
/// </summary>
public sealed class AuditChange
{
    private static readonly JsonSerializerOptions Json = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private readonly string _action;
    private readonly IReadOnlyList<string>? _updateMask;
    private readonly List<(string Field, bool HasOld, object? Old, object? New)> _fields = [];

    private AuditChange(string action, IReadOnlyList<string>? updateMask)
    {
        _action = action;
        _updateMask = updateMask;
    }

    public static AuditChange Created() => new("created", null);

    public static AuditChange Updated(IReadOnlyList<string> updateMask) => new("updated", updateMask);

    /// <summary>Any other action, named by a past-tense verb ("retired", "recorded", "imported", "cancelled").</summary>
    public static AuditChange Of(string action) => new(action, null);

    /// <summary>A value the action gave a field.</summary>
    public AuditChange Set(string field, object? value)
    {
        _fields.Add((field, false, null, value));
        return this;
    }

    /// <summary>A field's value before and after.</summary>
    public AuditChange Set(string field, object? old, object? @new)
    {
        _fields.Add((field, true, old, @new));
        return this;
    }

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Json.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteString("action", _action);
            if (_updateMask is not null)
            {
                writer.WriteStartArray("update_mask");
                foreach (var path in _updateMask) writer.WriteStringValue(path);
                writer.WriteEndArray();
            }
            writer.WriteStartObject("fields");
            foreach (var (field, hasOld, old, @new) in _fields)
            {
                writer.WriteStartObject(field);
                if (hasOld)
                {
                    writer.WritePropertyName("old");
                    JsonSerializer.Serialize(writer, old, Json);
                }
                writer.WritePropertyName("new");
                JsonSerializer.Serialize(writer, @new, Json);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public override string ToString() => ToJson();
}
