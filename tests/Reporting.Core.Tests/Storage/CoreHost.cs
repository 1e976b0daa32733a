using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Hosting;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Storage;
using IntegrationServices.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.Reporting.Core.Tests.Storage;

/// <summary>
/// Reporting.Core on the hosting defaults alone (no gRPC services mapped), its database migrated: the
/// storage and the applications as the Reporting host and the worker use them.
/// </summary>
public static class CoreHost
{
    private static readonly ServiceIdentity Identity = new("integration.reporting.v1.ReportingCyclesService", "reporting");

    public static readonly WriteContext Writer = WriteContext.System("system:test", "Test", "test/contract", Roles.Admin);

    public static Task<TestHost> StartAsync(IDictionary<string, string?>? settings = null) =>
        TestHost.StartAsync(
            b =>
            {
                b.AddServiceDefaults(Identity, new DefaultPorts(5103, 5203));
                b.Services.AddReportingCore(b.Configuration, subject: "reporting-core-tests");
            },
            a => a.MigrateDatabase(ReportingCoreExtensions.MigrationsAssembly),
            settings);

    /// <summary>A second host on the same database as <paramref name="first"/>, e.g. a restarted process.</summary>
    public static Task<TestHost> StartOnSameDatabaseAsync(TestHost first, IDictionary<string, string?>? settings = null)
    {
        var database = first.Services.GetRequiredService<Database>();
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Storage:Provider"] = database.Dialect.Provider.ToString(),
            ["Storage:ConnectionString"] = database.ConnectionString,
        };
        return StartAsync(all);
    }

    public static T Get<T>(this TestHost host) where T : notnull => host.Services.GetRequiredService<T>();

    /// <summary>A read on the host's database, for looking at what the storage wrote.</summary>
    public static Task<T> ReadAsync<T>(this TestHost host, Func<DbScope, Task<T>> read) =>
        host.Get<Database>().ReadAsync(read, CancellationToken.None);

    public static Task<T> WriteAsync<T>(this TestHost host, Func<DbScope, Task<T>> write) =>
        host.Get<Database>().WriteAsync(write, CancellationToken.None);
}

/// <summary>Where the storage contract runs: SQLite always, SQL Server where <see cref="SqlServerDatabases"/> finds one.</summary>
public interface IStorageUnderTest
{
    Task<TestHost> StartAsync(IDictionary<string, string?>? settings = null);
}

public sealed class SqliteStorage : IStorageUnderTest
{
    public Task<TestHost> StartAsync(IDictionary<string, string?>? settings = null) => CoreHost.StartAsync(settings);
}

public sealed class SqlServerStorage(SqlServerDatabases databases) : IStorageUnderTest
{
    public Task<TestHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Storage:Provider"] = "SqlServer",
            ["Storage:ConnectionString"] = databases.NewDatabase("reporting_test"),
        };
        return CoreHost.StartAsync(all);
    }
}
