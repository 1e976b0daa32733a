using IntegrationServices.ServiceDefaults.Hosting;
using IntegrationServices.ServiceDefaults.Storage;
using IntegrationServices.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using SQLitePCL;

namespace IntegrationServices.ServiceDefaults.Tests;

/// <summary>
/// SQLite units of work compile each statement once per connection, and reads run on kept connections: what a
/// read sees and leaves behind must be exactly what a fresh connection would see and leave, on a real database
/// file (the set-up itself runs a text whose second statement needs the table its first creates).
/// </summary>
public sealed class StatementCacheTests : IDisposable
{
    private const string ValueOf = "SELECT value FROM items WHERE id = @Id";

    private readonly string _directory = TestHost.NewDataDirectory();
    private readonly Database _database;

    public StatementCacheTests()
    {
        _database = new Database(Options.Create(new StorageOptions { DataDirectory = _directory }), new ServiceIdentity("integration.test.v1.Test", "reads"));
        _database.UseWriteAheadLog();
        _database.WriteAsync(db => db.ExecuteAsync("CREATE TABLE items (id INTEGER PRIMARY KEY, value TEXT NOT NULL); INSERT INTO items VALUES (1, 'eins'), (2, 'zwei')",
            null, CancellationToken.None), CancellationToken.None).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task A_second_read_runs_the_statement_the_first_compiled_on_the_same_connection()
    {
        var first = await ReadValueOnAsync(1);
        // SQLite calls the authorizer while it compiles a statement, never while it runs one.
        var compiled = 0;
        Assert.Equal(0, raw.sqlite3_set_authorizer(first.Handle, new delegate_authorizer((_, _, _, _, _, _) =>
        {
            Interlocked.Increment(ref compiled);
            return raw.SQLITE_OK;
        }), null));

        // Setting an authorizer expires the connection's statements: the next read compiles its statement again, once.
        Assert.Same(first, await ReadValueOnAsync(1));
        Assert.True(compiled > 0, "the expired statement was compiled again");
        compiled = 0;

        var second = await ReadValueOnAsync(2);
        var compiledBySecond = compiled;
        await _database.ReadAsync(db => db.QueryAsync<long>("SELECT id FROM items ORDER BY id", null, CancellationToken.None), CancellationToken.None);

        Assert.Same(first, second);
        Assert.Equal(0, compiledBySecond);
        Assert.True(compiled > 0, "a statement not run before is compiled (and the authorizer sees it)");
    }

    [Fact]
    public async Task A_write_transaction_compiles_a_statement_it_repeats_once()
    {
        var compiledAfter = new List<int>();
        await _database.WriteAsync(async db =>
        {
            var compiled = 0;
            Assert.Equal(0, raw.sqlite3_set_authorizer(((SqliteConnection)db.Connection).Handle, new delegate_authorizer((_, _, _, _, _, _) =>
            {
                compiled++;
                return raw.SQLITE_OK;
            }), null));
            for (var id = 10; id < 13; id++)
            {
                await db.ExecuteAsync("INSERT INTO items (id, value) VALUES (@Id, @Value)", new { Id = id, Value = $"v{id}" }, CancellationToken.None);
                compiledAfter.Add(compiled);
            }
        }, CancellationToken.None);

        Assert.True(compiledAfter[0] > 0, "the first run compiles the statement");
        Assert.Equal([compiledAfter[0], compiledAfter[0], compiledAfter[0]], compiledAfter);
        Assert.Equal("v12", await ReadValueAsync(12));
    }

    [Fact]
    public async Task A_kept_statement_binds_each_read_s_own_parameters()
    {
        var answers = new List<string?>();
        foreach (var id in new[] { 1, 2, 1, 3 })
            answers.Add(await _database.ReadAsync(db => db.QuerySingleOrDefaultAsync<string>(ValueOf, new { Id = id }, CancellationToken.None), CancellationToken.None));

        Assert.Equal(["eins", "zwei", "eins", null], answers);
    }

    [Fact]
    public async Task A_read_on_a_kept_connection_sees_what_was_committed_since_and_leaves_no_transaction_open()
    {
        Assert.Equal("eins", await ReadValueAsync(1));
        await _database.WriteAsync(db => db.ExecuteAsync("UPDATE items SET value = 'one' WHERE id = 1", null, CancellationToken.None), CancellationToken.None);

        var value = await ReadValueAsync(1);
        var kept = await _database.ReadAsync(db => Task.FromResult((SqliteConnection)db.Connection), CancellationToken.None);

        Assert.Equal("one", value);
        // Between reads the connection holds no read transaction: it neither sees an old snapshot nor keeps the log from being checkpointed.
        Assert.Equal(1, raw.sqlite3_get_autocommit(kept.Handle));
    }

    [Fact]
    public async Task A_connection_whose_read_failed_is_closed_and_not_handed_out_again()
    {
        SqliteConnection? failed = null;
        await Assert.ThrowsAsync<SqliteException>(() => _database.ReadAsync<int>(async db =>
        {
            failed = (SqliteConnection)db.Connection;
            return await db.ExecuteScalarAsync<int>("SELECT no_such_column FROM items", null, CancellationToken.None);
        }, CancellationToken.None));

        var next = await _database.ReadAsync(db => Task.FromResult(db.Connection), CancellationToken.None);

        Assert.NotNull(failed);
        Assert.Equal(System.Data.ConnectionState.Closed, failed.State);
        Assert.NotSame(failed, next);
    }

    [Fact]
    public async Task Disposing_the_database_closes_its_kept_connections()
    {
        var kept = await _database.ReadAsync(db => Task.FromResult(db.Connection), CancellationToken.None);

        _database.Dispose();

        Assert.Equal(System.Data.ConnectionState.Closed, kept.State);
    }

    private Task<string?> ReadValueAsync(int id) =>
        _database.ReadAsync(db => db.QuerySingleOrDefaultAsync<string>(ValueOf, new { Id = id }, CancellationToken.None), CancellationToken.None);

    /// <summary>Reads item <paramref name="id"/>; returns the connection the read ran on.</summary>
    private Task<SqliteConnection> ReadValueOnAsync(int id) => _database.ReadAsync(async db =>
    {
        Assert.NotNull(await db.QuerySingleOrDefaultAsync<string>(ValueOf, new { Id = id }, CancellationToken.None));
        return (SqliteConnection)db.Connection;
    }, CancellationToken.None);

    public void Dispose()
    {
        _database.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
