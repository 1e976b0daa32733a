using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace IntegrationServices.Reporting.Core.Storage;

/// <summary>
/// How a scope (action concept names; empty = all) is stored, on cycles and on snapshots alike: as a
/// JSON array, with the SHA-256 of its sorted form beside it, so that "the same scope" is an indexed equality.
/// </summary>
internal static class ScopeColumns
{
    public static string Json(IReadOnlyList<string> scope) => JsonSerializer.Serialize(scope);

    public static IReadOnlyList<string> Parse(string json) => JsonSerializer.Deserialize<List<string>>(json) ?? [];

    public static string Hash(IReadOnlyList<string> scope) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(scope.OrderBy(s => s, StringComparer.Ordinal)))));
}
