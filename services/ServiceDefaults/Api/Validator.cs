using Google.Protobuf.WellKnownTypes;
using IntegrationServices.ServiceDefaults.Errors;

namespace IntegrationServices.ServiceDefaults.Api;

/// <summary>
/// Collects field violations, so that a request reports every bad field at once (one
/// <c>google.rpc.BadRequest.FieldViolation</c> per bad field), and holds the suite's input rules in one
/// place: text (API.md "Text input everywhere"), dates, instants, ranges, enums and resource names.
/// </summary>
public sealed class Validator
{
    private readonly List<FieldViolation> _violations = [];

    public bool IsValid => _violations.Count == 0;

    public IReadOnlyList<FieldViolation> Violations => _violations;

    public Validator Add(string field, string description)
    {
        _violations.Add(new FieldViolation(field, description));
        return this;
    }

    public Validator Require(bool condition, string field, string description) =>
        condition ? this : Add(field, description);

    /// <summary>
    /// One-line text (names, codes, titles, ids, references): optional or required, at most
    /// <paramref name="maxLength"/> characters, no control characters (U+0000–U+001F, U+007F).
    /// </summary>
    public Validator Text(string? value, string field, int maxLength, bool required = true) =>
        CheckText(value, field, maxLength, required, TextRules.LineDescription, TextRules.IsLine);

    /// <summary>Free text (descriptions, notes, comments, results): as <see cref="Text"/>, but tab, line feed and carriage return are allowed.</summary>
    public Validator FreeText(string? value, string field, int maxLength, bool required = false) =>
        CheckText(value, field, maxLength, required, TextRules.FreeDescription, TextRules.IsFree);

    private Validator CheckText(string? value, string field, int maxLength, bool required, string rule, Func<string, bool> allowed)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) Add(field, "is required");
        }
        else if (value.Length > maxLength)
        {
            Add(field, $"must be at most {maxLength} characters (got {value.Length})");
        }
        else if (!allowed(value))
        {
            Add(field, rule);
        }
        return this;
    }

    /// <summary>A whole number within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public Validator Range(long value, long min, long max, string field) =>
        Require(value >= min && value <= max, field, $"must be between {min} and {max} (got {value})");

    /// <summary>A complete calendar date, or null when absent (and then a violation if <paramref name="required"/>).</summary>
    public DateOnly? Date(Google.Type.Date? date, string field, bool required = false, string? requiredHint = null)
    {
        if (date is null || (date.Year == 0 && date.Month == 0 && date.Day == 0))
        {
            if (required) Add(field, requiredHint is null ? "is required" : $"is required ({requiredHint})");
            return null;
        }
        if (date.Year is < 1 or > 9999 || date.Month is < 1 or > 12 || date.Day < 1 || date.Day > DateTime.DaysInMonth(date.Year, date.Month))
        {
            Add(field, $"is not a valid calendar date ({date.Year:D4}-{date.Month:D2}-{date.Day:D2}); year, month and day are all required");
            return null;
        }
        return new DateOnly(date.Year, date.Month, date.Day);
    }

    /// <summary>A UTC instant, or null when absent; out-of-range timestamps are violations.</summary>
    public DateTime? Instant(Timestamp? timestamp, string field)
    {
        if (timestamp is null) return null;
        try { return timestamp.ToDateTime(); }
        catch (InvalidOperationException)
        {
            Add(field, "is not a valid timestamp (0001-01-01 to 9999-12-31, nanos 0 to 999,999,999)");
            return null;
        }
    }

    /// <summary>A defined, specified value of a proto enum; <paramref name="allowUnspecified"/> lets the zero value through.</summary>
    public Validator Enum<T>(T value, string field, bool allowUnspecified = false) where T : struct, System.Enum =>
        Require((allowUnspecified && Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) == 0) || ProtoEnum<T>.IsSpecified(value),
            field, $"must be one of {string.Join(", ", ProtoEnum<T>.SpecifiedNames)}");

    /// <summary>A resource name of <paramref name="collection"/> (required unless <paramref name="required"/> is false): its id, or null with a violation.</summary>
    public string? Name(ResourceName collection, string? name, string field, bool required = true)
    {
        if (string.IsNullOrEmpty(name))
        {
            if (required) Add(field, $"is required, e.g. \"{collection.Example}\"");
            return null;
        }
        if (collection.TryParse(name, out var id)) return id;
        Add(field, $"'{TextRules.Printable(name)}' is not a name of the form {collection.Pattern}");
        return null;
    }

    /// <summary>Adds the violations of a parse step that throws <see cref="ServiceException"/> and returns its result (default when it failed).</summary>
    public T? Try<T>(Func<T> parse)
    {
        try { return parse(); }
        catch (ServiceException e) when (e.Violations.Count > 0)
        {
            _violations.AddRange(e.Violations);
            return default;
        }
    }

    public void ThrowIfInvalid()
    {
        if (!IsValid) throw ServiceException.Invalid(_violations);
    }
}

/// <summary>
/// The text rules of API.md: names, codes, titles and ids carry no control characters (U+0000–U+001F,
/// U+007F); free text allows tab, line feed and carriage return among them.
/// </summary>
public static class TextRules
{
    public const string LineDescription = "must not contain control characters (U+0000–U+001F, U+007F)";
    public const string FreeDescription = "must not contain control characters other than tab, line feed and carriage return";

    public static bool IsLine(string text)
    {
        foreach (var c in text)
            if (c < ' ' || c == '\u007f') return false;
        return true;
    }

    public static bool IsFree(string text)
    {
        foreach (var c in text)
            if ((c < ' ' && c is not ('\t' or '\n' or '\r')) || c == '\u007f') return false;
        return true;
    }

    /// <summary>Caller text fit to quote in a message: control characters shown as \uXXXX, at most 100 characters.</summary>
    public static string Printable(string text)
    {
        var shown = text.Length > 100 ? text[..100] + "…" : text;
        if (IsLine(shown)) return shown;
        var sb = new System.Text.StringBuilder(shown.Length + 16);
        foreach (var c in shown)
            sb.Append(c < ' ' || c == '\u007f' ? $"\\u{(int)c:x4}" : c.ToString());
        return sb.ToString();
    }
}
