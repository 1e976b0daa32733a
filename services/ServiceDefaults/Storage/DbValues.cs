using System.Data;
using System.Globalization;
using Dapper;
using Microsoft.Data.SqlClient;

namespace IntegrationServices.ServiceDefaults.Storage;

/// <summary>
/// The one boundary where database values become domain values: calendar dates travel as
/// <c>date</c> (SQL Server) or ISO text 'yyyy-MM-dd' (SQLite), which compares correctly as text;
/// instants are UTC <c>datetime2</c> / ISO text and come back with <see cref="DateTimeKind.Utc"/>.
/// </summary>
public static class DbValues
{
    private static int _registered;

    public static void RegisterTypeHandlers()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        SqlMapper.AddTypeHandler(new DateOnlyHandler());
        SqlMapper.AddTypeHandler(new UtcDateTimeHandler());
    }

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
                parameter.Value = value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
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
                // Fixed width, so that text comparison is chronological.
                parameter.DbType = DbType.String;
                parameter.Value = utc.ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture);
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
