using Dapper;
using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.Reporting.Core.Storage;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Storage;
using IntegrationServices.SnapshotWorker;
using IntegrationServices.Suite;
using IntegrationServices.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using MeasuresClient = IntegrationServices.Contracts.Measures.V1.MeasuresService.MeasuresServiceClient;
using DemographicsClient = IntegrationServices.Contracts.Demographics.V1.DemographicsService.DemographicsServiceClient;
using CyclesClient = IntegrationServices.Contracts.Reporting.V1.ReportingCyclesService.ReportingCyclesServiceClient;
using SnapshotsClient = IntegrationServices.Contracts.Reporting.V1.SnapshotsService.SnapshotsServiceClient;

namespace IntegrationServices.Reporting.Testing;

/// <summary>
/// The Suite's Measures, Demographics and Reporting components each on its own test server (real
/// SQLite files), sharing one fake clock; snapshot workers on the reporting database whose gRPC clients
/// go through the test servers' handlers. A scripted history of measures, statuses and statistics
/// (Beispieldaten) to take snapshots of.
/// </summary>
public sealed partial class SnapshotEnvironment : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2025, 1, 6, 8, 0, 0, TimeSpan.Zero);

    private readonly List<TestHost> _workers = [];

    /// <summary>What every host of the environment gets besides its composition (e.g. a test's tracer).</summary>
    private readonly Action<WebApplicationBuilder>? _everyHost;

    private SnapshotEnvironment(SteppingClock clock, Action<WebApplicationBuilder>? everyHost)
    {
        Clock = clock;
        _everyHost = everyHost;
    }

    public SteppingClock Clock { get; }
    public DependencySwitch MeasuresSwitch { get; } = new();
    public TestHost Measures { get; private set; } = null!;
    public TestHost Demographics { get; private set; } = null!;
    public TestHost Reporting { get; private set; } = null!;

    /// <param name="everyHost">Applied to every host of the environment, workers included, before its composition.</param>
    /// <param name="demographicsProbe">Added to Demographics' interceptors: tells when an import's first batch arrived.</param>
    public static async Task<SnapshotEnvironment> StartAsync(Action<WebApplicationBuilder>? everyHost = null, FirstMessageProbe? demographicsProbe = null)
    {
        var env = new SnapshotEnvironment(new SteppingClock(Start), everyHost);
        env.Measures = await TestHost.StartAsync(SuiteComponents.Measures, clock: env.Clock, customize: everyHost);
        env.Demographics = await TestHost.StartAsync(SuiteComponents.Demographics, clock: env.Clock,
            customize: b => { everyHost?.Invoke(b); demographicsProbe?.AddTo(b); });
        env.Reporting = await TestHost.StartAsync(SuiteComponents.Reporting,
            new Dictionary<string, string?> { ["OParl:BaseUrl"] = "https://ris.example.de/oparl" }, env.Clock,
            customize: b => { everyHost?.Invoke(b); env.UseTestServers(b); });
        return env;
    }

    /// <summary>The component's Measures and Demographics clients go to this environment's test servers (Measures behind <see cref="MeasuresSwitch"/>).</summary>
    private void UseTestServers(WebApplicationBuilder builder, Func<HttpMessageHandler, HttpMessageHandler>? wrapDemographics = null) =>
        builder.Services.UseSnapshotClientHandlers(
            () => new SwitchableHandler(MeasuresSwitch, Measures.Server.CreateHandler()),
            () => wrapDemographics is null ? Demographics.Server.CreateHandler() : wrapDemographics(Demographics.Server.CreateHandler()));

    public string ReportingConnectionString => new SqliteConnectionStringBuilder
    {
        DataSource = Path.Combine(Reporting.DataDirectory, "reporting.db"),
        ForeignKeys = true,
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>
    /// A snapshot worker on the reporting database (polling off unless enabled by <paramref name="settings"/>).
    /// Its clients reach the test servers unless <paramref name="testServers"/> is false;
    /// <paramref name="wrapDemographics"/> may put a handler of the test's in front of Demographics.
    /// </summary>
    public async Task<TestHost> StartWorkerAsync(IDictionary<string, string?>? settings = null, string? workerId = null,
        bool testServers = true, Func<HttpMessageHandler, HttpMessageHandler>? wrapDemographics = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = ReportingConnectionString,
            ["Worker:Enabled"] = "false",
            ["Worker:RetryBaseDelay"] = "00:00:01",
            ["Worker:RetryMaxDelay"] = "00:00:10",
            ["Worker:WorkerId"] = workerId ?? $"test-worker-{_workers.Count + 1}",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) config[k] = v;
        var host = await TestHost.StartAsync(SuiteComponents.SnapshotWorker, config, Clock,
            customize: b =>
            {
                _everyHost?.Invoke(b);
                if (testServers) UseTestServers(b, wrapDemographics);
            });
        _workers.Add(host);
        return host;
    }

    public static SnapshotWorkerService Worker(TestHost host) => host.Services.GetRequiredService<SnapshotWorkerService>();

    public MeasuresClient MeasuresAdmin => new(Measures.As(Roles.Admin));
    public DemographicsClient DemographicsAdmin => new(Demographics.As(Roles.Admin));
    public CyclesClient Cycles => new(Reporting.As(Roles.Admin));
    public SnapshotsClient Snapshots(params string[] roles) => new(Reporting.As(roles));

    /// <summary>The reporting context's snapshot producer, on the Reporting host (due cycles, runs, computation).</summary>
    public SnapshotProducer Producer => Reporting.Services.GetRequiredService<SnapshotProducer>();

    public SnapshotComputation Computation => Reporting.Services.GetRequiredService<SnapshotComputation>();

    /// <summary>The stored snapshot of a cycle, or null.</summary>
    public Task<StoredSnapshot?> StoredAsync(string cycleId) =>
        Reporting.Services.GetRequiredService<Database>().ReadAsync(db =>
            Reporting.Services.GetRequiredService<SnapshotStore>().GetAsync(db, cycleId, CancellationToken.None), CancellationToken.None);

    public async Task<T> QueryReportingAsync<T>(Func<SqliteConnection, Task<T>> query)
    {
        await using var connection = new SqliteConnection(ReportingConnectionString);
        await connection.OpenAsync();
        return await query(connection);
    }

    public Task<IReadOnlyList<RunRow>> RunsAsync(string? cycleId = null) => QueryReportingAsync<IReadOnlyList<RunRow>>(async c =>
        (await c.QueryAsync<RunRow>("""
            SELECT id AS Id, cycle_id AS CycleId, outcome AS Outcome, error AS Error, worker AS Worker,
                   heartbeat_time AS HeartbeatTime, next_attempt_time AS NextAttemptTime
            FROM snapshot_runs WHERE @CycleId IS NULL OR cycle_id = @CycleId ORDER BY id
            """, new { CycleId = cycleId })).ToList());

    public Task<long> SnapshotCountAsync(string cycleId) => QueryReportingAsync(c =>
        c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM snapshots WHERE cycle_id = @CycleId", new { CycleId = cycleId }));

    public sealed class RunRow
    {
        public long Id { get; set; }
        public string CycleId { get; set; } = "";
        public string Outcome { get; set; } = "";
        public string? Error { get; set; }
        public string? Worker { get; set; }
        public DateTime? HeartbeatTime { get; set; }
        public DateTime? NextAttemptTime { get; set; }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers) await worker.DisposeAsync();
        await Reporting.DisposeAsync();
        await Demographics.DisposeAsync();
        await Measures.DisposeAsync();
    }
}
