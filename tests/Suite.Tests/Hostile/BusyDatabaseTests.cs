using System.Net;
using System.Text;
using Google.Rpc;
using Grpc.Core;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Testing;
using Microsoft.Data.Sqlite;
using MeasuresClient = IntegrationServices.Contracts.Measures.V1.MeasuresService.MeasuresServiceClient;

namespace IntegrationServices.Suite.Tests.Hostile;

/// <summary>
/// A write that cannot get the database's write lock in time (here: another connection holds it in an open
/// write transaction on the real SQLite file, and the busy timeout is one second) is retryable — UNAVAILABLE
/// with ErrorInfo DATABASE_BUSY and RetryInfo over gRPC, 503 with reason and Retry-After over HTTP — never
/// INTERNAL; and once the lock is gone the same call succeeds.
/// </summary>
public sealed class BusyDatabaseTests
{
    private static readonly Dictionary<string, string?> ShortBusyTimeout = new() { ["Storage:CommandTimeoutSeconds"] = "1" };

    [Fact]
    public async Task A_grpc_write_against_a_held_lock_is_unavailable_database_busy()
    {
        await using var host = await SocketHost.StartAsync(SuiteComponents.Measures, ShortBusyTimeout);
        var client = new MeasuresClient(host.Invoker(HostileHosts.AdminToken));
        var request = new CreateActionConceptRequest { ActionConceptId = "busy", ActionConcept = new ActionConcept { Title = "Konzept" } };

        await using (var holder = await HoldWriteLockAsync(Path.Combine(host.DataDirectory, "measures.db")))
        {
            var rpc = new RpcAssert("integration.measures.v1");
            var e = await rpc.FailsAsync(StatusCode.Unavailable, () => client.CreateActionConceptAsync(request));
            rpc.ErrorInfo(e, "DATABASE_BUSY");
            Assert.True(e.GetRpcStatus()?.GetDetail<RetryInfo>()?.RetryDelay.ToTimeSpan() > TimeSpan.Zero);
        }

        Assert.Equal("actionConcepts/busy", (await client.CreateActionConceptAsync(request)).Name);
    }

    [Fact]
    public async Task A_csv_import_against_a_held_lock_is_a_503_problem_with_retry_after()
    {
        await using var host = await SocketHost.StartAsync(SuiteComponents.Demographics, ShortBusyTimeout);
        using var http = host.Http();
        HttpRequestMessage Import() => new(HttpMethod.Post, "/v1/observations:importCsv")
        {
            Content = new StringContent("indicator,area,reference_date,value\npopulation_total,0,2031-03-01,1\n", Encoding.UTF8, "text/csv"),
            Headers = { Authorization = new("Bearer", HostileHosts.AdminToken) },
        };

        await using (var holder = await HoldWriteLockAsync(Path.Combine(host.DataDirectory, "demographics.db")))
        {
            using var response = await http.SendAsync(Import());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
            using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("UNAVAILABLE", problem.RootElement.GetProperty("code").GetString());
            Assert.Equal("DATABASE_BUSY", problem.RootElement.GetProperty("reason").GetString());
            Assert.Equal("integration.demographics.v1", problem.RootElement.GetProperty("domain").GetString());
        }

        using var retried = await http.SendAsync(Import());
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
    }

    /// <summary>Another connection in an open write transaction (BEGIN IMMEDIATE) on the service's database file.</summary>
    private static async Task<SqliteConnection> HoldWriteLockAsync(string file)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var begin = connection.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE";
        await begin.ExecuteNonQueryAsync();
        return connection; // disposing it rolls back and releases the lock
    }
}
