using Google.Protobuf.WellKnownTypes;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Domain;

namespace IntegrationServices.Reporting.Core.Tests.Reports;

/// <summary>
/// A realistic snapshot built in code: four fields of action with every status (uneven counts), a title with a comma
/// and quotes, districts with a missing value, an unmapped area and changes against a previous
/// snapshot. Group summaries are counted from the entries, as the snapshot worker does.
/// </summary>
internal static class SampleSnapshot
{
    public const string Sha256 = "9b1c6a3f0d2e4b5a8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b";
    public const string CommaQuoteTitle = "Elternbildung, \"Rucksack\"-Programm";

    public static readonly Dictionary<int, string> FieldTitles = new()
    {
        [1] = "Bildung und Sprachförderung",
        [3] = "Interkulturelle Öffnung der Verwaltung",
        [7] = "Wohnen und Zusammenleben im Quartier",
        [8] = "Geflüchtete in städtischer Unterbringung",
    };

    public static Google.Type.Date D(int y, int m, int d) => new() { Year = y, Month = m, Day = d };

    public static MeasureEntry Entry(string code, string title, int field, MeasureStatus status, int progress, Google.Type.Date? date = null) => new()
    {
        Name = "measures/m-" + code.Replace('.', '-'),
        Code = code,
        Title = title,
        FieldOfAction = field,
        ActionConcept = field == 8 ? "actionConcepts/fluechtlinge" : "actionConcepts/idk",
        ResponsibleUnit = field == 3 ? "units/10" : "units/50",
        Status = status,
        ProgressPercent = progress,
        StatusEffectiveDate = date ?? D(2019, 6, 30),
    };

    public static List<MeasureEntry> Entries() =>
    [
        Entry("1.1", "Sprachförderung in Kindertagesstätten ausbauen", 1, MeasureStatus.Implemented, 100, D(2019, 9, 1)),
        Entry("1.2", CommaQuoteTitle, 1, MeasureStatus.InProgress, 60),
        Entry("1.3", "Hausaufgabenhilfe an Grundschulen", 1, MeasureStatus.NotStarted, 0),
        Entry("1.4", "Interkulturelle Bildungsangebote", 1, MeasureStatus.Ongoing, 100, D(2018, 1, 1)),
        Entry("1.5", "Sprachkurse für Eltern an Familienzentren", 1, MeasureStatus.InProgress, 20),
        Entry("1.6", "Mehrsprachige Schulwegpläne", 1, MeasureStatus.InProgress, 35),
        Entry("3.1", "Interkulturelle Schulungen für Beschäftigte", 3, MeasureStatus.Ongoing, 100),
        Entry("3.2", "Mehrsprachige Informationen im Bürgerbüro", 3, MeasureStatus.InProgress, 40),
        Entry("3.3", "Anonymisierte Bewerbungsverfahren", 3, MeasureStatus.Discontinued, 0, D(2019, 11, 15)),
        Entry("7.1", "Quartiersmanagement Westliches Ringgebiet", 7, MeasureStatus.Implemented, 100),
        Entry("7.2", "Nachbarschaftszentren stärken", 7, MeasureStatus.InProgress, 50),
        Entry("8.1", "Sozialbetreuung in den Wohnstandorten", 8, MeasureStatus.Ongoing, 100),
        Entry("8.2", "Dezentrale Unterbringung, Wohnungsakquise", 8, MeasureStatus.InProgress, 75),
        Entry("8.3", "Ehrenamtskoordination", 8, MeasureStatus.NotStarted, 0),
    ];

    public static DemographicsAreaSummary Area(string id, string title, double? pop, double? foreign, double? migration, double? share)
    {
        var a = new DemographicsAreaSummary { Area = id, AreaTitle = title, ReferenceDate = D(2019, 12, 31) };
        if (pop is { } p) a.PopulationTotal = p;
        if (foreign is { } f) a.ForeignNationals = f;
        if (migration is { } m) a.PopulationWithMigrationBackground = m;
        if (share is { } s) a.MigrationBackgroundSharePercent = s;
        return a;
    }

