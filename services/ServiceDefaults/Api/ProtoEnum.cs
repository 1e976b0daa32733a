using System.Reflection;
using Google.Protobuf.Reflection;

namespace IntegrationServices.ServiceDefaults.Api;

/// <summary>
/// Proto enum values ↔ their proto names (<c>IN_PROGRESS</c>, not C#'s <c>InProgress</c>): how filters,
/// the audit trail and the database spell them. Read once per enum type from the generated code's
/// <see cref="OriginalNameAttribute"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix",
    Justification = "It maps proto enums; the name is the one the design and every service use.")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000:Do not declare static members on generic types",
    Justification = "The maps are built once per enum type by the static constructor; T is the result of Parse, so it could not be inferred anyway.")]
public static class ProtoEnum<T> where T : struct, Enum
{
    private static readonly Dictionary<T, string> NameOf = [];
    private static readonly Dictionary<string, T> ValueOf = new(StringComparer.Ordinal);

    static ProtoEnum()
    {
        foreach (var field in typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var value = (T)field.GetValue(null)!;
            var name = field.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? field.Name;
            NameOf[value] = name;
            ValueOf[name] = value;
        }
        SpecifiedNames = NameOf.Where(kv => IsSpecified(kv.Key)).Select(kv => kv.Value).ToList();
    }

    /// <summary>The proto names of every value but the zero (…_UNSPECIFIED) one, in declaration order.</summary>
    public static IReadOnlyList<string> SpecifiedNames { get; }

    /// <summary>A declared value other than zero.</summary>
    public static bool IsSpecified(T value) => !EqualityComparer<T>.Default.Equals(value, default) && NameOf.ContainsKey(value);

    /// <summary>The proto name; an undeclared value (from a newer client) as its number.</summary>
    public static string Name(T value) =>
        NameOf.TryGetValue(value, out var name) ? name : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out T value) => ValueOf.TryGetValue(text ?? "", out value);

    /// <summary>The value of a proto name; FormatException naming the allowed ones otherwise.</summary>
    public static T Parse(string text) =>
        TryParse(text, out var value) && IsSpecified(value)
            ? value
            : throw new FormatException($"'{TextRules.Printable(text)}' is not one of {string.Join(", ", SpecifiedNames)}");
}
