using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace IntegrationServices.Demographics.Storage;

/// <summary>
/// A prepared SQLite statement on SQLitePCL, the layer under Microsoft.Data.Sqlite (same connection, same
/// transaction), for a statement run once per row: the ADO.NET command looks up and rebinds every named
/// parameter on each execution, which was a third of the whole insert. A bound value stays bound from one
/// execution to the next (sqlite3_reset keeps bindings). Errors become SqliteException, as from
/// Microsoft.Data.Sqlite.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public SqliteStatement(sqlite3 db, string sql)
    {
        _db = db;
        Check(raw.sqlite3_prepare_v2(db, sql, out _statement));
    }

    /// <summary>The position of a named parameter: resolve it once, then bind by position.</summary>
    public int Index(string name) => raw.sqlite3_bind_parameter_index(_statement, name) is > 0 and var index
        ? index
        : throw new InvalidOperationException($"The statement has no parameter {name}.");

    public void Text(int index, string value) => Check(raw.sqlite3_bind_text(_statement, index, value));

    public void Text(int index, ReadOnlySpan<byte> utf8) => Check(raw.sqlite3_bind_text(_statement, index, utf8));

    public void Int64(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Double(int index, double value) => Check(raw.sqlite3_bind_double(_statement, index, value));

    public void Null(int index) => Check(raw.sqlite3_bind_null(_statement, index));

    public void Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE) Check(rc);
    }

    /// <summary>Runs an insert: the rowid of the row it added, or null when it added none (ON CONFLICT DO NOTHING).</summary>
    public long? ExecuteReturningInsertedRowId()
    {
        Execute();
        return raw.sqlite3_changes(_db) > 0 ? raw.sqlite3_last_insert_rowid(_db) : null;
    }

    public long? QueryInt64()
    {
        var rc = raw.sqlite3_step(_statement);
        long? result = rc == raw.SQLITE_ROW ? raw.sqlite3_column_int64(_statement, 0) : null;
        raw.sqlite3_reset(_statement);
        if (rc is not raw.SQLITE_ROW and not raw.SQLITE_DONE) Check(rc);
        return result;
    }

    private void Check(int rc) => SqliteException.ThrowExceptionForRC(rc, _db);

    public void Dispose() => _statement.Dispose();
}
