using Dapper;
using IntegrationServices.ServiceDefaults.Api;

namespace IntegrationServices.ServiceDefaults.Storage;

/// <summary>
/// The filter fields of one list method (AIP-160 subset): each field's SQL expression (a constant of the
/// service, never caller text) and how a caller's value becomes a parameter. Declared as a static member of
/// the <see cref="SqlStatementsAttribute"/> class whose queries take the resulting <see cref="SqlFilter"/>.
/// </summary>
public sealed class FilterSpec(IReadOnlyDictionary<string, FilterField> fields)
{
    public IReadOnlyDictionary<string, FilterField> Fields => fields;

    /// <summary>Parses the request's filter; bad syntax, unknown fields or bad values → INVALID_ARGUMENT on <paramref name="field"/>.</summary>
    public SqlFilter Parse(string? filter, string field = "filter") => new(Filter.Parse(filter, fields, field), fields);
}

/// <summary>
/// A parsed filter as SQL: <see cref="Sql"/> is " AND {column} {op} @f0 …" (empty without terms), to
/// append to a WHERE clause; <see cref="AddTo"/> binds the values.
/// </summary>
public sealed class SqlFilter(IReadOnlyList<FilterTerm> terms, IReadOnlyDictionary<string, FilterField> fields)
{
    public static readonly SqlFilter None = new([], new Dictionary<string, FilterField>());

    public IReadOnlyList<FilterTerm> Terms => terms;

    public string Sql => string.Concat(terms.Select((t, n) => $" AND {fields[t.Field].Column} {t.SqlOperator} @f{n}"));

    public DynamicParameters AddTo(DynamicParameters parameters)
    {
        for (var n = 0; n < terms.Count; n++)
            parameters.Add($"f{n}", fields[terms[n].Field].Convert(terms[n].Value));
        return parameters;
    }
}
