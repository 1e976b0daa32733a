using Google.Rpc;
using Grpc.Core;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting;
using IntegrationServices.Reporting.Cycles;
using IntegrationServices.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Role = IntegrationServices.Contracts.Reporting.V1.Consultation.Types.Role;

namespace Reporting.Tests;

/// <summary>One Reporting host per test class (real SQLite file, fake clock).</summary>
public sealed class ReportingHost : IAsyncLifetime
{
    private int _next;

    public TestHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Host = await TestHost.StartAsync(b => b.AddReportingService(), a => a.MapReportingService(), Settings());

    public static Dictionary<string, string?> Settings() => new() { ["OParl:BaseUrl"] = "https://ris.example.de/oparl" };

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();

    public IntegrationServices.Contracts.Reporting.V1.ReportingCyclesService.ReportingCyclesServiceClient Client(params string[] roles) => new(Host.As(roles));

    public ReportingCycleRepository Repository => Host.Services.GetRequiredService<ReportingCycleRepository>();

    /// <summary>A fresh reference date per call, so that cycles of one test class never clash.</summary>
    public DateOnly NextReferenceDate() => new DateOnly(2030, 1, 1).AddDays(Interlocked.Increment(ref _next) * 3);

    /// <summary>The worker's transition, through the repository (the worker arrives with a later issue).</summary>
    public Task<Cycle> TakeSnapshotAsync(string name) =>
        Repository.MarkSnapshotTakenAsync(CycleNames.ParseId(name), name + "/snapshot", IntegrationServices.ServiceDefaults.Auditing.WriteContext.System("system:seed", "Test", "test/worker", IntegrationServices.ServiceDefaults.Security.Roles.Admin), CancellationToken.None);
}

public static class T
{
    public static Google.Type.Date D(int y, int m, int d) => new() { Year = y, Month = m, Day = d };

    public static Google.Type.Date D(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

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

    public static async Task<RpcException> Fails(StatusCode code, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(code == e.StatusCode, $"expected {code}, got {e.StatusCode}: {e.Status.Detail}");
        return e;
    }

    public static IReadOnlyList<string> Fields(RpcException e) =>
        e.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.Select(v => v.Field).ToList() ?? [];

    public static string Reason(RpcException e) => e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason ?? "";

    public static string SharedData(string relative) =>
        File.ReadAllText(Path.Combine(RepositoryRoot.Shared, "data", relative));
}
