using IntegrationServices.Reporting.Core.Storage;
using IntegrationServices.Testing;

namespace IntegrationServices.Reporting.Core.Tests.Storage;

public sealed class TSqlFidelityTests
{
    [Fact]
    public void Every_reporting_statement_is_valid_TSql_on_tables_the_migrations_create()
    {
        // The shared check parses the SQL Server migrations of Reporting.Core and every statement of its
        // [SqlStatements] classes (statement methods called with every filter field), and requires every
        // table a statement names to be created by those migrations.
        TSqlFidelity.AssertValid(ReportingCoreExtensions.MigrationsAssembly);
        var statements = TSqlFidelity.SqlServerStatements(ReportingCoreExtensions.MigrationsAssembly);
        Assert.Contains(statements, s => s.Name == "SnapshotSql.LockCycle" && s.Sql.Contains("sp_getapplock") && s.Sql.Contains("@LockOwner = 'Transaction'"));
        Assert.Contains(statements, s => s.Name.StartsWith("ReportingCycleSql.Page(", StringComparison.Ordinal) && s.Sql.Contains("state = @f0") && s.Sql.Contains("reporting_date = @f1"));
        Assert.Contains(statements, s => s.Name.StartsWith("SnapshotSql.SnapshotPage(", StringComparison.Ordinal) && s.Sql.Contains("reference_date = @f0"));
        Assert.Equal(2, statements.Count(s => s.Name.StartsWith("SnapshotRunSql.RunPage(", StringComparison.Ordinal) && s.Sql.Contains("outcome = @f0")));
        Assert.Contains(statements, s => s.Name.StartsWith("SnapshotRunSql.RunPage(ofCycle: true", StringComparison.Ordinal) && s.Sql.Contains("cycle_id = @CycleId"));
        var snapshotStatements = statements.Count(s => s.Name.StartsWith("SnapshotSql.", StringComparison.Ordinal) || s.Name.StartsWith("SnapshotRunSql.", StringComparison.Ordinal));
        Assert.True(snapshotStatements >= 14, $"only {snapshotStatements} snapshot statements found");
        Assert.DoesNotContain(statements, s => s.Name.Contains("WithAll", StringComparison.Ordinal));
    }
}
