using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting;
using IntegrationServices.Reporting.Cycles;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.Testing;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Role = IntegrationServices.Contracts.Reporting.V1.Consultation.Types.Role;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;

namespace Reporting.Tests;

/// <summary>
/// The repository's contract, run on SQLite always and on SQL Server when SQLSERVER_TEST_CONNECTION
/// is set (a fresh database per run, created by the migrator); otherwise those are reported skipped.
/// </summary>
public abstract class RepositoryContract
{
    protected abstract Task<TestHost?> StartAsync();

    private static readonly WriteContext Writer = WriteContext.System("system:seed", "Test", "test/contract", Roles.Admin);

    private static Cycle NewCycle(string id, DateOnly reference, params ConsultationEntry[] consultations) => new()
    {
        Id = id,
        Title = "Vertragstest " + id,
        ReferenceDate = reference,
        ReportingDate = reference.AddMonths(3),
        Scope = ["actionConcepts/idk"],
        Paper = new Paper("99-00001", "Mitteilung", "Titel", "50 Fachbereich Soziales und Gesundheit", reference.AddMonths(4)),
        Consultations = consultations,
        Version = 1,
        CreateTime = new DateTime(2020, 1, 1, 12, 0, 0, DateTimeKind.Utc),
        UpdateTime = new DateTime(2020, 1, 1, 12, 0, 0, DateTimeKind.Utc),
    };

    private static readonly ConsultationEntry[] TwoConsultations =
    [
        new(1, "Ausschuss für Integrationsfragen", Role.Information, false, new DateOnly(2020, 5, 1), true, "zur Kenntnis genommen", false),
        new(2, "Verwaltungsausschuss", Role.Decision, true, null, false, null, false),
    ];

    [Fact]
    public async Task Stores_and_reads_back_every_field()
    {
        await using var host = await StartAsync();
        var repository = host!.Services.GetRequiredService<ReportingCycleRepository>();
        var cycle = NewCycle("k-fields", new DateOnly(2019, 12, 31), TwoConsultations);
        Assert.Equal("reportingCycles/k-fields", await repository.CreateAsync(cycle, Writer, null, new Google.Protobuf.WellKnownTypes.Empty(), CancellationToken.None));
        var read = await repository.GetAsync("k-fields", CancellationToken.None);
        Assert.NotNull(read);
        Assert.Equal(cycle with { Scope = read!.Scope, Consultations = read.Consultations }, read);
        Assert.Equal(cycle.Scope, read.Scope);
        Assert.Equal(cycle.Consultations, read.Consultations);
        Assert.Equal(DateTimeKind.Utc, read.CreateTime.Kind);
        Assert.Null(await repository.GetAsync("k-missing", CancellationToken.None));
    }

    [Fact]
    public async Task Lists_in_reporting_date_order_with_filters_and_keyset()
    {
        await using var host = await StartAsync();
        var repository = host!.Services.GetRequiredService<ReportingCycleRepository>();
        for (var i = 0; i < 4; i++)
            await repository.CreateAsync(NewCycle($"k-list-{i}", new DateOnly(2040 + i, 6, 30)), Writer, null, new Google.Protobuf.WellKnownTypes.Empty(), CancellationToken.None);
        var terms = Filter.Parse("state = PLANNED AND reporting_date >= 2040-01-01", ReportingCycleRepository.FilterFields);
        var firstPage = await repository.ListAsync(terms, DateOnly.MinValue, "", 2, CancellationToken.None);
        Assert.Equal(new[] { "k-list-0", "k-list-1" }, firstPage.Select(c => c.Id));
        var secondPage = await repository.ListAsync(terms, firstPage[^1].ReportingDate, firstPage[^1].Id, 10, CancellationToken.None);
        Assert.Equal(new[] { "k-list-2", "k-list-3" }, secondPage.Select(c => c.Id));
        var none = await repository.ListAsync(Filter.Parse("state = CLOSED AND reporting_date >= 2040-01-01", ReportingCycleRepository.FilterFields),
            DateOnly.MinValue, "", 10, CancellationToken.None);
        Assert.Empty(none);
    }

