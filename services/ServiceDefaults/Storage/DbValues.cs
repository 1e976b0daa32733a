using System.Data;
using System.Globalization;
using Dapper;
using IntegrationServices.ServiceDefaults.Api;
using Microsoft.Data.SqlClient;

namespace IntegrationServices.ServiceDefaults.Storage;

/// <summary>
/// The one boundary where database values become domain values: calendar dates travel as
/// <c>date</c> (SQL Server) or ISO text 'yyyy-MM-dd' (SQLite), which compares correctly as text;
/// instants are UTC <c>datetime2</c> (SQL Server) or Microsoft.Data.Sqlite's text form
/// 'yyyy-MM-dd HH:mm:ss.FFFFFFF' (trailing zeros trimmed, which still sorts chronologically as text),
/// and are read back as UTC (<see cref="Utc(DateTime)"/>).
/// </summary>
public static class DbValues
{
    private static int _registered;

    public static void RegisterTypeHandlers()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        SqlMapper.AddTypeHandler(new DateOnlyHandler());
        SqlMapper.AddTypeHandler(new UtcDateTimeHandler());
        // Dapper's own type map decides the DbType of DateTime parameters before any handler is asked,
        // and its default (DbType.DateTime) makes SqlClient send SQL Server `datetime`: 3 ms steps and
        // nothing before 1753, compared against datetime2 columns. Every instant is a datetime2.
        SqlMapper.AddTypeMap(typeof(DateTime), DbType.DateTime2);
        SqlMapper.AddTypeMap(typeof(DateTime?), DbType.DateTime2);
    }

    /// <summary>A date as SQLite stores it (for code that binds values below ADO.NET).</summary>
    public static string SqliteText(DateOnly date) => date.Iso();

    /// <summary>A UTC instant as SQLite stores it, exactly as Microsoft.Data.Sqlite formats a DateTime parameter.</summary>
    public static string SqliteText(DateTime instant) => instant.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    /// <summary>Marks a database instant as UTC (both providers hand back Unspecified).</summary>
    public static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    public static DateTime? Utc(DateTime? value) => value is null ? null : Utc(value.Value);

    private sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
    {
        public override void SetValue(IDbDataParameter parameter, DateOnly value)
        {
            if (parameter is SqlParameter sql)
            {
                sql.SqlDbType = SqlDbType.Date;
                sql.Value = value.ToDateTime(TimeOnly.MinValue);
            }
            else
            {
                parameter.DbType = DbType.String;
                parameter.Value = SqliteText(value);
            }
        }

        public override DateOnly Parse(object value) => value switch
        {
            DateOnly d => d,
            DateTime dt => DateOnly.FromDateTime(dt),
            string s => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            _ => throw new DataException($"Cannot read a date from {value.GetType().Name}."),
        };
    }

    /// <summary>Reads instants as UTC. Its SetValue is a fallback only: parameters follow the type map above.</summary>
    private sealed class UtcDateTimeHandler : SqlMapper.TypeHandler<DateTime>
    {
        public override void SetValue(IDbDataParameter parameter, DateTime value)
        {
            var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
            if (parameter is SqlParameter sql)
            {
                sql.SqlDbType = SqlDbType.DateTime2;
                sql.Value = DateTime.SpecifyKind(utc, DateTimeKind.Unspecified);
            }
            else
            {
                parameter.DbType = DbType.String;
                parameter.Value = SqliteText(utc);
            }
        }

        public override DateTime Parse(object value) => value switch
        {
            DateTime dt => DateTime.SpecifyKind(dt, DateTimeKind.Utc),
            string s => DateTime.SpecifyKind(DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), DateTimeKind.Utc),
            _ => throw new DataException($"Cannot read an instant from {value.GetType().Name}."),
        };
    }
}
