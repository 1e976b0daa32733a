using Google.Protobuf.WellKnownTypes;
using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.Reporting.Core.Storage;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Storage;
using IntegrationServices.Testing;
using Role = IntegrationServices.Contracts.Reporting.V1.Consultation.Types.Role;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;

namespace IntegrationServices.Reporting.Core.Tests.Storage;

/// <summary>
/// The cycle storage's contract, and the rules the application enforces on it (etags, one live cycle
/// per reference date and scope), on SQLite always and on SQL Server when a server is configured.
/// </summary>
public abstract class CycleStorageContract(IStorageUnderTest storage)
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static readonly ConsultationEntry[] TwoConsultations =
    [
        new(1, "Ausschuss für Integrationsfragen", Role.Information, false, new DateOnly(2020, 5, 1), true, "zur Kenntnis genommen", false),
        new(2, "Verwaltungsausschuss", Role.Decision, true, null, false, null, false),
    ];

    private static CycleDraft Draft(DateOnly reference, params ConsultationEntry[] consultations) => new()
    {
        Title = "Vertragstest " + reference.Iso(),
        ReferenceDate = reference,
        ReportingDate = reference.AddMonths(3),
        Scope = ["actionConcepts/idk"],
        Paper = new Paper("99-00001", "Mitteilung", "Titel", "50 Fachbereich Soziales und Gesundheit", reference.AddMonths(4)),
        Consultations = consultations,
    };

    private static Cycle NewCycle(string id, DateOnly reference, params ConsultationEntry[] consultations) =>
        CycleRules.New(id, Draft(reference, consultations), new DateTime(2020, 1, 1, 12, 0, 0, DateTimeKind.Utc));

    private static Task<bool> InsertAsync(TestHost host, Cycle cycle) =>
        host.WriteAsync(async db => { await host.Get<ReportingCycleRepository>().InsertAsync(db, cycle, None); return true; });

    private static Task<Cycle?> GetAsync(TestHost host, string id) =>
        host.ReadAsync(db => host.Get<ReportingCycleRepository>().GetAsync(db, id, forUpdate: false, None));

    [Fact]
    public async Task Stores_and_reads_back_every_field()
    {
        await using var host = await storage.StartAsync();
        var cycle = NewCycle("k-fields", new DateOnly(2019, 12, 31), TwoConsultations);
        await InsertAsync(host, cycle);

        var read = await GetAsync(host, "k-fields");
        Assert.NotNull(read);
        Assert.Equal(cycle with { Scope = read.Scope, Consultations = read.Consultations }, read);
        Assert.Equal(cycle.Scope, read.Scope);
        Assert.Equal(cycle.Consultations, read.Consultations);
        Assert.Equal(DateTimeKind.Utc, read.CreateTime.Kind);
        Assert.Null(await GetAsync(host, "k-missing"));
    }

    [Fact]
    public async Task Lists_in_reporting_date_order_with_filters_and_keyset()
    {
        await using var host = await storage.StartAsync();
        for (var i = 0; i < 4; i++) await InsertAsync(host, NewCycle($"k-list-{i}", new DateOnly(2040 + i, 6, 30)));
        var repository = host.Get<ReportingCycleRepository>();
        var filter = ReportingCycleSql.Filters.Parse("state = PLANNED AND reporting_date >= 2040-01-01");
        var now = DateTime.UtcNow;

        var firstPage = await host.ReadAsync(db => repository.PageAsync(db, filter, new PageCursor<CycleKey>(null, 2, now), None));
        Assert.Equal(["k-list-0", "k-list-1"], firstPage.Select(c => c.Id));
        var after = new CycleKey(firstPage[^1].ReportingDate, firstPage[^1].Id);
        var secondPage = await host.ReadAsync(db => repository.PageAsync(db, filter, new PageCursor<CycleKey>(after, 10, now), None));
        Assert.Equal(["k-list-2", "k-list-3"], secondPage.Select(c => c.Id));
        var closed = ReportingCycleSql.Filters.Parse("state = CLOSED AND reporting_date >= 2040-01-01");
        Assert.Empty(await host.ReadAsync(db => repository.PageAsync(db, closed, new PageCursor<CycleKey>(null, 10, now), None)));
    }

    [Fact]
    public async Task An_update_writes_only_over_the_version_it_read_and_replaces_the_consultations()
    {
        await using var host = await storage.StartAsync();
        var repository = host.Get<ReportingCycleRepository>();
        await InsertAsync(host, NewCycle("k-upd", new DateOnly(2030, 12, 31), TwoConsultations));
        var current = (await GetAsync(host, "k-upd"))!;
        var updated = current with
        {
            Consultations = [TwoConsultations[1] with { Order = 5, MeetingDate = new DateOnly(2031, 2, 3) }],
            Version = current.Version + 1,
        };

        Assert.True(await host.WriteAsync(db => repository.UpdateAsync(db, updated, current, None)));
        // A second writer that read the same version loses and writes nothing.
        Assert.False(await host.WriteAsync(db => repository.UpdateAsync(db, current with { Title = "verloren", Version = 2 }, current, None)));

        var read = (await GetAsync(host, "k-upd"))!;
        Assert.Equal(2, read.Version);
        Assert.Equal(current.Title, read.Title);
        Assert.Equal(updated.Consultations, read.Consultations);
    }

    [Fact]
    public async Task The_application_refuses_stale_etags_and_a_second_live_cycle_per_reference_date_and_scope()
    {
        await using var host = await storage.StartAsync();
        var cycles = host.Get<CycleApplication>();
        await cycles.CreateAsync("k-mod-a", Draft(new DateOnly(2030, 12, 31), TwoConsultations), CoreHost.Writer, null, new Empty(), None);
        await cycles.CreateAsync("k-mod-b", Draft(new DateOnly(2031, 12, 31)), CoreHost.Writer, null, new Empty(), None);

        var stale = await Assert.ThrowsAsync<ServiceException>(() => cycles.UpdateAsync("k-mod-a", "41", ["title"], new CycleDraft { Title = "x" }, CoreHost.Writer, None));
        Assert.Equal(Grpc.Core.StatusCode.Aborted, stale.Code);
        var duplicate = await Assert.ThrowsAsync<ServiceException>(() => cycles.UpdateAsync("k-mod-b", null, ["reference_date"],
            new CycleDraft { ReferenceDate = new DateOnly(2030, 12, 31) }, CoreHost.Writer, None));
        Assert.Equal("DUPLICATE_REFERENCE_DATE", duplicate.Reason);
        var again = await Assert.ThrowsAsync<ServiceException>(() => cycles.CreateAsync("k-mod-c", Draft(new DateOnly(2030, 12, 31)), CoreHost.Writer, null, new Empty(), None));
        Assert.Equal("DUPLICATE_REFERENCE_DATE", again.Reason);

        // Below the application, the unique index is the last line of defence.
        var violation = await Assert.ThrowsAnyAsync<Exception>(() => InsertAsync(host, NewCycle("k-mod-d", new DateOnly(2030, 12, 31))));
        Assert.True(host.Get<Database>().Dialect.IsUniqueViolation(violation), violation.ToString());

        Assert.Equal(Outcome.Succeeded, (await Snapshots.TakeAsync(host, "k-mod-a")).Outcome);
        var taken = (await GetAsync(host, "k-mod-a"))!;
        Assert.Equal(State.InConsultation, taken.State); // one of its two results is already on record
        Assert.Equal("reportingCycles/k-mod-a/snapshot", taken.Snapshot);
    }

    [Fact]
    public async Task Planning_twice_creates_once()
    {
        await using var host = await storage.StartAsync();
        var cycles = host.Get<CycleApplication>();
        var rule = new Recurrence(new DateOnly(2060, 12, 31), 12, 3, 0);
        var (first, created) = await cycles.PlanAsync(rule, 3, "", [], CoreHost.Writer, None);
        Assert.Equal(3, created);
        var (second, createdAgain) = await cycles.PlanAsync(rule, 3, "", [], CoreHost.Writer, None);
        Assert.Equal(0, createdAgain);
        Assert.Equal(first.Select(c => c.Id), second.Select(c => c.Id));
    }
}

public sealed class SqliteCycleStorageTests() : CycleStorageContract(new SqliteStorage());

public sealed class SqlServerCycleStorageTests(SqlServerDatabases databases)
    : CycleStorageContract(new SqlServerStorage(databases)), IClassFixture<SqlServerDatabases>;
