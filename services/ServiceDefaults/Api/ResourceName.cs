using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using IntegrationServices.ServiceDefaults.Errors;

namespace IntegrationServices.ServiceDefaults.Api;

/// <summary>
/// The one id rule of every resource of the suite (AIP-122): 1–63 characters of lower-case ASCII letters,
/// digits, '-' and '_', starting and ending with a letter or digit. It admits the ids the contract fixes
/// (<c>population_total</c>, <c>131-bis-2021</c>, <c>0</c>, <c>2018</c>) and nothing that needs escaping in
/// a URL, a filter or a file name.
/// </summary>
public static partial class ResourceIds
{
    public const string Rule = "must be 1–63 characters of lower-case letters, digits, '-' and '_', starting and ending with a letter or digit";

    public static bool IsValid([NotNullWhen(true)] string? id) => id is not null && Pattern().IsMatch(id);

    /// <summary>
    /// The id a create uses: the caller's choice when given (a violation on <paramref name="field"/> when it
    /// breaks the rule), else a new random one.
    /// </summary>
    public static string Choose(string? requested, string field, Validator validator)
    {
        if (string.IsNullOrEmpty(requested)) return Guid.NewGuid().ToString("N")[..12];
        if (!IsValid(requested)) validator.Add(field, $"'{TextRules.Printable(requested)}' {Rule}");
        return requested;
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

/// <summary>
/// A collection of resources and its names <c>{collection}/{id}</c> (<c>measures/42</c>,
/// <c>reportingCycles/2018</c>), optionally below a parent (<c>measures/42/statusEvents/7</c>). Every
/// service formats and parses its names through one of these, so the id rule and the messages are the same
/// everywhere.
/// </summary>
public sealed class ResourceName
{
    private readonly bool _numeric;

    /// <param name="collection">The collection segment, e.g. "measures".</param>
    /// <param name="example">An id for messages, e.g. "42".</param>
    /// <param name="numeric">Ids are positive integers (server-assigned row ids).</param>
    public ResourceName(string collection, string example, bool numeric = false)
    {
        Collection = collection;
        Prefix = collection + "/";
        Example = Prefix + example;
        _numeric = numeric;
    }

    public string Collection { get; }

    /// <summary>"{collection}/".</summary>
    public string Prefix { get; }

    /// <summary>A name to show in messages, e.g. "measures/42".</summary>
    public string Example { get; }

    /// <summary>"{collection}/{id}" for messages.</summary>
    public string Pattern => $"{Prefix}{{id}} (e.g. \"{Example}\")";

    public string Format(string id) => Prefix + id;

    public string Format(long id) => Prefix + id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public bool TryParse([NotNullWhen(true)] string? name, [NotNullWhen(true)] out string? id)
    {
        id = null;
        if (name is null || !name.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var candidate = name[Prefix.Length..];
        if (!ResourceIds.IsValid(candidate)) return false;
        if (_numeric && !(long.TryParse(candidate, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0))
            return false;
        id = candidate;
        return true;
    }

    /// <summary>"{collection}/{id}" → id; a FormatException (which filters report as INVALID_ARGUMENT) otherwise.</summary>
    public string Parse(string name) =>
        TryParse(name, out var id) ? id : throw new FormatException($"'{TextRules.Printable(name)}' is not a name of the form {Pattern}");

    /// <summary>A numeric id (<c>measures/42</c> → 42).</summary>
    public long ParseNumber(string name) => long.Parse(Parse(name), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The id of a required name in a request field: missing or malformed → INVALID_ARGUMENT naming the field.</summary>
    public string Require(string? name, string field)
    {
        var validator = new Validator();
        var id = validator.Name(this, name, field);
        validator.ThrowIfInvalid();
        return id!;
    }

    public long RequireNumber(string? name, string field) => long.Parse(Require(name, field), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The id when <paramref name="nameOrId"/> is a name of this collection, else the text itself (for references that may be given either way).</summary>
    public string IdOf(string nameOrId) => nameOrId.StartsWith(Prefix, StringComparison.Ordinal) ? nameOrId[Prefix.Length..] : nameOrId;

    /// <summary>A child collection below a resource of this one, e.g. statusEvents below measures.</summary>
    public string Child(string parentId, string childCollection, string childId) => $"{Prefix}{parentId}/{childCollection}/{childId}";

    /// <summary>Throws NOT_FOUND for a name of this collection.</summary>
    public ServiceException NotFound(string id) => ServiceException.NotFound(Format(id));
}
