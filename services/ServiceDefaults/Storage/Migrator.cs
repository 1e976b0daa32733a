using System.Reflection;
using DbUp;
using DbUp.Engine;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Logging;

namespace IntegrationServices.ServiceDefaults.Storage;

/// <summary>
/// Applies a service's versioned SQL scripts (embedded resources under <c>Migrations/Sqlite</c> or
/// <c>Migrations/SqlServer</c>) plus the platform scripts every service shares (audit trail, request
/// ids). DbUp journals what ran in <c>SchemaVersions</c>, so a restart applies nothing twice.
/// </summary>
public static class Migrator
{
    public static void Migrate(Database database, Assembly serviceAssembly, ILogger logger)
    {
        var folder = database.Dialect.Provider == StorageProvider.SqlServer ? ".Migrations.SqlServer." : ".Migrations.Sqlite.";
        var assemblies = new[] { typeof(Migrator).Assembly, serviceAssembly };
        var builder = database.Dialect.Provider == StorageProvider.SqlServer
            ? DeployChanges.To.SqlDatabase(database.ConnectionString)
            : DeployChanges.To.SqliteDatabase(database.ConnectionString);

        var upgrader = builder
            .WithScripts(Scripts(assemblies, folder))
            .WithTransactionPerScript()
            .WithExecutionTimeout(TimeSpan.FromSeconds(database.CommandTimeout * 10))
            .LogTo(new DbUpLog(logger))
            .Build();

        if (database.Dialect.Provider == StorageProvider.SqlServer)
        {
            EnsureDatabase.For.SqlDatabase(database.ConnectionString, new DbUpLog(logger));
            // Several replicas may start at once: one migrates, the others wait for it.
            using var gate = new SqlConnection(database.ConnectionString);
            gate.Open();
            using (var take = new SqlCommand(MigrationLock.Take, gate) { CommandTimeout = 600 }) take.ExecuteNonQuery();
            try { Run(upgrader); }
            finally
            {
                using var release = new SqlCommand(MigrationLock.Release, gate);
                release.ExecuteNonQuery();
            }
        }
        else
        {
            Run(upgrader);
        }
    }

    /// <summary>Every migration script of one dialect, ordered by file name across assemblies.</summary>
    public static IReadOnlyList<SqlScript> Scripts(IEnumerable<Assembly> assemblies, string folder) =>
        assemblies
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

/// <summary>The session-level application lock that serializes migrations across replicas (SQL Server).</summary>
[SqlStatements]
public sealed class MigrationLock
{
    public const string Take = """
        DECLARE @result int;
        EXEC @result = sp_getapplock @Resource = N'IntegrationServices.Migrations', @LockMode = N'Exclusive',
            @LockOwner = N'Session', @LockTimeout = 600000;
        IF @result < 0 THROW 50001, N'Could not take the migration lock within 10 minutes.', 1;
        """;

    public const string Release = """
        EXEC sp_releaseapplock @Resource = N'IntegrationServices.Migrations', @LockOwner = N'Session';
        """;
}
