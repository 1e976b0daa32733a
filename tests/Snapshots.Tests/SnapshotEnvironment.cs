using Dapper;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Demographics;
using IntegrationServices.Measures;
using IntegrationServices.Reporting;
using IntegrationServices.Reporting.Snapshots;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.SnapshotWorker;
using IntegrationServices.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using MeasuresClient = IntegrationServices.Contracts.Measures.V1.MeasuresService.MeasuresServiceClient;
using DemographicsClient = IntegrationServices.Contracts.Demographics.V1.DemographicsService.DemographicsServiceClient;
using CyclesClient = IntegrationServices.Contracts.Reporting.V1.ReportingCyclesService.ReportingCyclesServiceClient;
using SnapshotsClient = IntegrationServices.Contracts.Reporting.V1.SnapshotsService.SnapshotsServiceClient;

namespace Snapshots.Tests;

/// <summary>
/// A fake clock that tells when someone starts waiting on it (a timer was created), so tests can
/// move time exactly when the worker (poll loop, retry backoff) waits, instead of sleeping.
/// </summary>
public sealed class SteppingClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly SemaphoreSlim _timers = new(0);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan) _timers.Release();
        return timer;
    }

    /// <summary>Completes when a timer has been created (or after a real-time safety limit).</summary>
    public Task<bool> TimerCreatedAsync() => _timers.WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Runs <paramref name="work"/>, moving the clock by <paramref name="step"/> whenever it waits.</summary>
    public async Task<T> DriveAsync<T>(Task<T> work, TimeSpan step)
    {
        while (!work.IsCompleted)
        {
            var timer = TimerCreatedAsync();
            if (await Task.WhenAny(work, timer) == timer && await timer) Advance(step);
        }
        return await work;
    }

    /// <summary>Moves the clock forward to <paramref name="instant"/> (never back).</summary>
    public void MoveTo(DateTimeOffset instant)
    {
        if (instant > GetUtcNow()) SetUtcNow(instant);
    }
}

/// <summary>Switches a dependency off: its calls then fail as a refused connection would (UNAVAILABLE).</summary>
public sealed class DependencySwitch
{
    public volatile bool Down;
}

public sealed class SwitchableHandler(DependencySwitch @switch, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
        @switch.Down
            ? Task.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError,
                "Connection refused (the test switched the dependency off)", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused)))
            : base.SendAsync(request, ct);
}