    /// <summary>The snapshot; <paramref name="entries"/> replaces the measures (groups are recounted).</summary>
    public static Snapshot Build(IEnumerable<MeasureEntry>? entries = null, bool withPrevious = true)
    {
        var list = (entries ?? Entries()).ToList();
        var measures = new MeasureSummary
        {
            Total = list.Count,
            AverageProgressPercent = list.Count == 0 ? 0 : list.Average(e => e.ProgressPercent),
        };
        measures.ByStatus.AddRange(list.GroupBy(e => e.Status).OrderBy(g => g.Key)
            .Select(g => new StatusCount { Status = g.Key, Count = g.Count() }));
        foreach (var field in list.GroupBy(e => e.FieldOfAction).OrderBy(g => g.Key))
        {
            var group = new GroupSummary
            {
                Key = field.Key.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Title = FieldTitles.GetValueOrDefault(field.Key, ""),
                Total = field.Count(),
            };
            group.ByStatus.AddRange(field.GroupBy(e => e.Status).OrderBy(g => g.Key)
                .Select(g => new StatusCount { Status = g.Key, Count = g.Count() }));
            measures.ByFieldOfAction.Add(group);
        }
        measures.Entries.AddRange(list);

        var demographics = new SnapshotDemographics
        {
            AreaSetDate = D(2019, 12, 31),
            City = Area("areas/0", "Stadt Braunschweig", 251804, 34012, 62000, 24.62),
        };
        demographics.Areas.Add(Area("areas/11", "Westliches Ringgebiet", 27350, 6012, 9845, 35.996));
        demographics.Areas.Add(Area("areas/12", "Wabe-Schunter-Beberbach", 21788, 1390, 2680, 12.3004));
        demographics.Areas.Add(Area("areas/13", "Stöckheim-Leiferde", 10344, null, null, null));
        demographics.Areas.Add(Area("areas/14", "Innenstadt", 23056, 4860, 8020, 34.78));
        demographics.UnmappedAreas.Add("areas/321 Nordstadt (Gebietsstand bis 31.10.2021)");

        var changes = new SnapshotChanges { Target = "reportingCycles/2019/snapshot" };
        if (withPrevious)
        {
            changes.Base = "reportingCycles/2018/snapshot";
            changes.StatusChanges.Add(new MeasureStatusChange
            {
                Name = "measures/m-1-1", Code = "1.1", Title = "Sprachförderung in Kindertagesstätten ausbauen",
                OldStatus = MeasureStatus.InProgress, NewStatus = MeasureStatus.Implemented, OldProgressPercent = 70, NewProgressPercent = 100,
            });
            changes.StatusChanges.Add(new MeasureStatusChange
            {
                Name = "measures/m-3-3", Code = "3.3", Title = "Anonymisierte Bewerbungsverfahren",
                OldStatus = MeasureStatus.NotStarted, NewStatus = MeasureStatus.Discontinued, OldProgressPercent = 0, NewProgressPercent = 0,
            });
            changes.NewMeasures.Add(Entry("8.3", "Ehrenamtskoordination", 8, MeasureStatus.NotStarted, 0));
            changes.RetiredMeasures.Add(Entry("6.2", "Interkulturelle Woche", 6, MeasureStatus.Ongoing, 100));
            changes.IndicatorDeltas.Add(new IndicatorDelta
            {
                Area = "areas/11", AreaTitle = "Westliches Ringgebiet", Indicator = "population_total",
                BaseValue = 26900, TargetValue = 27350, Delta = 450,
            });
            changes.IndicatorDeltas.Add(new IndicatorDelta
            {
                Area = "areas/13", AreaTitle = "Stöckheim-Leiferde", Indicator = "foreign_nationals",
            });
            changes.IndicatorDeltas.Add(new IndicatorDelta
            {
                Area = "areas/0", AreaTitle = "Stadt Braunschweig", Indicator = "migration_background_share_percent",
                BaseValue = 23.9, TargetValue = 24.62, Delta = 0.72,
            });
        }

        return new Snapshot
        {
            Name = "reportingCycles/2019/snapshot",
            Cycle = "reportingCycles/2019",
            ReferenceDate = D(2019, 12, 31),
            // End of the reporting date 31.03.2020 in Europe/Berlin (summer time): 22:00 UTC.
            KnownAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2020, 3, 31, 22, 0, 0, TimeSpan.Zero)),
            CreateTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2020, 3, 31, 22, 0, 5, TimeSpan.Zero)),
            ContentSha256 = Sha256,
            Measures = measures,
            Demographics = demographics,
            Changes = changes,
        };
    }

    public static Cycle Cycle() => new()
    {
        Id = "2019",
        Title = "Status-Quo-Bericht 2019",
        ReferenceDate = new DateOnly(2019, 12, 31),
        ReportingDate = new DateOnly(2020, 3, 31),
        Paper = new Paper(
            Reference: "20-13001",
            PaperType: "Mitteilung",
            Title: "Bericht zum Stand der Umsetzung der kommunalen Integrationsplanung 2019",
            UnderDirectionOf: "50 Fachbereich Soziales und Gesundheit",
            Date: new DateOnly(2020, 4, 15)),
        State = ReportingCycle.Types.State.SnapshotTaken,
        Snapshot = "reportingCycles/2019/snapshot",
    };
}
