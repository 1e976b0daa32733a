using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Demographics.Api;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.Demographics.Tests;

/// <summary>
/// Imports as a hostile or careless client makes them, on real sockets: a client that stalls while others
/// write, cancels, sends more rows or bytes than allowed, or a cell of megabytes. Each ends in a deliberate
/// answer, stores nothing of its own, and blocks no one else.
/// </summary>
public sealed class HostileImportTests : IAsyncLifetime
{
    private const int MaxRows = 1000;
    private const int MaxCsvBytes = 64 * 1024;
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);

    private readonly FirstMessageProbe _probe = new();
    private SocketHost _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await SocketHost.StartAsync(b =>
            {
                b.AddDemographicsService();
                _probe.AddTo(b);
            }, a => a.MapDemographicsService(),
            new Dictionary<string, string?>
            {
                ["Demographics:ImportIdleTimeout"] = IdleTimeout.ToString(),
                ["Demographics:MaxImportRows"] = MaxRows.ToString(CultureInfo.InvariantCulture),
                ["Demographics:MaxCsvBytes"] = MaxCsvBytes.ToString(CultureInfo.InvariantCulture),
            });

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private DemographicsClient Statistics() => new(_host.As(Roles.Statistics));

    private static Observation Row(int year, double value) => DemographicsTest.Obs("population_total", "0", D(year, 12, 31), value);

    private static IEnumerable<Observation> Rows(int count, int firstYear = 1000) => Enumerable.Range(0, count).Select(i => Row(firstYear + i, i));

    private static ImportObservationsRequest Batch(params Observation[] rows) => new() { Observations = { rows } };

    [Fact]
    public async Task A_stalled_import_blocks_no_other_writer_and_ends_by_itself_after_the_idle_timeout_storing_nothing()
    {
        using var stalled = Statistics().ImportObservations();
        await stalled.RequestStream.WriteAsync(Batch(Row(2016, 1), Row(2017, 1)));
        await _probe.Received.Task.WaitAsync(TimeSpan.FromSeconds(30)); // the server holds the stalled client's batch

        // Other writers go on meanwhile. The old import held SQLite's write lock from its first row, so they
        // failed after the busy timeout (30 s): the deadline here is well inside it.
        var other = Statistics();
        using (var call = other.ImportObservations(deadline: DateTime.UtcNow.AddSeconds(10)))
        {
            await call.RequestStream.WriteAsync(Batch(Row(2018, 2)));
            await call.RequestStream.CompleteAsync();
            Assert.Equal(1, (await call).ImportedCount);
        }
        var area = await other.CreateAreaAsync(new CreateAreaRequest
        {
            AreaId = "901",
            Area = new Area { Code = "901", Title = "Testbezirk", Kind = AreaKind.District, Parent = "areas/0", ValidFrom = D(2030, 1, 1) },
        }, deadline: DateTime.UtcNow.AddSeconds(10));
        Assert.Equal("areas/901", area.Name);
        await AssertCheckpointCopiesTheWholeLogAsync();

        // Its client never sends again: once the idle timeout has passed on the service's clock, the call ends by itself.
        var e = await EndedByIdleTimeoutAsync(stalled.ResponseAsync);
        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        DemographicsTest.Rpc.ErrorInfo(e, "IMPORT_IDLE_TIMEOUT");
        Assert.Equal([2.0], await StoredObservations.ValuesAsync(_host));
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 0)]
    [InlineData(true, 300)]
    public async Task An_import_its_client_cancels_stores_nothing(bool afterTheServerHasTheBatch, int thinkingMilliseconds)
    {
        using var cancel = new CancellationTokenSource();
        using var call = Statistics().ImportObservations(cancellationToken: cancel.Token);
        await call.RequestStream.WriteAsync(Batch([.. Rows(500)]));
        if (afterTheServerHasTheBatch) await _probe.Received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // The client's own pause before it gives up (any pause must do): part of the hostile client, not a wait for the server.
        if (thinkingMilliseconds > 0) await Task.Delay(thinkingMilliseconds);
        await cancel.CancelAsync();

        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, e.StatusCode);
        Assert.Empty(await StoredObservations.ValuesAsync(_host));
    }

    [Fact]
    public async Task An_import_over_the_row_limit_is_refused_and_stores_nothing()
    {
        Assert.Equal(MaxRows, (await SendAsync(Statistics(), Rows(MaxRows), batchSize: 100)).ImportedCount);

        var over = await Assert.ThrowsAsync<RpcException>(() => SendAsync(Statistics(), Rows(MaxRows + 1, firstYear: 3000), batchSize: 100));
        Assert.Equal(StatusCode.ResourceExhausted, over.StatusCode);
        DemographicsTest.Rpc.ErrorInfo(over, "IMPORT_TOO_LARGE");
        // A client that goes on sending far past the limit gets the same answer.
        var flood = await Assert.ThrowsAsync<RpcException>(() => SendAsync(Statistics(), Rows(50 * MaxRows, firstYear: 3000), batchSize: 100));
        Assert.Equal(StatusCode.ResourceExhausted, flood.StatusCode);

        Assert.Equal(MaxRows, (await StoredObservations.ValuesAsync(_host)).Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_CSV_larger_than_the_limit_is_a_413_problem_and_stores_nothing(bool lengthKnown)
    {
        using var http = _host.Http();
        var small = Csv(100);
        Assert.True(Encoding.UTF8.GetByteCount(small) < MaxCsvBytes);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Post(new StringContent(small, Encoding.UTF8, "text/csv")))).StatusCode);

        var large = Csv(5000, firstYear: 3000);
        Assert.True(Encoding.UTF8.GetByteCount(large) > MaxCsvBytes);
        HttpContent content = lengthKnown
            ? new StringContent(large, Encoding.UTF8, "text/csv")
            : new StreamContent(new NoLengthStream(Encoding.UTF8.GetBytes(large))) { Headers = { ContentType = new("text/csv") } }; // chunked: counted as it arrives
        var response = await http.SendAsync(Post(content));
        var problem = await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("RESOURCE_EXHAUSTED", problem.GetProperty("code").GetString());

        Assert.Equal(100, (await StoredObservations.ValuesAsync(_host)).Count);
    }

    [Fact]
    public async Task A_CSV_upload_that_stalls_ends_with_a_504_problem_and_stores_nothing()
    {
        // Raw HTTP/1.1: the client sends the header and a few rows in a chunked body, then nothing more.
        using var socket = new TcpClient();
        await socket.ConnectAsync(_host.HttpAddress.Host, _host.HttpAddress.Port);
        var stream = socket.GetStream();
        var rows = Encoding.UTF8.GetBytes(Csv(1000));
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST {ObservationCsvEndpoint.Route} HTTP/1.1\r\nHost: {_host.HttpAddress.Authority}\r\n" +
            $"Authorization: Bearer {TestTokens.For([Roles.Statistics])}\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n" +
            $"{rows.Length:x}\r\n"));
        await stream.WriteAsync(rows);
        await stream.WriteAsync("\r\n"u8.ToArray());
        await stream.FlushAsync();

        var answer = await EndedByIdleTimeoutAsync(ReadResponseAsync(stream));
        Assert.StartsWith("HTTP/1.1 504", answer);
        Assert.Contains("application/problem+json", answer);
        Assert.Contains("\"code\":\"DEADLINE_EXCEEDED\"", answer);
        Assert.Empty(await StoredObservations.ValuesAsync(_host));
    }

    [Fact]
    public async Task A_CSV_cell_far_past_the_readers_cap_is_refused_on_its_row_and_stores_nothing()
    {
        // The reader keeps none of it (CsvRecordReaderTests measure that with a cell of 50 million characters).
        using var http = _host.Http();
        var csv = "indicator,area,reference_date,value,comment\n" +
                  $"population_total,0,2016-12-31,1,\"{new string('x', 50_000)}\"\n" +
                  "population_total,0,2017-12-31,2,fine\n";
        var problem = await ProblemAsync(await http.SendAsync(Post(new StringContent(csv, Encoding.UTF8, "text/csv"))), HttpStatusCode.BadRequest);
        var violation = Assert.Single(problem.GetProperty("field_violations").EnumerateArray());
        Assert.Equal("observations[0].comment", violation.GetProperty("field").GetString());
        Assert.Contains("longer than 8192 characters", violation.GetProperty("description").GetString());
        Assert.Empty(await StoredObservations.ValuesAsync(_host));
    }

    private static string Csv(int rows, int firstYear = 1000) =>
        "indicator,area,reference_date,value\n" + string.Concat(Enumerable.Range(0, rows).Select(i => $"population_total,0,{firstYear + i:D4}-12-31,{i}\n"));

    private static HttpRequestMessage Post(HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, ObservationCsvEndpoint.Route) { Content = content };
        request.Headers.Authorization = new("Bearer", TestTokens.For([Roles.Statistics]));
        return request;
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(Problems.ContentType, response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    /// <summary>Sends every row (as long as the server takes them) and completes; the answer is the call's.</summary>
    private static async Task<ImportObservationsResponse> SendAsync(DemographicsClient client, IEnumerable<Observation> rows, int batchSize)
    {
        using var call = client.ImportObservations();
        try
        {
            foreach (var chunk in rows.Chunk(batchSize)) await call.RequestStream.WriteAsync(Batch(chunk));
            await call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
        {
            // The server ended the call while this client was still sending: its answer is the call's status.
        }
        return await call;
    }

    /// <summary>
    /// Moves the service's clock on by the idle timeout until <paramref name="call"/> ends (an idle import ends
    /// between one and one and a quarter timeouts after its last row), within a generous real-time limit.
    /// </summary>
    private async Task<T> EndedByIdleTimeoutAsync<T>(Task<T> call)
    {
        var limit = DateTime.UtcNow.AddSeconds(60);
        while (!call.IsCompleted && DateTime.UtcNow < limit)
        {
            _host.Clock.Advance(IdleTimeout / 4);
            await Task.WhenAny(call, Task.Delay(50));
        }
        Assert.True(call.IsCompleted, "the idle call did not end");
        return await call;
    }

    private async Task<RpcException> EndedByIdleTimeoutAsync(Task<ImportObservationsResponse> call) =>
        await Assert.ThrowsAsync<RpcException>(() => EndedByIdleTimeoutAsync<ImportObservationsResponse>(call));

    /// <summary>
    /// The stalled import holds no read snapshot of the service's database either (which would keep the WAL
    /// from being copied back and let it grow while the client stalls): a checkpoint copies all of the log.
    /// </summary>
    private async Task AssertCheckpointCopiesTheWholeLogAsync()
    {
        await using var db = new SqliteConnection($"Data Source={Path.Combine(_host.DataDirectory, DemographicsServiceExtensions.Identity.StorageName + ".db")}");
        await db.OpenAsync();
        // Bounded retries: the service's own background checkpoint may be running at the same moment (busy).
        for (var attempt = 0; ; attempt++)
        {
            await using var command = db.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            var (busy, log, copied) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            if (busy == 0 && log == copied) return;
            Assert.True(attempt < 100, $"the log could not be copied back: busy {busy}, {copied} of {log} frames");
            await Task.Delay(20);
        }
    }

    /// <summary>Reads an HTTP/1.1 response until its (chunked) body has ended or the server closes the connection.</summary>
    private static async Task<string> ReadResponseAsync(NetworkStream stream)
    {
        var text = new StringBuilder();
        var buffer = new byte[8192];
        while (!text.ToString().Contains("\r\n0\r\n\r\n"))
        {
            int read;
            try { read = await stream.ReadAsync(buffer); }
            catch (IOException) { break; }
            if (read == 0) break;
            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        return text.ToString();
    }

    /// <summary>A body whose length the client does not announce: HttpClient sends it chunked.</summary>
    private sealed class NoLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
