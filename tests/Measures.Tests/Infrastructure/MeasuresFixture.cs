using System.Collections.Concurrent;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace IntegrationServices.Measures.Tests.Infrastructure;

/// <summary>
/// One Measures host per test class: the real composition (AddMeasuresService / MapMeasuresService)
/// on TestServer. Subclasses choose the database; a fixture that cannot run here says why in
/// <see cref="SkipReason"/>, and every test using it is then reported as skipped.
/// </summary>
public abstract class MeasuresFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, MeasuresClient> _clients = new();

    public TestHost? Host { get; private set; }

    /// <summary>Errors the host logged (the server side of any INTERNAL).</summary>
    public ErrorLog Errors { get; } = new();

    /// <summary>Why the tests of this fixture cannot run here (null: they can).</summary>
    public virtual string? SkipReason => null;

    protected abstract IDictionary<string, string?>? Settings();

    public virtual async ValueTask InitializeAsync()
    {
        if (SkipReason is not null) return;
        Host = await TestHost.StartAsync(b =>
        {
            b.AddMeasuresService();
            b.Logging.AddProvider(Errors);
        }, a => a.MapMeasuresService(), Settings());
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (Host is not null) await Host.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>A cached client acting with the given token.</summary>
    public MeasuresClient Client(string key, Func<string?> token) =>
        _clients.GetOrAdd(key, _ => new MeasuresClient(Host!.Invoker(token()).Intercept(new ServerErrorsInMessages(Errors))));
}

/// <summary>SQLite: a real database file in a fresh temporary directory.</summary>
public sealed class SqliteFixture : MeasuresFixture
{
    protected override IDictionary<string, string?>? Settings() => null;
}

/// <summary>
/// SQL Server (<see cref="SqlServerDatabases"/>: <c>SQLSERVER_TEST_CONNECTION</c>, else a container where an
/// engine answers): a fresh database per test class (the service creates it on start, as in production),
/// dropped afterwards.
/// </summary>
public sealed class SqlServerFixture : MeasuresFixture
{
    private readonly SqlServerDatabases _databases = new();

    public override string? SkipReason => _databases.SkipReason;

    public override async ValueTask InitializeAsync()
    {
        await _databases.InitializeAsync();
        await base.InitializeAsync();
    }

    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Storage:Provider"] = "SqlServer",
        ["Storage:ConnectionString"] = _databases.NewDatabase("measures_test"),
    };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _databases.DisposeAsync();
    }
}

/// <summary>Tokens of the roles the tests act as.</summary>
public static class Who
{
    public static string Admin => TestTokens.For([Roles.Admin], subject: "admin-user", name: "Admin User");
    public static string Coordinator => TestTokens.For([Roles.Coordinator], subject: "coordinator-user", name: "Coordinator User");
    public static string Reader => TestTokens.For([Roles.Reader], subject: "reader-user");
    public static string Worker => TestTokens.For([Roles.Worker], subject: "snapshot-worker");
}
