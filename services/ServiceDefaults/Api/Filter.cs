using System.Text;
using IntegrationServices.ServiceDefaults.Errors;

namespace IntegrationServices.ServiceDefaults.Api;

public enum FilterOperator { Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual }

/// <summary>One comparison of an AIP-160 filter: <c>field op value</c>.</summary>
public sealed record FilterTerm(string Field, FilterOperator Operator, string Value)
{
    public string SqlOperator => Operator switch
    {
        FilterOperator.Equal => "=",
        FilterOperator.NotEqual => "<>",
        FilterOperator.Less => "<",
        FilterOperator.LessOrEqual => "<=",
        FilterOperator.Greater => ">",
        _ => ">=",
    };
}

/// <summary>
/// A filter field a method accepts: the SQL expression it compares (a constant of the service,
/// never caller text) and how the caller's value becomes a parameter (throws FormatException with a
/// message when the value is malformed, or OverflowException when a number is out of range).
/// </summary>
public sealed record FilterField(string Column, Func<string, object> Convert, bool OrderedOperators = true);

/// <summary>
/// The small AIP-160 subset of API.md: comparisons <c>field = value</c>, <c>!=</c>, <c>&lt;</c>,
/// <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c> joined by <c>AND</c>; values bare or in double quotes.
/// </summary>
public static class Filter
{
    public static IReadOnlyList<FilterTerm> Parse(string? filter, IReadOnlyDictionary<string, FilterField> fields, string fieldName = "filter")
    {
        if (string.IsNullOrWhiteSpace(filter)) return [];
        if (filter.Length > 2000) throw ServiceException.Invalid(fieldName, "must be at most 2000 characters");
        // Tab, LF and CR are whitespace between terms (AIP-160); every other control character is refused.
        if (!TextRules.IsFree(filter)) throw ServiceException.Invalid(fieldName, TextRules.FreeDescription);
        var tokens = Tokenize(filter, fieldName);
        var terms = new List<FilterTerm>();
        var i = 0;
        while (true)
        {
            if (i + 3 > tokens.Count)
                throw ServiceException.Invalid(fieldName, "expected `field operator value` at the end of the filter");
            var (field, op, value) = (tokens[i], tokens[i + 1], tokens[i + 2]);
            if (field.Quoted || !fields.TryGetValue(field.Text, out var spec))
                throw ServiceException.Invalid(fieldName, $"unknown filter field '{TextRules.Printable(field.Text)}'; allowed: {string.Join(", ", fields.Keys)}");
            var @operator = op.Quoted ? (FilterOperator?)null : op.Text switch
            {
                "=" => FilterOperator.Equal,
                "!=" => FilterOperator.NotEqual,
                "<" => FilterOperator.Less,
                "<=" => FilterOperator.LessOrEqual,
                ">" => FilterOperator.Greater,
                ">=" => FilterOperator.GreaterOrEqual,
                _ => null,
            };
            if (@operator is null)
                throw ServiceException.Invalid(fieldName, $"'{TextRules.Printable(op.Text)}' after '{field.Text}' is not an operator (=, !=, <, <=, >, >=)");
            if (!spec.OrderedOperators && @operator is not (FilterOperator.Equal or FilterOperator.NotEqual))
                throw ServiceException.Invalid(fieldName, $"'{field.Text}' can only be compared with = or !=");
            try { spec.Convert(value.Text); }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw ServiceException.Invalid(fieldName, $"bad value for '{field.Text}': {e.Message}");
            }
            terms.Add(new FilterTerm(field.Text, @operator.Value, value.Text));
            i += 3;
            if (i == tokens.Count) return terms;
            if (tokens[i].Quoted || !tokens[i].Text.Equals("AND", StringComparison.Ordinal))
                throw ServiceException.Invalid(fieldName, $"expected AND after '{TextRules.Printable(value.Text)}', found '{TextRules.Printable(tokens[i].Text)}' (only AND is supported)");
            i++;
            if (i == tokens.Count) throw ServiceException.Invalid(fieldName, "the filter ends with AND");
        }
    }

    private readonly record struct Token(string Text, bool Quoted);

    private static List<Token> Tokenize(string filter, string fieldName)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < filter.Length)
        {
            var c = filter[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= filter.Length) throw ServiceException.Invalid(fieldName, "unterminated string (missing closing \")");
                    if (filter[i] == '\\' && i + 1 < filter.Length) { sb.Append(filter[i + 1]); i += 2; continue; }
                    if (filter[i] == '"') { i++; break; }
                    sb.Append(filter[i++]);
                }
                tokens.Add(new Token(sb.ToString(), true));
            }
            else if (c is '=' or '!' or '<' or '>')
            {
                var two = i + 1 < filter.Length && filter[i + 1] == '=';
                tokens.Add(new Token(filter.Substring(i, two ? 2 : 1), false));
                i += two ? 2 : 1;
            }
            else
            {
                var start = i;
                while (i < filter.Length && !char.IsWhiteSpace(filter[i]) && filter[i] is not ('=' or '!' or '<' or '>' or '"')) i++;
                tokens.Add(new Token(filter[start..i], false));
            }
        }
        return tokens;
    }
}
