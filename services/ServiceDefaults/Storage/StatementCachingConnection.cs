using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace IntegrationServices.ServiceDefaults.Storage;

/// <summary>
/// An SQLite connection that keeps one prepared command per distinct SQL text (up to <see cref="Capacity"/>)
/// for as long as it is open. The commands it hands out (to Dapper, which creates one per call) are
/// <see cref="ReusingCommand"/>s that run the kept command of their text instead of compiling it again.
/// Microsoft.Data.Sqlite compiles a statement again for every new command (dotnet/efcore#14044): a write
/// transaction that runs its statements for many rows, and a kept read connection
/// (<see cref="SqliteReadConnections"/>), compile each once.
/// </summary>
internal sealed class StatementCachingConnection(string connectionString) : SqliteConnection(connectionString)
{
    /// <summary>Statements beyond this many (filters make a statement per combination of fields) are compiled per call, as without the cache.</summary>
    public const int Capacity = 64;

    private readonly Dictionary<string, SqliteCommand> _kept = new(StringComparer.Ordinal);

    protected override DbCommand CreateDbCommand() => new ReusingCommand(this);

    /// <summary>The kept command of <paramref name="sql"/>, parameters cleared, or a new one (kept when it is returned).</summary>
    internal SqliteCommand Take(string sql)
    {
        if (_kept.Remove(sql, out var command))
        {
            command.Parameters.Clear();
            return command;
        }
        var created = new SqliteCommand(sql, this);
        try
        {
            // Compiled here, all of it: a command compiled only by running it compiles again on its next run
            // unless its reader was read past its last statement.
            created.Prepare();
        }
        catch (SqliteException)
        {
            // A text that cannot be compiled ahead (invalid, or its later statements need its earlier ones run
            // first, such as a table it creates) compiles as it runs, and fails there, as without the cache.
        }
        return created;
    }

    /// <summary>Keeps the command for the next execution of its text (while there is room and no other is kept for it).</summary>
    internal void Keep(SqliteCommand command)
    {
        command.Transaction = null;
        if (_kept.Count < Capacity && _kept.TryAdd(command.CommandText, command)) return;
        command.Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var command in _kept.Values) command.Dispose();
            _kept.Clear();
        }
        base.Dispose(disposing);
    }
}

/// <summary>
/// What <see cref="StatementCachingConnection"/> gives Dapper: its text chooses a kept command of the connection,
/// which runs it with the parameters added here and goes back to the connection when this one is disposed.
/// The text must be set before parameters are added (Dapper sets it first).
/// </summary>
internal sealed class ReusingCommand(StatementCachingConnection connection) : DbCommand
{
    private SqliteCommand? _command;
    private string _text = "";
    private int? _timeout;
    private DbTransaction? _transaction;

    private SqliteCommand Command
    {
        get
        {
            if (_command is not null) return _command;
            _command = connection.Take(_text);
            if (_timeout is { } timeout) _command.CommandTimeout = timeout;
            _command.Transaction = (SqliteTransaction?)_transaction;
            return _command;
        }
    }

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string CommandText
    {
        get => _text;
        set
        {
            if (_command is not null && !string.Equals(value, _text, StringComparison.Ordinal))
                throw new InvalidOperationException("The text of a command of a statement-caching connection is set once, before its parameters.");
            _text = value ?? "";
        }
    }

    public override int CommandTimeout
    {
        get => _timeout ?? connection.DefaultTimeout;
        set
        {
            _timeout = value;
            if (_command is not null) _command.CommandTimeout = value;
        }
    }

    public override CommandType CommandType
    {
        get => CommandType.Text;
        set
        {
            if (value != CommandType.Text) throw new ArgumentException("SQLite runs text commands only.", nameof(value));
        }
    }

    public override bool DesignTimeVisible { get; set; }

    public override UpdateRowSource UpdatedRowSource { get; set; }

    protected override DbConnection? DbConnection
    {
        get => connection;
        set => throw new NotSupportedException("A command of a statement-caching connection stays on it.");
    }

    protected override DbParameterCollection DbParameterCollection => Command.Parameters;

    protected override DbTransaction? DbTransaction
    {
        get => _transaction;
        set
        {
            _transaction = value;
            if (_command is not null) _command.Transaction = (SqliteTransaction?)value;
        }
    }

    public override void Cancel() => _command?.Cancel();

    public override void Prepare() => Command.Prepare();

    protected override DbParameter CreateDbParameter() => new SqliteParameter();

    public override int ExecuteNonQuery() => Command.ExecuteNonQuery();

    public override object? ExecuteScalar() => Command.ExecuteScalar();

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => Command.ExecuteReader(behavior);

    public override Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken) => Command.ExecuteNonQueryAsync(cancellationToken);

    public override Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken) => Command.ExecuteScalarAsync(cancellationToken);

    protected override async Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken) =>
        await Command.ExecuteReaderAsync(behavior, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing && _command is not null)
        {
            connection.Keep(_command);
            _command = null;
        }
        base.Dispose(disposing);
    }
}
