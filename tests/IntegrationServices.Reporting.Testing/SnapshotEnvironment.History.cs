using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Contracts.Reporting.V1;
using static IntegrationServices.Testing.Dates;

namespace IntegrationServices.Reporting.Testing;

/// <summary>The scripted history of the environment: three quarters of measures, statuses and statistics (Beispieldaten).</summary>
public sealed partial class SnapshotEnvironment
{
    private int _historyCursor;

    public Dictionary<string, string> MeasureNames { get; } = new();

    public static DateTimeOffset Utc(int y, int m, int d, int h = 10) => new(y, m, d, h, 0, 0, TimeSpan.Zero);

    /// <summary>After the third quarter's cut-off: all three quarters are due.</summary>
    public static readonly DateTimeOffset AfterQ3 = Utc(2025, 10, 10);

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
}
