using Microsoft.Data.SqlClient;
using Xunit;

namespace IntegrationServices.Testing;

/// <summary>
/// The one SQL Server fixture: hands out fresh, uniquely named databases on the server that
/// <c>SQLSERVER_TEST_CONNECTION</c> names (the services create them on start, as in production) and drops
/// every one of them when disposed. Without a server, <see cref="SkipReason"/> says why the tests using
/// it are reported as skipped.
/// </summary>
public sealed class SqlServerDatabases : IAsyncDisposable
{
    public const string Variable = "SQLSERVER_TEST_CONNECTION";

    private readonly string? _server = Environment.GetEnvironmentVariable(Variable);
    private readonly List<string> _created = [];

    /// <summary>Null when a server is given; else the reason the SQL Server tests are skipped.</summary>
    public string? SkipReason => string.IsNullOrWhiteSpace(_server)
        ? $"SQL Server contract test: {Variable} is not set (a SQL Server connection string runs it)."
        : null;

    public bool Available => SkipReason is null;

    /// <summary>Skips the calling test when no server is given.</summary>
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
        return new SqlConnectionStringBuilder(_server) { InitialCatalog = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (!Available) return;
        SqlConnection.ClearAllPools();
        await using var master = new SqlConnection(new SqlConnectionStringBuilder(_server) { InitialCatalog = "master" }.ConnectionString);
        await master.OpenAsync();
        foreach (var name in _created)
        {
            await using var drop = master.CreateCommand();
            // The name is ours (prefix and GUID), never caller text.
            drop.CommandText = $"IF DB_ID(N'{name}') IS NOT NULL BEGIN ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}]; END";
            await drop.ExecuteNonQueryAsync();
        }
    }
}
