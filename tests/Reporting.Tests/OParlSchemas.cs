using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using IntegrationServices.Testing;

namespace IntegrationServices.Reporting.Tests;

/// <summary>
/// The OParl 1.1 object schemas of the specification (../shared/data/oparl/schema, unchanged), applied
/// with JsonSchema.Net: an object by its <c>type</c>, and every object it embeds by the schema that the
/// property names (the specification's own <c>"schema": "File.json"</c> annotation, which a validator
/// ignores, so it is followed here). Formats are asserted; "url" must be an absolute http(s) URL.
/// </summary>
public static class OParlSchemas
{
    private const string TypePrefix = "https://schema.oparl.org/1.1/";

    private static readonly Dictionary<string, (JsonSchema Schema, JsonElement Raw)> Schemas = Load();

    private static readonly EvaluationOptions Options = new()
    {
        OutputFormat = OutputFormat.List,
        RequireFormatValidation = true,
        FormatRegistry = Formats(),
    };

    /// <summary>Every violation of <paramref name="o"/> (and its embedded objects) as "path: message"; empty when valid.</summary>
    public static IReadOnlyList<string> Violations(JsonObject o, string path = "$")
    {
        var violations = new List<string>();
        var type = (string?)o["type"];
        if (type is null || !type.StartsWith(TypePrefix, StringComparison.Ordinal) || !Schemas.TryGetValue(type[TypePrefix.Length..], out var schema))
        {
            violations.Add($"{path}: no OParl 1.1 type ('{type}')");
            return violations;
        }
        using var instance = JsonDocument.Parse(o.ToJsonString());
        var result = schema.Schema.Evaluate(instance.RootElement, Options);
        if (!result.IsValid)
            foreach (var detail in result.Details ?? [])
                foreach (var (keyword, message) in detail.Errors ?? new Dictionary<string, string>())
                    violations.Add($"{path}{detail.InstanceLocation}: {keyword}: {message}");

        foreach (var property in schema.Raw.GetProperty("properties").EnumerateObject())
        {
            if (o[property.Name] is not { } value) continue;
            if (Embedded(property.Value) is not null && value is JsonObject child)
                violations.AddRange(Violations(child, $"{path}.{property.Name}"));
            if (property.Value.TryGetProperty("items", out var items) && Embedded(items) is not null && value is JsonArray array)
                for (var i = 0; i < array.Count; i++)
                    if (array[i] is JsonObject item) violations.AddRange(Violations(item, $"{path}.{property.Name}[{i}]"));
        }
        return violations;
    }

    private static string? Embedded(JsonElement property) =>
        property.TryGetProperty("schema", out var s) && property.TryGetProperty("type", out var t) && t.GetString() == "object" ? s.GetString() : null;

    private static Dictionary<string, (JsonSchema, JsonElement)> Load()
    {
        var folder = Path.Combine(RepositoryRoot.Shared, "data", "oparl", "schema");
        var schemas = new Dictionary<string, (JsonSchema, JsonElement)>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(folder, "*.json"))
        {
            var text = File.ReadAllText(file);
            var name = Path.GetFileNameWithoutExtension(file);
            // Each schema its own registry and base URI: they carry no $id, and the default base would clash. They
            // name no $schema and are written for draft 7 or earlier, whose dialect allows the specification's own keywords.
            var options = new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft07 };
            var schema = JsonSchema.FromText(text, options, new Uri($"{TypePrefix}{name}.json"));
            schemas[name] = (schema, JsonDocument.Parse(text).RootElement.Clone());
        }
        Assert.True(schemas.Count >= 12, $"the OParl schemas are missing in {folder}");
        return schemas;
    }

    private static FormatRegistry Formats()
    {
        var registry = new FormatRegistry();
        registry.Register(new PredicateFormat("url", e =>
            e.ValueKind != JsonValueKind.String
            || (Uri.TryCreate(e.GetString(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))));
        return registry;
    }
}
