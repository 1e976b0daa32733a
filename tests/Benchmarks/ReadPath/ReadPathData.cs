using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Measures.Domain;
using IntegrationServices.Measures.Storage;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.Benchmarks.ReadPath;

/// <summary>
/// Synthetic measures (Beispieldaten) written through the Measures storage layer, as historical data is
/// migrated: each with two versions (2020, then a new title and field in mid-2023) and ten status events,
/// one every six months from March 2020, each recorded the day after it took effect.
/// </summary>
public sealed class ReadPathData(IServiceProvider services)
{
    public const int EventsPerMeasure = 10;
    private const int MeasuresPerTransaction = 5_000;

    /// <summary>The time-travel point of the benchmark: between the two versions, after the sixth event.</summary>
    public static readonly DateOnly AsOf = new(2022, 12, 31);
    public static readonly DateTime KnownAt = new(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly DateTime FirstRecorded = new(2020, 1, 2, 8, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime SecondRecorded = new(2023, 6, 1, 8, 0, 0, DateTimeKind.Utc);

    private readonly Database _database = services.GetRequiredService<Database>();
    private readonly MeasureRepository _measures = services.GetRequiredService<MeasureRepository>();
    private readonly CatalogueRepository _catalogue = services.GetRequiredService<CatalogueRepository>();

    public int Count { get; private set; }

    /// <summary>Adds measures until there are <paramref name="total"/>.</summary>
    public async Task GrowToAsync(int total)
    {
        if (Count == 0) await CatalogueAsync();
        while (Count < total)
        {
            var batch = Math.Min(MeasuresPerTransaction, total - Count);
            await _database.WriteAsync(async db =>
            {
                for (var i = Count + 1; i <= Count + batch; i++) await MeasureAsync(db, i);
            }, CancellationToken.None);
            Count += batch;
        }
    }

    private Task CatalogueAsync() => _database.WriteAsync(async db =>
    {
        await _catalogue.InsertActionConceptAsync(db, new ActionConceptRow
        {
            Id = "idk", Title = "Integration durch Konsens (Beispiel)", CouncilPaper = "16-00000", CreateTime = FirstRecorded.AddDays(-1),
        }, CancellationToken.None);
        for (var u = 0; u < 20; u++)
            await _catalogue.InsertUnitAsync(db, new UnitRow { Id = $"u{u}", Title = $"Einheit {u} (Beispiel)", CreateTime = FirstRecorded.AddDays(-1) },
                CancellationToken.None);
    }, CancellationToken.None);

    private async Task MeasureAsync(DbScope db, int i)
    {
        var first = new MeasureFields($"B-{i:D6}", $"Maßnahme {i} (Beispiel)", "", "idk", 1 + i % 8, $"u{i % 20}", null, new DateOnly(2019, 6, 1));
        var id = await _measures.InsertAsync(db, first, FirstRecorded, "benchmark", CancellationToken.None);
        var second = first with { Title = $"Maßnahme {i} (Beispiel, überarbeitet)", FieldOfAction = 1 + (i + 1) % 8 };
        await _measures.InsertNextVersionAsync(db, id, 1, second, SecondRecorded, "benchmark", CancellationToken.None);
        for (var e = 0; e < EventsPerMeasure; e++)
        {
            var effective = new DateOnly(2020, 3, 1).AddMonths(6 * e);
            var status = e == EventsPerMeasure - 1 ? MeasureStatus.Implemented : MeasureStatus.InProgress;
            await _measures.InsertStatusEventAsync(db, id, new StatusChange(status, 10 * (e + 1), effective, $"Stand {e + 1}"),
                effective.ToDateTime(new TimeOnly(9, 0), DateTimeKind.Utc).AddDays(1), "benchmark", CancellationToken.None);
        }
    }
}
