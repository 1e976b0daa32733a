using System.Globalization;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.Reporting.Core.Storage;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Role = IntegrationServices.Contracts.Reporting.V1.Consultation.Types.Role;

namespace IntegrationServices.Reporting.Core.Application;

/// <summary>
/// Demo data of the Suite: the real 2018 cycle (council paper 18-08576 with its real Beratungsfolge,
/// shipped as an embedded copy of the council information system's data) and the yearly cycles
/// 2019–2025 planned from the recurrence rule "Stichtag 31 December, reporting date three months
/// later". Written through the administrative path (historical results included), in one transaction
/// that seeds only an empty database, so it can run on every start.
/// </summary>
public static class ReportingDemoData
{
    public const string CsvResource = "braunschweig_vorlage_18-08576_beratungsfolge.csv";

    /// <summary>Assumed: the real Stichtag of the 2018 report is not known.</summary>
    public static readonly DateOnly ReferenceDate2018 = new(2018, 6, 30);

    /// <summary>Assumed: before the paper's date (2018-08-02).</summary>
    public static readonly DateOnly ReportingDate2018 = new(2018, 7, 31);

    /// <summary>Sessions marked "N" (non-public) in the paper's Beratungsfolge.</summary>
    private static readonly HashSet<string> NonPublicCommittees = new(StringComparer.Ordinal) { "Verwaltungsausschuss" };

    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        var database = services.GetRequiredService<Database>();
        var repository = services.GetRequiredService<ReportingCycleRepository>();
        var cycles = services.GetRequiredService<CycleApplication>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ReportingDemoData));
        var writer = WriteContext.System("system:seed", "Demo data seeder", "seed/ReportingDemoData", Roles.Admin);
        var planned = await database.WriteAsync(async db =>
        {
            if (await repository.CountAsync(db, ct) > 0) return (int?)null;
            await cycles.InsertAsync(db, Cycle2018(), writer, ct);
            var (_, created) = await cycles.PlanAsync(db, RecurringCycles(cycles.Now), writer, ct);
            return created;
        }, ct);
        if (planned is null) logger.LogInformation("Reporting demo data: cycles exist, nothing seeded.");
        else logger.LogInformation("Reporting demo data: seeded reportingCycles/2018 and {Count} recurring cycles.", planned);
    }

    /// <summary>Yearly from Stichtag 2019-12-31 to 2025-12-31, reporting date three months later.</summary>
    public static IReadOnlyList<Cycle> RecurringCycles(DateTime now) =>
        new Recurrence(new DateOnly(2019, 12, 31), IntervalMonths: 12, ReportingOffsetMonths: 3, ReportingOffsetDays: 0)
            .Plan(count: 7, prefix: "", scope: [], now);

    public static Cycle Cycle2018()
    {
        // Historical: the cycle counts as planned at the start of its Stichtag's following day.
        var planned = ReportingCalendar.KnowledgeCutoff(ReferenceDate2018);
        return new Cycle
        {
            Id = "2018",
            Title = "Status-Quo-Bericht 2018 (Stichtag 30.06.2018 angenommen)",
            Description = "Erster Status-Quo-Bericht zur kommunalen Integrationsplanung (Vorlage 18-08576, Beratungsfolge real, " +
                          "aus dem Ratsinformationssystem). Annahme: Der tatsächliche Stichtag des Berichts ist nicht bekannt; " +
                          "30.06.2018 ist angenommen, ebenso der Berichtstermin 31.07.2018 (vor dem Datum der Vorlage, 02.08.2018).",
            ReferenceDate = ReferenceDate2018,
            ReportingDate = ReportingDate2018,
            Paper = new Paper("18-08576", "Mitteilung",
                "Status Quo Bericht zum Stand der Umsetzung der kommunalen Integrationsplanung der Stadt Braunschweig",
                "50 Fachbereich Soziales und Gesundheit", new DateOnly(2018, 8, 2)),
            Consultations = Beratungsfolge(),
            Version = 1,
            CreateTime = planned,
            UpdateTime = planned,
        };
    }

    /// <summary>
    /// The nine entries of the CSV in file order. The Sportausschuss appears twice under order 8
    /// (postponed on 2018-09-20, taken up on 2018-10-25): the second entry becomes order 9.
    /// </summary>
    public static IReadOnlyList<ConsultationEntry> Beratungsfolge()
    {
        var lines = ReadCsv();
        var entries = new List<ConsultationEntry>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            // paper_reference,order,organization,role,meeting_date,meeting_name,result_shown
            var f = line.Split(',');
            var result = f[6].Trim();
            entries.Add(new ConsultationEntry(
                entries.Count + 1,
                f[2].Trim(),
                f[3].Trim() == "zur Kenntnis" ? Role.Information : Role.Unspecified,
                Authoritative: false,
                DateOnly.ParseExact(f[4].Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                Public: !NonPublicCommittees.Contains(f[2].Trim()),
                Result: result.Length == 0 ? null : result,
                Postponed: result == CycleRules.PostponedResult));
        }
        return entries;
    }

    private static List<string> ReadCsv()
    {
        var assembly = typeof(ReportingDemoData).Assembly;
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith(CsvResource, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
    }
}
