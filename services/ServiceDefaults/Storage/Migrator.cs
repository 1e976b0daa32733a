using System.Reflection;
using DbUp;
using DbUp.Engine;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace IntegrationServices.ServiceDefaults.Storage;

/// <summary>
/// Applies a service's versioned SQL scripts (embedded resources under <c>Migrations/Sqlite</c> or
/// <c>Migrations/SqlServer</c>) plus the platform scripts every service shares (audit trail, request
/// ids). DbUp journals what ran in <c>SchemaVersions</c>, so a restart applies nothing twice. Replicas
/// (or hosts) starting at once never migrate side by side: on SQL Server an application lock on master
/// covers creating the database and its settings, then one in the database covers the scripts; on SQLite
/// an exclusive lock on a lock file beside the database covers everything.
/// </summary>
public static class Migrator
{
    private const string DatabaseCreationLock = "IntegrationServices.DatabaseCreation";
    private const string MigrationsLock = "IntegrationServices.Migrations";

    /// <summary>
    /// Readies the service's database before it takes traffic: SQLite switched to write-ahead logging, and, with
    /// <c>Storage:MigrateOnStart</c>, the migrations applied — serialized against every other host on the same
    /// database (see the class summary).
    /// </summary>
    public static void Prepare(Database database, Assembly serviceAssembly, ILogger logger)
    {
        var connectionString = string.IsNullOrWhiteSpace(database.Options.MigrationConnectionString)
            ? database.ConnectionString
            : database.Options.MigrationConnectionString;
        if (database.Dialect.Provider == StorageProvider.Sqlite)
        {
            // The journal mode switch needs the file to itself too: under the same lock.
            using var gate = SqliteMigrationLock(connectionString);
            database.UseWriteAheadLog();
            if (database.Options.MigrateOnStart) Run(Upgrader(database, connectionString, serviceAssembly, logger));
            return;
        }
        if (!database.Options.MigrateOnStart) return;
        PrepareSqlServerDatabase(connectionString, logger);
        // Several replicas may start at once: one migrates, the others wait for it.
        using var connection = new SqlConnection(connectionString);
        connection.Open();
        UnderAppLock(connection, MigrationsLock, () => Run(Upgrader(database, connectionString, serviceAssembly, logger)));
    }

    private static UpgradeEngine Upgrader(Database database, string connectionString, Assembly serviceAssembly, ILogger logger)
    {
        var sqlServer = database.Dialect.Provider == StorageProvider.SqlServer;
        var builder = sqlServer ? DeployChanges.To.SqlDatabase(connectionString) : DeployChanges.To.SqliteDatabase(connectionString);
        return builder
            .WithScripts(Scripts(serviceAssembly, database.Dialect.Provider))
            .WithTransactionPerScript()
            .WithExecutionTimeout(TimeSpan.FromSeconds(database.CommandTimeout * 10))
            .LogTo(new DbUpLog(logger))
            .Build();
    }

    /// <summary>
    /// Under an application lock on master (so that two replicas never both create it): creates the database
    /// if it is missing and turns on READ_COMMITTED_SNAPSHOT, so that readers read the last committed version
    /// instead of waiting for writers' locks (and never block writers). The setting cannot change inside a
    /// transaction, nor while other connections use the database, hence here, before this process connects to
    /// it; it is changed only once (when off), rolling back other sessions' work after 10 seconds.
    /// </summary>
    private static void PrepareSqlServerDatabase(string connectionString, ILogger logger)
    {
        var name = new SqlConnectionStringBuilder(connectionString).InitialCatalog;
        if (string.IsNullOrEmpty(name)) throw new InvalidOperationException("Storage:ConnectionString names no database (Database=…).");
        using var master = new SqlConnection(new SqlConnectionStringBuilder(connectionString) { InitialCatalog = "master" }.ConnectionString);
        master.Open();
        UnderAppLock(master, DatabaseCreationLock, () =>
        {
            using var prepare = new SqlCommand(MigrationLock.PrepareDatabase, master) { CommandTimeout = 600 };
            prepare.Parameters.AddWithValue("@Name", name);
            using var reader = prepare.ExecuteReader();
            do
            {
                while (reader.Read()) logger.LogInformation("{Database}: {Step}", name, reader.GetString(0));
            } while (reader.NextResult());
        });
    }

