using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Demographics.Application;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.Measures.Domain;
using IntegrationServices.Measures.Storage;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Extensions.DependencyInjection;
using AreaCatalogueRepository = IntegrationServices.Demographics.Storage.CatalogueRepository;
using MeasureCatalogueRepository = IntegrationServices.Measures.Storage.CatalogueRepository;
using MeasureStatus = IntegrationServices.Contracts.Measures.V1.MeasureStatus;

namespace IntegrationServices.Benchmarks;

/// <summary>
/// The snapshot benchmark's synthetic data (Beispieldaten), written through each service's own storage
/// layer and import path, so that it follows the schema wherever the schema goes.
/// </summary>
public static class SnapshotData
{
    public const int EventsPerMeasure = 10;
    private const int MeasuresPerTransaction = 5_000;
    private static readonly DateTime MeasuresRecorded = new(2025, 1, 2, 8, 0, 0, DateTimeKind.Utc);
    private static readonly WriteContext Seeder = WriteContext.System("benchmark", "Snapshot benchmark", "SnapshotData.SeedObservationsAsync");
    private static readonly string[] Indicators = [IndicatorIds.PopulationTotal, IndicatorIds.ForeignNationals, IndicatorIds.PopulationWithMigrationBackground];
    private const int Months = 120;

    /// <summary>
    /// <paramref name="count"/> measures through the Measures storage layer, each with one version (recorded
    /// 2025-01-02) and <see cref="EventsPerMeasure"/> status events through 2025 into January 2026, each
    /// recorded up to two days after it took effect. Returns the number of status events.
    /// </summary>
    public static async Task<int> SeedMeasuresAsync(IServiceProvider services, int count)
    {
        var database = services.GetRequiredService<Database>();
        var measures = services.GetRequiredService<MeasureRepository>();
        var catalogue = services.GetRequiredService<MeasureCatalogueRepository>();
        var ct = CancellationToken.None;
        await database.WriteAsync(async db =>
        {
            var created = MeasuresRecorded.AddDays(-1);
            await catalogue.InsertActionConceptAsync(db, new ActionConceptRow { Id = "idk", Title = "Integration durch Konsens (Beispiel)", CouncilPaper = "16-00000", CreateTime = created }, ct);
            await catalogue.InsertActionConceptAsync(db, new ActionConceptRow { Id = "fluechtlinge", Title = "Konzept zur Integration von Flüchtlingen (Beispiel)", CouncilPaper = "16-00001", CreateTime = created }, ct);
            for (var u = 0; u < 20; u++)
                await catalogue.InsertUnitAsync(db, new UnitRow { Id = $"u{u}", Title = $"Einheit {u} (Beispiel)", CreateTime = created }, ct);
        }, ct);

        var random = new Random(42);
        var events = 0;
        for (var first = 1; first <= count; first += MeasuresPerTransaction)
        {
            var last = Math.Min(count, first + MeasuresPerTransaction - 1);
            await database.WriteAsync(async db =>
            {
                for (var i = first; i <= last; i++)
                {
                    var fields = new MeasureFields($"B-{i:D6}", $"Maßnahme {i} (Beispiel)", "", i % 3 == 0 ? "fluechtlinge" : "idk",
                        1 + i % 8, $"u{i % 20}", null, new DateOnly(2024, 6, 1));
                    var id = await measures.InsertAsync(db, fields, MeasuresRecorded, "benchmark", ct);
                    for (var e = 0; e < EventsPerMeasure; e++)
                    {
                        var effective = new DateOnly(2025, 1, 1).AddDays(e * 40 + random.Next(30));
                        var recorded = effective.ToDateTime(new TimeOnly(9, 0), DateTimeKind.Utc).AddDays(random.Next(3));
                        var change = new StatusChange((MeasureStatus)(1 + random.Next(5)), random.Next(101), effective, "");
                        await measures.InsertStatusEventAsync(db, id, change, recorded, "benchmark", ct);
                        events++;
                    }
                }
            }, ct);
        }
        return events;
    }

    /// <summary>
    /// <paramref name="target"/> monthly observations (end of month, 2016–2025) of the three summarized indicators
    /// on every area valid on the date: first the totals of every month, then breakdowns by a running
    /// <c>age_group</c>, until the target is reached. Imported through the service's import path, one
    /// import per month recorded 20 days after its date (as historical figures are), all in one transaction.
    /// </summary>
    public static async Task<int> SeedObservationsAsync(IServiceProvider services, int target)
    {
        var ct = CancellationToken.None;
        var catalogue = await services.GetRequiredService<Database>()
            .ReadAsync(db => services.GetRequiredService<AreaCatalogueRepository>().LoadAreasAsync(db, knownAt: null, ct), ct);
        var dates = Enumerable.Range(0, Months).Select(m => new DateOnly(2016, 1, 1).AddMonths(m + 1).AddDays(-1)).ToArray();
        var areas = dates.Select(d => catalogue.All.Where(a => a.ValidOn(d)).Select(a => a.Id).Order(StringComparer.Ordinal).ToArray()).ToArray();
        // The rows are numbered breakdown by breakdown, month by month, so that a target cuts off the last breakdown's later months.
        var perMonth = areas.Select(a => a.Length * Indicators.Length).ToArray();
        var offsets = new int[Months];
        for (var m = 1; m < Months; m++) offsets[m] = offsets[m - 1] + perMonth[m - 1];
        var perBreakdown = offsets[^1] + perMonth[^1];

        IEnumerable<Observation> Month(int m)
        {
            for (var dimension = 0; dimension * perBreakdown + offsets[m] < target; dimension++)
                for (var a = 0; a < areas[m].Length; a++)
                    for (var i = 0; i < Indicators.Length; i++)
                    {
                        var number = dimension * perBreakdown + offsets[m] + a * Indicators.Length + i;
                        if (number >= target) yield break;
                        var observation = new Observation
                        {
                            Indicator = DemographicsNames.Indicators.Format(Indicators[i]),
                            Area = DemographicsNames.Areas.Format(areas[m][a]),
                            ReferenceDate = dates[m].ToProto(),
                            Value = 1000 + number % 997,
                            Status = ObservationStatus.Final,
                        };
                        if (dimension > 0) observation.Dimensions["age_group"] = $"g{dimension}";
                        yield return observation;
                    }
        }

        long written = 0;
        await using var import = await services.GetRequiredService<ObservationImport>().BeginAsync(ct);
        for (var m = 0; m < Months && offsets[m] < target; m++)
            written += await import.ImportAsync(ImportRow.Numbered(Month(m)), dates[m].ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc).AddDays(20), Seeder, ct);
        await import.CommitAsync(ct);
        return (int)written;
    }
}
