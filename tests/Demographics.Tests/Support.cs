using Grpc.Core;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Testing;
using Microsoft.AspNetCore.Builder;

namespace IntegrationServices.Demographics.Tests;

/// <summary>A fresh Demographics host (own SQLite file, fake clock) per test class instance, i.e. per test.</summary>
public abstract class DemographicsTest : IAsyncLifetime
{
    internal static readonly RpcAssert Rpc = new("integration.demographics.v1");

    protected TestHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Host = await StartAsync();

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>The service's own composition on a test host, as the Suite starts it.</summary>
    public static Task<TestHost> StartAsync(IDictionary<string, string?>? settings = null, string? dataDirectory = null) =>
        TestHost.StartAsync(b => b.AddDemographicsService(), a => a.MapDemographicsService(), settings, dataDirectory: dataDirectory);

    protected DemographicsClient Client(params string[] roles) => new(Host.As(roles));

    /// <summary>The service's SQLite file.</summary>
    protected string DatabaseFile => Path.Combine(Host.DataDirectory, DemographicsServiceExtensions.Identity.StorageName + ".db");

    /// <summary>Runs SQL on the service's SQLite file behind its back (to inject a failure such as a refusing trigger).</summary>
    protected async Task ExecuteSqliteAsync(string sql)
    {
        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabaseFile}");
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    internal static Observation Obs(string indicator, string area, Google.Type.Date? date, double value,
        string? comment = null, params (string Key, string Value)[] dimensions)
    {
        var o = new Observation { Indicator = indicator, Area = area, ReferenceDate = date, Value = value, Comment = comment ?? "" };
        foreach (var (k, v) in dimensions) o.Dimensions[k] = v;
        return o;
    }

    internal static async Task<long> ImportAsync(DemographicsClient client, IEnumerable<Observation> observations, int batchSize = 500)
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

    /// <summary>An import that must be refused as INVALID_ARGUMENT with exactly these violations, in this order.</summary>
    protected static async Task<(RpcException Error, IReadOnlyList<Google.Rpc.BadRequest.Types.FieldViolation> Violations)> RefusedAsync(
        DemographicsClient client, IEnumerable<Observation> observations, int batchSize, params string[] fields)
    {
        var e = await Rpc.FailsAsync(StatusCode.InvalidArgument, () => ImportAsync(client, observations, batchSize));
        var violations = Rpc.Violations(e, fields);
        Assert.Equal(fields, violations.Select(v => v.Field));
        return (e, violations);
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
}