    /// <summary>Runs <paramref name="work"/> holding the session-level application lock <paramref name="resource"/> on <paramref name="connection"/>.</summary>
    private static void UnderAppLock(SqlConnection connection, string resource, Action work)
    {
        using (var take = new SqlCommand(MigrationLock.Take, connection) { CommandTimeout = 600 })
        {
            take.Parameters.AddWithValue("@Resource", resource);
            take.ExecuteNonQuery();
        }
        try { work(); }
        finally
        {
            using var release = new SqlCommand(MigrationLock.Release, connection);
            release.Parameters.AddWithValue("@Resource", resource);
            release.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// SQLite: an exclusive lock on <c>{database file}.migration-lock</c>, held until disposed. SQLite's file
    /// locks span processes and go with a process that dies, so a second host waits here (up to 10 minutes)
    /// and then finds every script applied. Null for a database that is not a file.
    /// </summary>
    private static SqliteConnection? SqliteMigrationLock(string connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (string.IsNullOrEmpty(file) || file == ":memory:") return null;
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = file + ".migration-lock",
            Pooling = false, // disposing must really close the file, which releases the lock
            DefaultTimeout = 600,
        }.ToString());
        try
        {
            connection.Open();
            using var begin = connection.CreateCommand();
            begin.CommandText = "BEGIN EXCLUSIVE";
            begin.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Every migration script of one dialect, ordered by file name across assemblies (each assembly once).</summary>
    public static IReadOnlyList<SqlScript> Scripts(IEnumerable<Assembly> assemblies, string folder) =>
        assemblies.Distinct()
            .SelectMany(a => a.GetManifestResourceNames()
                .Where(n => n.Contains(folder, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
                .Select(n => (Assembly: a, Resource: n)))
            .Select(x =>
            {
                using var stream = x.Assembly.GetManifestResourceStream(x.Resource)!;
                using var reader = new StreamReader(stream);
                // The journal names scripts by file name, so renaming an assembly re-runs nothing.
                var fileName = x.Resource[(x.Resource.IndexOf(folder, StringComparison.Ordinal) + folder.Length)..];
                return new SqlScript(fileName, reader.ReadToEnd());
            })
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();

    public static IReadOnlyList<SqlScript> Scripts(Assembly serviceAssembly, StorageProvider provider) =>
        Scripts([typeof(Migrator).Assembly, serviceAssembly],
            provider == StorageProvider.SqlServer ? ".Migrations.SqlServer." : ".Migrations.Sqlite.");

    private static void Run(UpgradeEngine upgrader)
    {
        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
            throw new InvalidOperationException($"Database migration failed at script '{result.ErrorScript?.Name}': {result.Error?.Message}", result.Error);
    }

    private sealed class DbUpLog(ILogger logger) : DbUp.Engine.Output.IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) { }
        public void LogDebug(string format, params object[] args) { }
        public void LogInformation(string format, params object[] args) => logger.LogInformation("{Migration}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
        public void LogWarning(string format, params object[] args) => logger.LogWarning("{Migration}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
        public void LogError(string format, params object[] args) => logger.LogError("{Migration}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, "{Migration}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
    }
}

/// <summary>
/// SQL Server: the session-level application locks that serialize replicas starting at once — one on master
/// around creating a database and changing its settings (<see cref="PrepareDatabase"/>, <c>@Name</c>: the
/// database; each step it takes comes back as a row, for the log), one in the database around its scripts.
/// </summary>
[SqlStatements]
public sealed class MigrationLock
{
    public const string Take = """
        DECLARE @result int;
        EXEC @result = sp_getapplock @Resource = @Resource, @LockMode = N'Exclusive', @LockOwner = N'Session', @LockTimeout = 600000;
        IF @result < 0 THROW 50001, N'Could not take the migration lock within 10 minutes.', 1;
        """;

    public const string Release = """
        EXEC sp_releaseapplock @Resource = @Resource, @LockOwner = N'Session';
        """;

    public const string PrepareDatabase = """
        IF DB_ID(@Name) IS NULL
        BEGIN
            DECLARE @create nvarchar(max) = N'CREATE DATABASE ' + QUOTENAME(@Name);
            EXEC (@create);
            SELECT N'created';
        END;
        IF EXISTS (SELECT 1 FROM sys.databases WHERE name = @Name AND is_read_committed_snapshot_on = 0)
        BEGIN
            DECLARE @snapshot nvarchar(max) = N'ALTER DATABASE ' + QUOTENAME(@Name) + N' SET READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK AFTER 10 SECONDS';
            EXEC (@snapshot);
            SELECT N'READ_COMMITTED_SNAPSHOT turned on';
        END;
        """;
}
