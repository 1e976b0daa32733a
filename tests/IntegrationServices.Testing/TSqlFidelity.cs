using System.Reflection;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Xunit;

namespace IntegrationServices.Testing;

/// <summary>
/// Checks the SQL Server path statically, since no SQL Server runs here: every SQL Server migration
/// script and every statement of every <see cref="SqlStatementsAttribute"/> class (instantiated for
/// the SQL Server dialect) parses under the official T-SQL parser, and every table a statement names
/// is created by the SQL Server migrations.
/// </summary>
public static class TSqlFidelity
{
    public static IReadOnlyList<string> Errors(string sql)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        parser.Parse(reader, out var errors);
        return errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}").ToList();
    }

    public static TSqlFragment Parse(string sql)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        var fragment = parser.Parse(reader, out var errors);
        Assert.True(errors.Count == 0, $"T-SQL parse errors:\n{string.Join("\n", errors.Select(e => $"line {e.Line}: {e.Message}"))}\n---\n{sql}");
        return fragment;
    }

    /// <summary>
    /// Every SQL statement the SQL Server dialect can issue, by "Type.Member": each string field and property
    /// of every <see cref="SqlStatementsAttribute"/> class (instantiated for SQL Server), and each method
    /// returning a string, called with sample arguments — every combination of its bool and enum
    /// parameters, and for a <see cref="SqlFilter"/> one condition on every field of each
    /// <see cref="FilterSpec"/> the class declares. A parameter of any other type fails the check, so that a
    /// statement cannot escape it by taking one.
    /// </summary>
    public static IReadOnlyList<(string Name, string Sql)> SqlServerStatements(params Assembly[] assemblies)
    {
        var statements = new List<(string, string)>();
        foreach (var type in assemblies.Append(typeof(SqlDialect).Assembly).Distinct().SelectMany(a => a.GetTypes())
                     .Where(t => t.GetCustomAttribute<SqlStatementsAttribute>() is not null))
        {
            var ctor = type.GetConstructor(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, [typeof(SqlDialect)]);
            var instance = ctor is not null ? ctor.Invoke([SqlDialect.SqlServer])
                : type.IsAbstract ? null : Activator.CreateInstance(type, nonPublic: true);
            const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
            foreach (var field in type.GetFields(flags).Where(f => f.FieldType == typeof(string) && (f.IsLiteral || f.IsStatic || instance is not null)))
                if (field.GetValue(field.IsStatic ? null : instance) is string sql && !field.Name.Contains('<'))
                    statements.Add(($"{type.Name}.{field.Name}", sql));
            foreach (var property in type.GetProperties(flags).Where(p => p.PropertyType == typeof(string) && p.GetIndexParameters().Length == 0))
                if (property.GetValue(property.GetMethod!.IsStatic ? null : instance) is string sql)
                    statements.Add(($"{type.Name}.{property.Name}", sql));
            foreach (var method in type.GetMethods(flags).Where(m => m.ReturnType == typeof(string) && !m.IsSpecialName && m.GetParameters().Length > 0))
                foreach (var arguments in SampleArguments(type, method))
                    if (method.Invoke(method.IsStatic ? null : instance, arguments.Select(a => a.Value).ToArray()) is string sql)
                        statements.Add(($"{type.Name}.{method.Name}({string.Join(", ", arguments.Select(a => a.Label))})", sql));
        }
        return statements;
    }

    private static IEnumerable<IReadOnlyList<(object? Value, string Label)>> SampleArguments(Type type, MethodInfo method)
    {
        IEnumerable<IReadOnlyList<(object?, string)>> combinations = [[]];
        foreach (var parameter in method.GetParameters())
        {
            var samples = Samples(type, method, parameter).ToList();
            combinations = combinations.SelectMany(c => samples.Select(s => (IReadOnlyList<(object?, string)>)[.. c, s])).ToList();
        }
        return combinations;
    }

    private static IEnumerable<(object? Value, string Label)> Samples(Type type, MethodInfo method, ParameterInfo parameter)
    {
        var t = parameter.ParameterType;
        if (t == typeof(bool)) return [(false, $"{parameter.Name}: false"), (true, $"{parameter.Name}: true")];
        if (t.IsEnum) return Enum.GetValues(t).Cast<object>().Select(v => ((object?)v, $"{parameter.Name}: {v}"));
        if (t == typeof(SqlFilter))
        {
            var specs = type.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                .Select(m => m switch { FieldInfo f when f.FieldType == typeof(FilterSpec) => f.GetValue(null), PropertyInfo p when p.PropertyType == typeof(FilterSpec) => p.GetValue(null), _ => null })
                .OfType<FilterSpec>().ToList();
            return specs.Count == 0
                ? [(SqlFilter.None, $"{parameter.Name}: none")]
                : specs.Select(spec => ((object?)new SqlFilter(spec.Fields.Keys.Select(k => new FilterTerm(k, FilterOperator.Equal, "")).ToList(), spec.Fields),
                    $"{parameter.Name}: {string.Join(" AND ", spec.Fields.Keys)}"));
        }
        throw new InvalidOperationException(
            $"{type.Name}.{method.Name}: no sample argument for parameter '{parameter.Name}' of type {t.Name}; statement methods take bool, enum or SqlFilter parameters only.");
    }

    /// <summary>Asserts migrations and statements of the given service assembly (plus the shared ones).</summary>
    public static void AssertValid(Assembly serviceAssembly)
    {
        var failures = new List<string>();
        var created = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var scripts = Migrator.Scripts(serviceAssembly, StorageProvider.SqlServer);
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            var errors = Errors(script.Contents);
            if (errors.Count > 0) { failures.Add($"migration {script.Name}: {string.Join("; ", errors)}"); continue; }
            var visitor = new TableVisitor();
            Parse(script.Contents).Accept(visitor);
            created.UnionWith(visitor.Created);
        }

        var statements = SqlServerStatements(serviceAssembly);
        Assert.NotEmpty(statements);
        foreach (var (name, sql) in statements)
        {
            var errors = Errors(sql);
            if (errors.Count > 0) { failures.Add($"{name}: {string.Join("; ", errors)}\n{sql}"); continue; }
            var visitor = new TableVisitor();
            Parse(sql).Accept(visitor);
            foreach (var table in visitor.Referenced.Except(visitor.CommonTableExpressions, StringComparer.OrdinalIgnoreCase))
                if (!created.Contains(table) && !table.StartsWith('#') && !table.StartsWith("sys.", StringComparison.OrdinalIgnoreCase))
                    failures.Add($"{name}: table '{table}' is not created by any SQL Server migration");
        }
        Assert.True(failures.Count == 0, "T-SQL fidelity failures:\n" + string.Join("\n", failures));
    }

    private sealed class TableVisitor : TSqlFragmentVisitor
    {
        public HashSet<string> Created { get; } = new(StringComparer.OrdinalIgnoreCase);
        public HashSet<string> Referenced { get; } = new(StringComparer.OrdinalIgnoreCase);
        public HashSet<string> CommonTableExpressions { get; } = new(StringComparer.OrdinalIgnoreCase);

        public override void Visit(CreateTableStatement node) => Created.Add(Name(node.SchemaObjectName));
        public override void Visit(NamedTableReference node) => Referenced.Add(Name(node.SchemaObject));
        public override void Visit(CommonTableExpression node) => CommonTableExpressions.Add(node.ExpressionName.Value);

        private static string Name(SchemaObjectName name) =>
            name.SchemaIdentifier is { } schema && !schema.Value.Equals("dbo", StringComparison.OrdinalIgnoreCase)
                ? $"{schema.Value}.{name.BaseIdentifier.Value}"
                : name.BaseIdentifier.Value;
    }
}
