using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.Suite;
using IntegrationServices.Testing;
using Microsoft.Extensions.DependencyInjection;
using static IntegrationServices.Testing.Dates;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;
using Role = IntegrationServices.Contracts.Reporting.V1.Consultation.Types.Role;

namespace IntegrationServices.Reporting.Tests;

/// <summary>One Reporting host per test class (the Suite's component; real SQLite file, fake clock).</summary>
public sealed class ReportingHost : IAsyncLifetime
{
    public static readonly RpcAssert Rpc = new("integration.reporting.v1");

    private int _next;

    public TestHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Host = await TestHost.StartAsync(SuiteComponents.Reporting, Settings());

    public static Dictionary<string, string?> Settings() => new() { ["OParl:BaseUrl"] = "https://ris.example.de/oparl" };

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();

    public ReportingCyclesService.ReportingCyclesServiceClient Client(params string[] roles) => new(Host.As(roles));

    /// <summary>A fresh reference date per call, so that cycles of one test class never clash.</summary>
    public DateOnly NextReferenceDate() => new DateOnly(2030, 1, 1).AddDays(Interlocked.Increment(ref _next) * 3);

    /// <summary>What the worker does on the reporting date (without Measures and Demographics: an empty snapshot); it must succeed.</summary>
    public async Task TakeSnapshotAsync(string name) => Assert.Equal(Outcome.Succeeded, await TrySnapshotAsync(Host, name));

    /// <summary>
    /// The worker's attempt to store a snapshot of the cycle <paramref name="name"/> once it is due (the
    /// host's clock moves past its cut-off): SUCCEEDED, or SKIPPED when it may not.
    /// </summary>
    public static async Task<Outcome> TrySnapshotAsync(TestHost host, string name)
    {
        var id = ReportingNames.Cycles.Parse(name);
        var cycle = await host.Services.GetRequiredService<CycleApplication>().GetAsync(id, CancellationToken.None);
        var due = new DueCycle(id, cycle.ReferenceDate, cycle.ReportingDate, cycle.Scope, cycle.Version);
        var policy = new AttemptPolicy("test-worker", SettleDelay: TimeSpan.FromMinutes(2), AbandonAfter: TimeSpan.FromMinutes(15),
            RetryBaseDelay: TimeSpan.FromSeconds(5), RetryMaxDelay: TimeSpan.FromMinutes(30));
        if (host.Clock.GetUtcNow() < due.KnownAt + policy.SettleDelay) host.Clock.SetUtcNow(due.KnownAt + policy.SettleDelay);
        var producer = host.Services.GetRequiredService<SnapshotProducer>();
        var run = await producer.StartRunAsync(id, policy.WorkerId, CancellationToken.None);
        var empty = SnapshotAggregator.Aggregate(due.Input(SnapshotAggregator.Latest),
            new SnapshotSources([], CatalogueTitles.None, new SummarizeAreasResponse(), []));
        return (await producer.StoreAsync(run, due, empty, policy, CancellationToken.None)).Outcome;
    }
}

/// <summary>Requests and reference data of the cycle tests.</summary>
public static class Cycles
{
    public static ReportingCycle Cycle(DateOnly reference, int consultations = 2, string title = "Testzyklus")
    {
        var cycle = new ReportingCycle
        {
            Title = title,
            ReferenceDate = D(reference),
            ReportingDate = D(reference.AddMonths(1)),
            Paper = new CouncilPaper
            {
                Reference = "30-00001",
                PaperType = "Mitteilung",
                Title = "Bericht zur Integrationsplanung",
                UnderDirectionOf = "50 Fachbereich Soziales und Gesundheit",
                Date = D(reference.AddMonths(2)),
            },
        };
        for (var i = 1; i <= consultations; i++)
            cycle.Consultations.Add(new Consultation
            {
                Order = i,
                Organization = i == 2 ? "Verwaltungsausschuss" : $"Ausschuss {i}",
                Role = Role.Information,
                MeetingDate = D(reference.AddMonths(2).AddDays(7 * i)),
                Public = i != 2,
            });
        return cycle;
    }

    public static string SharedData(string relative) =>
        File.ReadAllText(Path.Combine(RepositoryRoot.Shared, "data", relative));
}
