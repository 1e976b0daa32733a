using DotNet.Testcontainers.Builders;
using Microsoft.Data.SqlClient;
using Testcontainers.MsSql;
using Xunit;

namespace IntegrationServices.Testing;

/// <summary>
/// The one SQL Server fixture: hands out fresh, uniquely named databases (the services create them on start,
/// as in production) and drops every one of them when disposed. The server is, in this order:
/// <list type="number">
/// <item>the one <c>SQLSERVER_TEST_CONNECTION</c> names;</item>
/// <item>else SQL Server 2022 in a container (Testcontainers), started once per test process when a container
/// engine answers, and removed with the process;</item>
/// <item>else none: <see cref="SkipReason"/> says why, and the tests using it are reported as skipped.</item>
/// </list>
/// Call <see cref="InitializeAsync"/> first (xunit does for a class fixture).
/// </summary>
public sealed class SqlServerDatabases : IAsyncLifetime
{
    public const string Variable = "SQLSERVER_TEST_CONNECTION";

    /// <summary>The image the container path runs: the edition compose.yaml runs.</summary>
    public const string Image = "mcr.microsoft.com/mssql/server:2022-latest";

    private static readonly Lazy<Task<Server>> Shared = new(FindServerAsync);

    private readonly List<string> _created = [];
    private Server? _server;

    private sealed record Server(string? ConnectionString, string? SkipReason);

    private Server Resolved => _server ?? throw new InvalidOperationException($"{nameof(SqlServerDatabases)}.{nameof(InitializeAsync)} has not run.");

    public async ValueTask InitializeAsync() => _server = await Shared.Value;

    /// <summary>Null when a server is there; else the reason the SQL Server tests are skipped.</summary>
    public string? SkipReason => Resolved.SkipReason;

    public bool Available => SkipReason is null;

    /// <summary>Skips the calling test when there is no server.</summary>
    public void SkipUnlessAvailable()
    {
        if (SkipReason is { } reason) Assert.Skip(reason);
    }

    /// <summary>The connection string of a new database named <paramref name="prefix"/>_{guid}; dropped on dispose.</summary>
    public string NewDatabase(string prefix)
    {
        SkipUnlessAvailable();
        var name = $"{prefix}_{Guid.NewGuid():N}";
        lock (_created) _created.Add(name);
        return new SqlConnectionStringBuilder(Resolved.ConnectionString) { InitialCatalog = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not { ConnectionString: { } server }) return;
        SqlConnection.ClearAllPools();
        await using var master = new SqlConnection(new SqlConnectionStringBuilder(server) { InitialCatalog = "master" }.ConnectionString);
        await master.OpenAsync();
        foreach (var name in _created)
        {
            await using var drop = master.CreateCommand();
            // The name is ours (prefix and GUID), never caller text.
            drop.CommandText = $"IF DB_ID(N'{name}') IS NOT NULL BEGIN ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}]; END";
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task<Server> FindServerAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given) return new Server(given, null);
        MsSqlContainer container;
        try
        {
            container = new MsSqlBuilder(Image).Build();
        }
        catch (DockerUnavailableException e)
        {
            return new Server(null, $"SQL Server contract test: {Variable} is not set and no container engine answers to start {Image} ({e.Message.Split('\n')[0].Trim()}).");
        }
        // An engine is there: a server that does not start is a failure, not a skip. Testcontainers' resource
        // reaper removes the container when the test process ends.
        await container.StartAsync();
        return new Server(container.GetConnectionString(), null);
    }
}
