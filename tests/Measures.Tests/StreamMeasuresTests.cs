using Dapper;
using IntegrationServices.Measures.Application;
using IntegrationServices.Measures.Storage;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.Measures.Tests;

/// <summary>
/// StreamMeasures over a real HTTP/2 connection, where a client that stops reading stops the server's
/// writes (flow control): the stream reads the catalogue in keyset batches, so such a client holds no
/// database connection and no read snapshot (on SQLite one would keep the write-ahead log from being
/// checkpointed for as long as the client pleases), and reading on gives every measure once, in order.
/// </summary>
public sealed class StreamMeasuresTests : IAsyncLifetime
{
    // Three batches, the last one partial; long descriptions, so that the first batch alone is more
    // than every buffer between the service and the client can hold.
    private const int Count = 2 * MeasureApplication.StreamBatch + 500;

    private SocketHost _host = null!;
    private List<long> _ids = [];

    public async ValueTask InitializeAsync()
    {
        _host = await SocketHost.StartAsync(b => b.AddMeasuresService(), a => a.MapMeasuresService());
        var admin = new MeasuresClient(_host.As(Roles.Admin));
        await admin.CreateActionConceptAsync(new CreateActionConceptRequest
        {
            ActionConceptId = "stream", ActionConcept = new ActionConcept { Title = "Testkonzept", CouncilPaper = "16-00001" },
        });
        await admin.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest
        {
            OrganizationalUnitId = "stream", OrganizationalUnit = new OrganizationalUnit { Title = "Testeinheit" },
        });
        var database = _host.Services.GetRequiredService<Database>();
        var repository = _host.Services.GetRequiredService<MeasureRepository>();
        var now = _host.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        _ids = await database.WriteAsync(async db =>
        {
            var ids = new List<long>();
            for (var i = 0; i < Count; i++)
                ids.Add(await repository.InsertAsync(db, new MeasureFields($"S-{i:D5}", $"Maßnahme {i}", new string('x', 2000), "stream", 1 + i % 8,
                    "stream", null, new DateOnly(2016, 1, 1)), now, "bulk-test", CancellationToken.None));
            return ids;
        }, CancellationToken.None);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_client_that_stops_reading_holds_no_read_snapshot_and_reading_on_gives_every_measure_once_in_order()
    {
        var ct = TestContext.Current.CancellationToken;
        var worker = new MeasuresClient(_host.As(Roles.Worker));
        using var call = worker.StreamMeasures(new StreamMeasuresRequest(), cancellationToken: ct);
        Assert.True(await call.ResponseStream.MoveNext(ct));
        var streamed = new List<string> { call.ResponseStream.Current.Name };

        // The client stops reading. Writers go on...
        var admin = new MeasuresClient(_host.As(Roles.Admin));
        await admin.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest
        {
            OrganizationalUnitId = "written-meanwhile", OrganizationalUnit = new OrganizationalUnit { Title = "Testeinheit" },
        }, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct);

        // ...and the write-ahead log can be copied into the database and emptied: no reader holds a snapshot
        // of it. A TRUNCATE checkpoint waits (here up to 15 s) for every reader to let go and says whether
        // one was still busy.
        var database = _host.Services.GetRequiredService<Database>();
        await using (var connection = new SqliteConnection(database.ConnectionString))
        {
            await connection.OpenAsync(ct);
            await connection.ExecuteAsync("PRAGMA busy_timeout = 15000");
            var (busy, log, checkpointed) = await connection.QuerySingleAsync<(long, long, long)>("PRAGMA wal_checkpoint(TRUNCATE)");
            Assert.True(busy == 0, $"a reader still holds a snapshot while the client does not read (log {log} pages, {checkpointed} checkpointed)");
        }
        Assert.Equal(0, new FileInfo(Path.Combine(_host.DataDirectory, "measures.db-wal")).Length);

        while (await call.ResponseStream.MoveNext(ct)) streamed.Add(call.ResponseStream.Current.Name);
        Assert.Equal(_ids.Select(id => $"measures/{id}"), streamed);
    }
}
