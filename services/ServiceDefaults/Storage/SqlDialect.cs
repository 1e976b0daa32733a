using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace IntegrationServices.ServiceDefaults.Storage;

/// <summary>
/// The few places where SQLite and SQL Server differ, each in one member. Repository SQL is written
/// once, in classes named <c>*Sql</c> that take the dialect in their constructor and splice in these
/// fragments; the T-SQL fidelity test instantiates every such class with <see cref="SqlServer"/> and
/// parses each statement.
/// </summary>
public abstract class SqlDialect
{
    public static readonly SqlDialect Sqlite = new SqliteDialect();
    public static readonly SqlDialect SqlServer = new SqlServerDialect();

    public static SqlDialect For(StorageProvider provider) =>
        provider == StorageProvider.SqlServer ? SqlServer : Sqlite;

    public abstract StorageProvider Provider { get; }

    /// <summary>Row limit at the end of an ORDER BY query (paging).</summary>
    public abstract string Limit(string parameter);

    /// <summary>Clause between the column list and VALUES of an INSERT that returns the new id (SQL Server).</summary>
    public abstract string OutputId { get; }

    /// <summary>Clause at the end of an INSERT that returns the new id (SQLite).</summary>
    public abstract string ReturningId { get; }

    /// <summary>Table hint that takes and holds an update lock until the transaction ends.</summary>
    public abstract string UpdateLock { get; }

    /// <summary>True when the exception is a unique/primary key violation (a concurrent duplicate).</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    private sealed class SqliteDialect : SqlDialect
    {
        public override StorageProvider Provider => StorageProvider.Sqlite;
        public override string Limit(string parameter) => $"LIMIT {parameter}";
        public override string OutputId => "";
        public override string ReturningId => "RETURNING id";
        // SQLite transactions are begun IMMEDIATE: the writer lock is already held.
        public override string UpdateLock => "";
        public override bool IsUniqueViolation(Exception exception) =>
            exception is SqliteException { SqliteErrorCode: 19 } e
            && (e.SqliteExtendedErrorCode is 1555 or 2067); // SQLITE_CONSTRAINT_PRIMARYKEY / _UNIQUE
    }

    private sealed class SqlServerDialect : SqlDialect
    {
        public override StorageProvider Provider => StorageProvider.SqlServer;
        public override string Limit(string parameter) => $"OFFSET 0 ROWS FETCH NEXT {parameter} ROWS ONLY";
        public override string OutputId => "OUTPUT INSERTED.id";
        public override string ReturningId => "";
        public override string UpdateLock => "WITH (UPDLOCK, HOLDLOCK)";
        public override bool IsUniqueViolation(Exception exception) =>
            exception is SqlException e && (e.Number is 2601 or 2627);
    }
}

/// <summary>Marks a class whose string properties are SQL statements (see <see cref="SqlDialect"/>).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SqlStatementsAttribute : Attribute;
