using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using IntegrationServices.ServiceDefaults.Hosting;
using IntegrationServices.ServiceDefaults.Observability;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace IntegrationServices.ServiceDefaults.Storage;

/// <summary>A service's own database: opens connections and runs units of work in a transaction.</summary>
public sealed class Database
{
    private readonly ServiceMetrics? _metrics;
    private readonly string _readConnectionString;

    public Database(IOptions<StorageOptions> options, ServiceIdentity service, ServiceMetrics? metrics = null)
    {
        _metrics = metrics;
        Options = options.Value;
        Dialect = SqlDialect.For(Options.Provider);
        ConnectionString = ResolveConnectionString(Options, service.StorageName);
        _readConnectionString = ForReads(Options.Provider, ConnectionString);
    }

    public StorageOptions Options { get; }

    public SqlDialect Dialect { get; }

    public string ConnectionString { get; }

    public int CommandTimeout => Options.CommandTimeoutSeconds;

    public static string ResolveConnectionString(StorageOptions options, string storageName)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString)) return options.ConnectionString;
        if (options.Provider == StorageProvider.SqlServer)
            throw new InvalidOperationException("Storage:ConnectionString is required when Storage:Provider is SqlServer.");
        var directory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(directory);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(directory, storageName + ".db"),
            ForeignKeys = true,
            DefaultTimeout = options.CommandTimeoutSeconds,
        }.ToString();
    }

    /// <summary>
    /// SQLite: the connection string of <see cref="ReadAsync{T}"/>, without <c>Foreign Keys</c>. With the
    /// keyword, Microsoft.Data.Sqlite runs <c>PRAGMA foreign_keys</c> on every open, pooled or not; a read
    /// checks no foreign key, so it does not pay for one. Its connections pool apart from the writers'.
    /// </summary>
    private static string ForReads(StorageProvider provider, string connectionString) => provider == StorageProvider.Sqlite
        ? new SqliteConnectionStringBuilder(connectionString) { ForeignKeys = null }.ToString()
        : connectionString;

    public DbConnection CreateConnection() => CreateConnection(ConnectionString);

    private DbConnection CreateConnection(string connectionString) => Options.Provider == StorageProvider.SqlServer
        ? new SqlConnection(connectionString)
        : new SqliteConnection(connectionString);

    /// <summary>
    /// Opens a connection; how long the caller holds it is recorded as the duration of
    /// <paramref name="operation"/> (the calling repository method) in <c>db.client.operation.duration</c>.
    /// </summary>
    public Task<DbConnection> OpenAsync(CancellationToken ct, [CallerMemberName] string operation = "") =>
        OpenAsync(ConnectionString, ct, operation);

    private async Task<DbConnection> OpenAsync(string connectionString, CancellationToken ct, string operation)
    {
        var connection = CreateConnection(connectionString);
        try
        {
            var started = Stopwatch.GetTimestamp();
            await connection.OpenAsync(ct);
            if (_metrics is { } metrics)
                connection.Disposed += (_, _) => metrics.DbDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                    new KeyValuePair<string, object?>("db.system", Dialect.Provider == StorageProvider.SqlServer ? "mssql" : "sqlite"),
                    new KeyValuePair<string, object?>("db.operation", operation));
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs a read on its own connection, without a transaction; the connection is released when
    /// <paramref name="work"/> returns. How long it was held is recorded as <paramref name="operation"/>.
    /// </summary>
    public async Task<T> ReadAsync<T>(Func<DbScope, Task<T>> work, CancellationToken ct, [CallerMemberName] string operation = "")
    {
        await using var connection = await OpenAsync(_readConnectionString, ct, operation);
        return await work(new DbScope(connection, null, CommandTimeout));
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction: committed when it returns, rolled back when it
    /// throws, so a failed request never leaves a partial write. SQLite transactions are IMMEDIATE
    /// (Microsoft.Data.Sqlite's default), which serializes writers instead of failing on lock upgrade.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<DbScope, Task<T>> work, CancellationToken ct, [CallerMemberName] string operation = "")
    {
        await using var connection = await OpenAsync(ct, operation);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        var result = await work(new DbScope(connection, transaction, CommandTimeout));
        await transaction.CommitAsync(ct);
        return result;
    }

    public Task WriteAsync(Func<DbScope, Task> work, CancellationToken ct, [CallerMemberName] string operation = "") =>
        WriteAsync<bool>(async scope => { await work(scope); return true; }, ct, operation);

    /// <summary>
    /// SQLite only: switches the database file to write-ahead logging. In SQLite's default rollback
    /// journal a reader holds a lock that keeps writers from committing, so a bulk consumer still
    /// reading a stream (the snapshot worker) made every write wait and fail with "database is
    /// locked". With WAL, readers keep their snapshot and writers commit. The mode is stored in the
    /// file, so this runs once at start, before the service takes traffic.
    /// </summary>
    public void UseWriteAheadLog()
    {
        if (Options.Provider != StorageProvider.Sqlite) return;
        using var connection = CreateConnection();
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL";
        command.ExecuteNonQuery();
    }

    /// <summary>A round trip for readiness probes.</summary>
    public async Task PingAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(_readConnectionString, ct, nameof(PingAsync));
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        await command.ExecuteScalarAsync(ct);
    }
}
