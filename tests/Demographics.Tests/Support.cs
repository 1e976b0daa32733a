using Google.Rpc;
using Grpc.Core;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Testing;
using Microsoft.AspNetCore.Builder;

namespace IntegrationServices.Demographics.Tests;

/// <summary>A fresh Demographics host (own SQLite file, fake clock) per test class instance, i.e. per test.</summary>
public abstract class DemographicsTest : IAsyncLifetime
{
    protected TestHost Host { get; private set; } = null!;

    protected virtual IDictionary<string, string?>? Settings => null;

    public async ValueTask InitializeAsync() =>
        Host = await TestHost.StartAsync(b => b.AddDemographicsService(), a => a.MapDemographicsService(), Settings);

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();

    protected DemographicsClient Client(params string[] roles) => new(Host.As(roles));

    protected static Google.Type.Date Date(int year, int month, int day) => new() { Year = year, Month = month, Day = day };

    protected static Observation Obs(string indicator, string area, Google.Type.Date date, double value,
        string? comment = null, params (string Key, string Value)[] dimensions)
    {
        var o = new Observation { Indicator = indicator, Area = area, ReferenceDate = date, Value = value, Comment = comment ?? "" };
        foreach (var (k, v) in dimensions) o.Dimensions[k] = v;
        return o;
    }

    protected static async Task<long> ImportAsync(DemographicsClient client, IEnumerable<Observation> observations, int batchSize = 500)
    {
        using var call = client.ImportObservations();
        foreach (var chunk in observations.Chunk(batchSize))
        {
            var request = new ImportObservationsRequest();
            request.Observations.AddRange(chunk);
            await call.RequestStream.WriteAsync(request);
        }
        await call.RequestStream.CompleteAsync();
        return (await call).ImportedCount;
    }

    protected async Task<List<Observation>> ListAllAsync(ListObservationsRequest request)
    {
        var client = Client();
        var all = new List<Observation>();
        while (true)
        {
            var page = await client.ListObservationsAsync(request);
            all.AddRange(page.Observations);
            if (page.NextPageToken.Length == 0) return all;
            request = request.Clone();
            request.PageToken = page.NextPageToken;
        }
    }

    protected static IReadOnlyList<BadRequest.Types.FieldViolation> Violations(RpcException e) =>
        e.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.ToList() ?? [];
}