/// <summary>
/// Measures, Demographics and Reporting each on its own TestServer (real SQLite files), sharing one
/// fake clock; snapshot workers on the reporting database whose gRPC clients go through the test
/// servers' handlers. A scripted history of measures, statuses and statistics (Beispieldaten).
/// </summary>
public sealed class SnapshotEnvironment : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2025, 1, 6, 8, 0, 0, TimeSpan.Zero);

    private readonly List<TestHost> _workers = [];
    private int _historyCursor;

    private SnapshotEnvironment(SteppingClock clock) => Clock = clock;

    public SteppingClock Clock { get; }
    public DependencySwitch MeasuresSwitch { get; } = new();
    public TestHost Measures { get; private set; } = null!;
    public TestHost Demographics { get; private set; } = null!;
    public TestHost Reporting { get; private set; } = null!;

    public Dictionary<string, string> MeasureNames { get; } = new();

    /// <param name="demographicsProbe">Added to Demographics' interceptors: tells when an import's first batch arrived.</param>
    public static async Task<SnapshotEnvironment> StartAsync(FirstMessageProbe? demographicsProbe = null)
    {
        var env = new SnapshotEnvironment(new SteppingClock(Start));
        env.Measures = await TestHost.StartAsync(b => b.AddMeasuresService(), a => a.MapMeasuresService(), clock: env.Clock);
        env.Demographics = await TestHost.StartAsync(b =>
        {
            b.AddDemographicsService();
            if (demographicsProbe is null) return;
            b.Services.AddSingleton(demographicsProbe);
            b.Services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<FirstMessageProbe>());
        }, a => a.MapDemographicsService(), clock: env.Clock);
        env.Reporting = await TestHost.StartAsync(b =>
        {
            b.Services.AddSingleton(env.Handlers());
            b.AddReportingService();
        }, a => a.MapReportingService(), new Dictionary<string, string?> { ["OParl:BaseUrl"] = "https://ris.example.de/oparl" }, env.Clock);
        return env;
    }

    public SnapshotClientHandlers Handlers() => new()
    {
        Measures = () => new SwitchableHandler(MeasuresSwitch, Measures.Server.CreateHandler()),
        Demographics = () => Demographics.Server.CreateHandler(),
    };

    public string ReportingConnectionString => new SqliteConnectionStringBuilder
    {
        DataSource = Path.Combine(Reporting.DataDirectory, "reporting.db"),
        ForeignKeys = true,
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>A snapshot worker host on the reporting database (polling off unless enabled).</summary>
    public async Task<TestHost> StartWorkerAsync(ISnapshotFaultInjector? faults = null, IDictionary<string, string?>? settings = null,
        bool testHandlers = true, string? workerId = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = ReportingConnectionString,
            ["Worker:Enabled"] = "false",
            ["Worker:RetryBaseDelay"] = "00:00:01",
            ["Worker:RetryMaxDelay"] = "00:00:10",
            ["Worker:MaxRetryAttempts"] = "2",
            ["Worker:WorkerId"] = workerId ?? $"test-worker-{_workers.Count + 1}",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) config[k] = v;
        var host = await TestHost.StartAsync(b =>
        {
            if (testHandlers) b.Services.AddSingleton(Handlers());
            if (faults is not null) b.Services.AddSingleton<ISnapshotFaultInjector>(faults);
            b.AddSnapshotWorker();
        }, a => a.MapSnapshotWorker(), config, Clock);
        _workers.Add(host);
        return host;
    }

    public static SnapshotWorkerService Worker(TestHost host) => host.Services.GetRequiredService<SnapshotWorkerService>();

    public MeasuresClient MeasuresAdmin => new(Measures.As(Roles.Admin));
    public DemographicsClient DemographicsAdmin => new(Demographics.As(Roles.Admin));
    public CyclesClient Cycles => new(Reporting.As(Roles.Admin));
    public SnapshotsClient Snapshots(params string[] roles) => new(Reporting.As(roles));
    public SnapshotStore Store => Reporting.Services.GetRequiredService<SnapshotStore>();

    public async Task<T> QueryReportingAsync<T>(Func<SqliteConnection, Task<T>> query)
    {
        await using var connection = new SqliteConnection(ReportingConnectionString);
        await connection.OpenAsync();
        return await query(connection);
    }

    public Task<IReadOnlyList<RunRow>> RunsAsync(string? cycleId = null) => QueryReportingAsync<IReadOnlyList<RunRow>>(async c =>
        (await c.QueryAsync<RunRow>("SELECT id AS Id, cycle_id AS CycleId, outcome AS Outcome, error AS Error, worker AS Worker FROM snapshot_runs WHERE @CycleId IS NULL OR cycle_id = @CycleId ORDER BY id",
            new { CycleId = cycleId })).ToList());

    public Task<long> SnapshotCountAsync(string cycleId) => QueryReportingAsync(c =>
        c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM snapshots WHERE cycle_id = @CycleId", new { CycleId = cycleId }));

    public sealed class RunRow
    {
        public long Id { get; set; }
        public string CycleId { get; set; } = "";
        public string Outcome { get; set; } = "";
        public string? Error { get; set; }
        public string? Worker { get; set; }
    }

    // ---- scripted history (Beispieldaten) ----------------------------------------------------------

    public static DateTimeOffset Utc(int y, int m, int d, int h = 10) => new(y, m, d, h, 0, 0, TimeSpan.Zero);

    public static Google.Type.Date D(int y, int m, int d) => new() { Year = y, Month = m, Day = d };

    /// <summary>Cycle ids and dates of the scripted quarters (cut-off: end of the reporting date, Berlin).</summary>
    public static readonly (string Id, Google.Type.Date Reference, Google.Type.Date Reporting)[] Quarters =
    [
        ("q1", D(2025, 3, 31), D(2025, 4, 2)),
        ("q2", D(2025, 6, 30), D(2025, 7, 2)),
        ("q3", D(2025, 9, 30), D(2025, 10, 2)),
    ];

    private IReadOnlyList<(DateTimeOffset At, Func<Task> Act)> History() =>
    [
        (Start, SeedCatalogueAsync),
        (Utc(2025, 2, 10), () => StatusAsync("M2", MeasureStatus.InProgress, 50, D(2025, 2, 1))),
        (Utc(2025, 3, 20), () => StatusAsync("M1", MeasureStatus.InProgress, 60, D(2025, 3, 15))),
        (Utc(2025, 5, 10), async () =>
        {
            await StatusAsync("M1", MeasureStatus.Implemented, 100, D(2025, 5, 1));
            await CreateMeasureAsync("M5", "idk", 4, "50", D(2025, 5, 1));
            await MeasuresAdmin.DeleteMeasureAsync(new DeleteMeasureRequest { Name = MeasureNames["M4"] });
        }),
        (Utc(2025, 7, 1), () => ObservationsAsync(D(2025, 6, 30), ("0", 251000, 41000, 71500), ("130", 27200, 8100, 12300))),
        (Utc(2025, 8, 1), () => StatusAsync("M2", MeasureStatus.Ongoing, 100, D(2025, 7, 15))),
    ];

    /// <summary>Plays the scripted history up to <paramref name="until"/> and leaves the clock there.</summary>
    public async Task SeedUntilAsync(DateTimeOffset until)
    {
        var history = History();
        while (_historyCursor < history.Count && history[_historyCursor].At <= until)
        {
            Clock.MoveTo(history[_historyCursor].At);
            await history[_historyCursor].Act();
            _historyCursor++;
        }
        Clock.MoveTo(until);
    }

    private async Task SeedCatalogueAsync()
    {
        var m = MeasuresAdmin;
        await m.CreateActionConceptAsync(new CreateActionConceptRequest { ActionConceptId = "idk", ActionConcept = new ActionConcept { Title = "Integration durch Konsens" } });
        await m.CreateActionConceptAsync(new CreateActionConceptRequest { ActionConceptId = "fluechtlinge", ActionConcept = new ActionConcept { Title = "Konzept zur Integration von Flüchtlingen" } });
        await m.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest { OrganizationalUnitId = "50", OrganizationalUnit = new OrganizationalUnit { Title = "50 Fachbereich Soziales und Gesundheit" } });
        await m.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest { OrganizationalUnitId = "51", OrganizationalUnit = new OrganizationalUnit { Title = "51 Fachbereich Kinder, Jugend und Familie (Beispiel)" } });
        await CreateMeasureAsync("M1", "idk", 1, "50", D(2024, 6, 1));
        await CreateMeasureAsync("M2", "idk", 2, "51", D(2024, 6, 1));
        await CreateMeasureAsync("M3", "fluechtlinge", 8, "50", D(2024, 6, 1));
        await CreateMeasureAsync("M4", "fluechtlinge", 3, "51", D(2024, 6, 1));
        await StatusAsync("M1", MeasureStatus.InProgress, 20, D(2025, 1, 2));
        await StatusAsync("M3", MeasureStatus.Implemented, 100, D(2025, 1, 3));
        await ObservationsAsync(D(2024, 12, 31), ("0", 250000, 40000, 70000), ("130", 27000, 8000, 12000));
        foreach (var (id, reference, reporting) in Quarters)
            await CreateCycleAsync(id, reference, reporting);
    }

    public async Task CreateMeasureAsync(string code, string concept, int field, string unit, Google.Type.Date adopted)
    {
        var measure = await MeasuresAdmin.CreateMeasureAsync(new CreateMeasureRequest
        {
            Measure = new Measure
            {
                Code = code,
                Title = $"Maßnahme {code} (Beispiel)",
                ActionConcept = "actionConcepts/" + concept,
                FieldOfAction = field,
                ResponsibleUnit = "units/" + unit,
                AdoptedOn = adopted,
            },
        });
        MeasureNames[code] = measure.Name;
    }

    public Task StatusAsync(string code, MeasureStatus status, int progress, Google.Type.Date effective) =>
        MeasuresAdmin.RecordStatusAsync(new RecordStatusRequest { Parent = MeasureNames[code], Status = status, ProgressPercent = progress, EffectiveDate = effective }).ResponseAsync;

    public async Task ObservationsAsync(Google.Type.Date reference, params (string Area, double Population, double Foreign, double Migration)[] rows)
    {
        using var call = DemographicsAdmin.ImportObservations();
        var batch = new ImportObservationsRequest();
        foreach (var (area, population, foreign, migration) in rows)
        {
            batch.Observations.Add(new Observation { Indicator = "indicators/population_total", Area = "areas/" + area, ReferenceDate = reference, Value = population, Status = ObservationStatus.Final });
            batch.Observations.Add(new Observation { Indicator = "indicators/foreign_nationals", Area = "areas/" + area, ReferenceDate = reference, Value = foreign, Status = ObservationStatus.Final });
            batch.Observations.Add(new Observation { Indicator = "indicators/population_with_migration_background", Area = "areas/" + area, ReferenceDate = reference, Value = migration, Status = ObservationStatus.Final });
        }
        await call.RequestStream.WriteAsync(batch);
        await call.RequestStream.CompleteAsync();
        await call;
    }

    public Task<ReportingCycle> CreateCycleAsync(string id, Google.Type.Date reference, Google.Type.Date reporting, params string[] scope)
    {
        var cycle = new ReportingCycle { Title = $"Bericht {id} (Beispiel)", ReferenceDate = reference, ReportingDate = reporting };
        cycle.Scope.AddRange(scope);
        return Cycles.CreateReportingCycleAsync(new CreateReportingCycleRequest { ReportingCycleId = id, ReportingCycle = cycle }).ResponseAsync;
    }

    public async Task<ReportingCycle> CycleAsync(string id) =>
        await Cycles.GetReportingCycleAsync(new GetReportingCycleRequest { Name = "reportingCycles/" + id });

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers) await worker.DisposeAsync();
        await Reporting.DisposeAsync();
        await Demographics.DisposeAsync();
        await Measures.DisposeAsync();
    }
}

