using Grpc.Core;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Measures.Application;
using IntegrationServices.Measures.Domain;
using IntegrationServices.Measures.Storage;
using IntegrationServices.ServiceDefaults.Storage;
using IntegrationServices.Testing;
using Microsoft.Extensions.DependencyInjection;
using MeasuresClient = IntegrationServices.Contracts.Measures.V1.MeasuresService.MeasuresServiceClient;

namespace IntegrationServices.Suite.Tests.Hostile;

/// <summary>
/// A client that opens StreamMeasures over real sockets, reads one measure and stops reading: other clients'
/// writes go through meanwhile, and once Api:MaxStreamDuration (5 minutes, on the host's fake clock) has
/// passed the server ends the stream by itself and lets go of the database, so that a full WAL checkpoint
/// is no longer held up by a reader.
/// </summary>
public sealed class StalledStreamTests
{
    [Fact]
    public async Task A_client_that_stops_reading_blocks_no_writer_and_its_stream_ends_at_the_limit()
    {
        await using var host = await SocketHost.StartAsync(SuiteComponents.Measures);
        await SeedManyMeasuresAsync(host, count: 2000);
        var client = new MeasuresClient(host.Invoker(HostileHosts.AdminToken));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        using var stream = client.StreamMeasures(new StreamMeasuresRequest());
        Assert.True(await stream.ResponseStream.MoveNext(limit.Token));
        // About 8 MB are still unread: far more than the buffers between server and client hold.

        for (var i = 0; i < 3; i++)
            await client.CreateActionConceptAsync(new CreateActionConceptRequest { ActionConcept = new ActionConcept { Title = $"Während {i}" } },
                cancellationToken: limit.Token);

        host.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await stream.ResponseStream.MoveNext(limit.Token)) { }
        });
        Assert.False(limit.IsCancellationRequested, "the stream did not end by itself");
        // The server either reported the limit, or (its write blocked on this client) reset the stream.
        Assert.True(ended.StatusCode is StatusCode.DeadlineExceeded or StatusCode.Cancelled, ended.ToString());

        var database = host.Services.GetRequiredService<Database>();
        while (!await FullCheckpointCompletesAsync(database))
        {
            Assert.False(limit.IsCancellationRequested, "a reader still holds the database after the stream ended");
            await Task.Delay(100, limit.Token);
        }
    }

    private static async Task SeedManyMeasuresAsync(SocketHost host, int count)
    {
        await MeasuresDemoData.SeedAsync(host.Services, CancellationToken.None);
        var measures = host.Services.GetRequiredService<MeasureRepository>();
        var description = new string('x', MeasureFields.MaxDescription);
        await host.Services.GetRequiredService<Database>().WriteAsync(async db =>
        {
            for (var i = 0; i < count; i++)
                await measures.InsertAsync(db, new MeasureFields($"LAST-{i:D5}", $"Last {i}", description, "idk", 1, "50", null, new DateOnly(2008, 7, 8)),
                    new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), "test", CancellationToken.None);
        }, CancellationToken.None);
    }

    /// <summary>PRAGMA wal_checkpoint(TRUNCATE): its first column is 1 while a reader still needs the log.</summary>
    private static async Task<bool> FullCheckpointCompletesAsync(Database database) =>
        await database.ReadAsync(async db => await db.QuerySingleOrDefaultAsync<long>("PRAGMA wal_checkpoint(TRUNCATE)", null, CancellationToken.None) == 0,
            CancellationToken.None);
}
