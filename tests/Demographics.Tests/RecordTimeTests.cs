using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.Demographics.Tests;

/// <summary>
/// An import becomes known when it commits: every row of it carries that one instant, never the moment the
/// import began, so a reader at any earlier known_at never sees it, and one at a later known_at always does.
/// </summary>
public sealed class RecordTimeTests : IAsyncLifetime
{
    private readonly FirstMessageProbe _probe = new();
    private TestHost _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await TestHost.StartAsync(b =>
        {
            b.AddDemographicsService();
            b.Services.AddSingleton(_probe);
            b.Services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<FirstMessageProbe>());
        }, a => a.MapDemographicsService());

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_imports_rows_carry_the_instant_it_committed_not_the_one_it_began()
    {
        var began = _host.Clock.GetUtcNow().UtcDateTime;
        var client = new DemographicsClient(_host.As(Roles.Statistics));
        using var call = client.ImportObservations();
        await call.RequestStream.WriteAsync(new ImportObservationsRequest
        {
            Observations = { DemographicsTest.Obs("population_total", "0", D(2016, 12, 31), 250704), DemographicsTest.Obs("population_total", "0", D(2017, 12, 31), 251364) },
        });
        await _probe.Received.Task.WaitAsync(TimeSpan.FromSeconds(30)); // the import has begun on the server

        // The client takes its time (within the idle timeout) before it finishes the import.
        _host.Clock.Advance(TimeSpan.FromSeconds(20));
        var committed = _host.Clock.GetUtcNow().UtcDateTime;
        await call.RequestStream.CompleteAsync();
        Assert.Equal(2, (await call).ImportedCount);

        var reader = new DemographicsClient(_host.As(Roles.Reader));
        var rows = (await reader.ListObservationsAsync(new ListObservationsRequest { KnownAt = Timestamp.FromDateTime(committed) })).Observations;
        Assert.Equal(2, rows.Count);
        Assert.All(rows, o => Assert.Equal(committed, o.RecordTime.ToDateTime()));
        // Known at any instant before the commit, the import is not there, however long before the commit it began.
        Assert.Empty((await reader.ListObservationsAsync(new ListObservationsRequest { KnownAt = Timestamp.FromDateTime(began) })).Observations);
        Assert.Empty((await reader.ListObservationsAsync(new ListObservationsRequest { KnownAt = Timestamp.FromDateTime(committed.AddTicks(-10)) })).Observations);
        var summary = await reader.SummarizeAreasAsync(new SummarizeAreasRequest { AsOf = D(2018, 1, 1), KnownAt = Timestamp.FromDateTime(committed.AddSeconds(-1)) });
        Assert.False(summary.City.HasPopulationTotal);

        var audit = Assert.Single((await new DemographicsClient(_host.As(Roles.Admin)).ListAuditRecordsAsync(new ListAuditRecordsRequest())).AuditRecords);
        using var change = JsonDocument.Parse(audit.Change);
        Assert.Equal(committed, change.RootElement.GetProperty("fields").GetProperty("record_time").GetProperty("new").GetDateTime().ToUniversalTime());
    }
}
