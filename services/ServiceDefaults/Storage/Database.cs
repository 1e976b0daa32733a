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

/// <summary>
/// A service's own database: opens connections and runs units of work in a transaction. Each unit of work
/// (the calling repository or application method) is one client span of <see cref="ActivitySource"/> and
/// one <c>db.client.operation.duration</c> measurement; on SQL Server the SqlClient instrumentation adds a
/// span per command below it.
/// </summary>
public sealed class Database : IDisposable
{
    /// <summary>The storage layer's spans (traced only where a tracer provider listens).</summary>
    public static readonly ActivitySource ActivitySource = new(Telemetry.SourcePrefix + ".Storage");

    private readonly ServiceMetrics? _metrics;
    private readonly string _readConnectionString;
    private readonly SqliteReadConnections? _reads;
    private readonly string _system;
    private readonly string _namespace;

    public Database(IOptions<StorageOptions> options, ServiceIdentity service, ServiceMetrics? metrics = null)
    {
        _metrics = metrics;
        Options = options.Value;
        Dialect = SqlDialect.For(Options.Provider);
        ConnectionString = ResolveConnectionString(Options, service.StorageName);
        _readConnectionString = ForReads(Options.Provider, ConnectionString);
        _reads = Options.Provider == StorageProvider.Sqlite ? new SqliteReadConnections(_readConnectionString) : null;
        (_system, _namespace) = Options.Provider == StorageProvider.SqlServer
            ? ("microsoft.sql_server", new SqlConnectionStringBuilder(ConnectionString).InitialCatalog)
            : ("sqlite", Path.GetFileNameWithoutExtension(new SqliteConnectionStringBuilder(ConnectionString).DataSource));
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

    private DbConnection CreateConnection(string connectionString) => Options.Provider == StorageProvider.SqlServer
        ? new SqlConnection(connectionString)
        : new StatementCachingConnection(connectionString);

    /// <summary>
    /// Opens a connection; how long the caller holds it is recorded as the duration of
    /// <paramref name="operation"/> (the calling repository method) in <c>db.client.operation.duration</c>,
    /// and traced as one span that ends when the connection is disposed.
    /// </summary>
    public async Task<DbConnection> OpenAsync(CancellationToken ct, [CallerMemberName] string operation = "")
    {
        var activity = StartActivity(operation);
        try
        {
            return await OpenAsync(ConnectionString, operation, activity, ct);
        }
        catch (Exception e)
        {
            Fail(activity, e);
            activity?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs a read on its own connection, without a transaction; the connection is released when
    /// <paramref name="work"/> returns. How long it was held is recorded as <paramref name="operation"/>.
    /// SQLite reads run on kept connections that keep their prepared statements (<see cref="SqliteReadConnections"/>).
    /// </summary>
    public async Task<T> ReadAsync<T>(Func<DbScope, Task<T>> work, CancellationToken ct, [CallerMemberName] string operation = "")
    {
        using var activity = StartActivity(operation);
        try
        {
            if (_reads is null)
            {
                await using var connection = await OpenAsync(_readConnectionString, operation, null, ct);
                return await work(new DbScope(connection, null, CommandTimeout));
            }
            var started = Stopwatch.GetTimestamp();
            var kept = await _reads.RentAsync(ct);
            try
            {
                var result = await work(new DbScope(kept, null, CommandTimeout));
                _reads.Return(kept);
                kept = null;
                return result;
            }
            finally
            {
                kept?.Dispose();
                Record(operation, started);
            }
        }
        catch (Exception e)
        {
            Fail(activity, e);
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction: committed when it returns, rolled back when it
    /// throws, so a failed request never leaves a partial write. SQLite transactions are IMMEDIATE
    /// (Microsoft.Data.Sqlite's default), which serializes writers instead of failing on lock upgrade.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<DbScope, Task<T>> work, CancellationToken ct, [CallerMemberName] string operation = "")
    {
        using var activity = StartActivity(operation);
        try
        {
            await using var connection = await OpenAsync(ConnectionString, operation, null, ct);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
            var result = await work(new DbScope(connection, transaction, CommandTimeout));
            await transaction.CommitAsync(ct);
            return result;
        }
        catch (Exception e)
        {
            Fail(activity, e);
            throw;
        }
    }

    public Task WriteAsync(Func<DbScope, Task> work, CancellationToken ct, [CallerMemberName] string operation = "") =>
        WriteAsync<bool>(async scope => { await work(scope); return true; }, ct, operation);

    /// <summary>Opens a connection whose disposal records the metric and ends <paramref name="activity"/> (if any).</summary>
    private async Task<DbConnection> OpenAsync(string connectionString, string operation, Activity? activity, CancellationToken ct)
    {
        var connection = CreateConnection(connectionString);
        try
        {
            var started = Stopwatch.GetTimestamp();
            await connection.OpenAsync(ct);
            connection.Disposed += (_, _) =>
            {
                Record(operation, started);
                activity?.Dispose();
            };
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Records how long <paramref name="operation"/> held its connection in <c>db.client.operation.duration</c>.</summary>
    private void Record(string operation, long started) =>
        _metrics?.DbDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>("db.system", Dialect.Provider == StorageProvider.SqlServer ? "mssql" : "sqlite"),
            new KeyValuePair<string, object?>("db.operation", operation));

    /// <summary>A client span "{operation} {database}" (OpenTelemetry's database conventions), or null when nobody traces.</summary>
    private Activity? StartActivity(string operation)
    {
        var activity = ActivitySource.StartActivity($"{operation} {_namespace}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("db.system.name", _system);
            activity.SetTag("db.namespace", _namespace);
            activity.SetTag("db.operation.name", operation);
        }
        return activity;
    }

    private static void Fail(Activity? activity, Exception e)
    {
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, e.Message);
        activity.SetTag("error.type", e.GetType().FullName);
    }

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
        using var connection = CreateConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL";
        command.ExecuteNonQuery();
    }

    /// <summary>A round trip for readiness probes.</summary>
    public Task PingAsync(CancellationToken ct) => ReadAsync(db => db.ExecuteScalarAsync<long>("SELECT 1", null, ct), ct);

    /// <summary>Closes the kept read connections (SQLite).</summary>
    public void Dispose() => _reads?.Dispose();
}
