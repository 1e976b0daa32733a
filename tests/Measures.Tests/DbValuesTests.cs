using System.Data;
using Dapper;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Data.SqlClient;
using Xunit;

namespace IntegrationServices.Measures.Tests;

/// <summary>How instants reach the database, checked without a server.</summary>
public sealed class DbValuesTests
{
    [Fact]
    public void Instant_parameters_are_datetime2_so_sql_server_keeps_precision_and_range()
    {
        DbValues.RegisterTypeHandlers();
#pragma warning disable CS0618 // Dapper marks its lookup "for internal use"; it is exactly what decides a parameter's type.
        Assert.Equal(DbType.DateTime2, SqlMapper.LookupDbType(typeof(DateTime?), "KnownAt", false, out _));
        Assert.Equal(DbType.DateTime2, SqlMapper.LookupDbType(typeof(DateTime), "KnownAt", false, out _));
#pragma warning restore CS0618
        // SqlClient turns DbType.DateTime2 into datetime2 (not datetime: 3 ms steps, nothing before 1753).
        Assert.Equal(SqlDbType.DateTime2, new SqlParameter { DbType = DbType.DateTime2 }.SqlDbType);
    }
}