    [Fact]
    public async Task Modify_checks_etag_and_unique_reference_and_replaces_consultations()
    {
        await using var host = await StartAsync();
        var repository = host!.Services.GetRequiredService<ReportingCycleRepository>();
        await repository.CreateAsync(NewCycle("k-mod-a", new DateOnly(2030, 12, 31), TwoConsultations), Writer, null, new Google.Protobuf.WellKnownTypes.Empty(), CancellationToken.None);
        await repository.CreateAsync(NewCycle("k-mod-b", new DateOnly(2031, 12, 31)), Writer, null, new Google.Protobuf.WellKnownTypes.Empty(), CancellationToken.None);

        var stale = await Assert.ThrowsAsync<ServiceException>(() => repository.ModifyAsync("k-mod-a", "41", Writer,
            c => (c with { Title = "x", Version = c.Version + 1 }, new { }), CancellationToken.None));
        Assert.Equal(Grpc.Core.StatusCode.Aborted, stale.Code);

        var duplicate = await Assert.ThrowsAsync<ServiceException>(() => repository.ModifyAsync("k-mod-b", null, Writer,
            c => (c with { ReferenceDate = new DateOnly(2030, 12, 31), Version = c.Version + 1 }, new { }), CancellationToken.None));
        Assert.Equal("DUPLICATE_REFERENCE_DATE", duplicate.Reason);
        var again = await Assert.ThrowsAsync<ServiceException>(() => repository.CreateAsync(
            NewCycle("k-mod-c", new DateOnly(2030, 12, 31)), Writer, null, new Google.Protobuf.WellKnownTypes.Empty(), CancellationToken.None));
        Assert.Equal("DUPLICATE_REFERENCE_DATE", again.Reason);

        var modified = await repository.ModifyAsync("k-mod-a", "1", Writer, c => (c with
        {
            Consultations = [TwoConsultations[1] with { Order = 5, MeetingDate = new DateOnly(2031, 2, 3) }],
            Version = c.Version + 1,
        }, new { }), CancellationToken.None);
        var read = await repository.GetAsync("k-mod-a", CancellationToken.None);
        Assert.Equal(2, read!.Version);
        Assert.Equal(modified.Consultations, read.Consultations);

        var taken = await repository.MarkSnapshotTakenAsync("k-mod-a", "reportingCycles/k-mod-a/snapshot", Writer, CancellationToken.None);
        Assert.Equal(State.SnapshotTaken, taken.State);
        Assert.Equal("reportingCycles/k-mod-a/snapshot", (await repository.GetAsync("k-mod-a", CancellationToken.None))!.Snapshot);
    }

    [Fact]
    public async Task Planning_twice_creates_once()
    {
        await using var host = await StartAsync();
        var repository = host!.Services.GetRequiredService<ReportingCycleRepository>();
        var request = new PlanRecurringCyclesRequest
        {
            Rule = new RecurrenceRule { FirstReferenceDate = T.D(2060, 12, 31), ReportingOffsetMonths = 3 },
            Count = 3,
        };
        var (first, created) = await IntegrationServices.Reporting.Cycles.ReportingCyclesService.PlanAsync(repository, request, Writer, CancellationToken.None);
        Assert.Equal(3, created);
        var (second, createdAgain) = await IntegrationServices.Reporting.Cycles.ReportingCyclesService.PlanAsync(repository, request, Writer, CancellationToken.None);
        Assert.Equal(0, createdAgain);
        Assert.Equal(first.Select(c => c.Id), second.Select(c => c.Id));
    }
}

public sealed class SqliteRepositoryContractTests : RepositoryContract
{
    protected override async Task<TestHost?> StartAsync() =>
        await TestHost.StartAsync(b => b.AddReportingService(), a => a.MapReportingService());
}

public sealed class SqlServerRepositoryContractTests : RepositoryContract
{
    public const string Variable = "SQLSERVER_TEST_CONNECTION";

    protected override async Task<TestHost?> StartAsync()
    {
        var connection = Environment.GetEnvironmentVariable(Variable);
        Assert.SkipWhen(string.IsNullOrWhiteSpace(connection), $"{Variable} is not set: the SQL Server contract tests were skipped.");
        var builder = new SqlConnectionStringBuilder(connection) { InitialCatalog = "reporting_test_" + Guid.NewGuid().ToString("N")[..12] };
        return await TestHost.StartAsync(b => b.AddReportingService(), a => a.MapReportingService(), new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "SqlServer",
            ["Storage:ConnectionString"] = builder.ConnectionString,
        });
    }
}