/// <summary>Throws once at a given step of a given cycle, as a crash there would end the attempt.</summary>
public sealed class CrashOnce(SnapshotStep step, string? cycleId = null) : ISnapshotFaultInjector
{
    private int _fired;

    public ValueTask OnStepAsync(SnapshotStep s, string cycle, CancellationToken ct)
    {
        if (s == step && (cycleId is null || cycleId == cycle) && Interlocked.Exchange(ref _fired, 1) == 0)
            throw new InvalidOperationException($"simulated crash at {step}");
        return ValueTask.CompletedTask;
    }
}

/// <summary>Makes two workers meet after aggregating each cycle, so that both race to store every snapshot.</summary>
public sealed class Rendezvous : ISnapshotFaultInjector
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Gate> _gates = new();

    public async ValueTask OnStepAsync(SnapshotStep step, string cycleId, CancellationToken ct)
    {
        if (step != SnapshotStep.Aggregated) return;
        var gate = _gates.GetOrAdd(cycleId, _ => new Gate());
        if (Interlocked.Increment(ref gate.Arrived) == 2) gate.Both.TrySetResult();
        await gate.Both.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
    }

    private sealed class Gate
    {
        public int Arrived;
        public readonly TaskCompletionSource Both = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

public static class Expect
{
    public static async Task<RpcException> Fails(StatusCode code, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(code == e.StatusCode, $"expected {code}, got {e.StatusCode}: {e.Status.Detail}");
        return e;
    }
}
