using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Measures.Domain;
using IntegrationServices.Measures.Storage;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Measures.Application;

/// <summary>
/// Demo data for the local Suite, written through the administrative (repository) path with record
/// times in the past, as historical data would be migrated: in one transaction, and only into an empty
/// catalogue, so seeding twice changes nothing. The two action concepts and the units "Dezernat V" /
/// "50 Fachbereich Soziales und Gesundheit" are real (council paper 18-08576); every measure is a
/// made-up example and says so in its title and description ("Beispiel"), among them a parent with
/// three children (the roll-up) and one further activity beyond the adopted concepts.
/// </summary>
public static class MeasuresDemoData
{
    private static readonly WriteContext Seeder = WriteContext.System("system:demo-seed", "Demo-Daten (Beispiel)", "seed");

    public static Task SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        var database = services.GetRequiredService<Database>();
        var measures = services.GetRequiredService<MeasureRepository>();
        var catalogue = services.GetRequiredService<CatalogueRepository>();
        var audit = services.GetRequiredService<AuditTrail>();
        return database.WriteAsync(async db =>
        {
            if (await measures.CountAsync(db, ct) > 0) return;
            var seededAt = new DateTime(2016, 1, 4, 8, 0, 0, DateTimeKind.Utc);
            if (await catalogue.GetActionConceptAsync(db, "idk", ct) is null)
                await catalogue.InsertActionConceptAsync(db, new ActionConceptRow
                {
                    Id = "idk", Title = "Integration durch Konsens", AdoptedOn = new DateOnly(2008, 7, 8), CouncilPaper = "",
                    Note = "Vom Rat am 08.07.2008 beschlossen (so Vorlage 23-22508). Die Drucksachennummer des Beschlusses liegt hier nicht vor.",
                    CreateTime = seededAt,
                }, ct);
            if (await catalogue.GetActionConceptAsync(db, "fluechtlinge", ct) is null)
                await catalogue.InsertActionConceptAsync(db, new ActionConceptRow
                {
                    Id = "fluechtlinge", Title = "Konzept zur Integration von Flüchtlingen", AdoptedOn = null, CouncilPaper = "16-01642",
                    Note = "Die Mitteilung 18-08576 nennt das Konzept \"aus 2016\"; Vorlage 22-18142 nennt 2017 als Beschlussjahr. Beide Angaben sind belegt; das Beschlussdatum bleibt daher offen.",
                    CreateTime = seededAt,
                }, ct);

            (string Id, string Title, string? Parent)[] units =
            [
                ("dezernat-v", "Dezernat V", null),
                ("50", "50 Fachbereich Soziales und Gesundheit", "dezernat-v"),
                ("51", "51 Fachbereich Kinder, Jugend und Familie (Beispiel)", "dezernat-v"),
                ("dezernat-iv", "Dezernat IV (Beispiel)", null),
                ("40", "40 Fachbereich Schule (Beispiel)", "dezernat-iv"),
                ("41", "41 Fachbereich Kultur und Wissenschaft (Beispiel)", "dezernat-iv"),
                ("dezernat-ii", "Dezernat II (Beispiel)", null),
                ("10", "10 Fachbereich Zentrale Dienste (Beispiel)", "dezernat-ii"),
            ];
            foreach (var (id, title, parent) in units)
                if (await catalogue.GetUnitAsync(db, id, ct) is null)
                    await catalogue.InsertUnitAsync(db, new UnitRow { Id = id, Title = title, ParentId = parent, CreateTime = seededAt }, ct);

            var number = 0;
            long? parentOfLanguage = null;
            foreach (var example in Examples)
            {
                number++;
                var concept = example.Field == 8 || number % 4 == 0 ? "fluechtlinge" : "idk";
                var adopted = concept == "idk" ? new DateOnly(2008, 7, 8) : new DateOnly(2016, 12, 1);
                var created = concept == "idk" ? new DateTime(2016, 1, 4, 9, 0, 0, DateTimeKind.Utc) : new DateTime(2017, 1, 9, 9, 0, 0, DateTimeKind.Utc);
                if (example.Pattern == Pattern.AddedIn2019) created = new DateTime(2019, 2, 1, 9, 0, 0, DateTimeKind.Utc);
                var code = $"{(concept == "idk" ? "IdK" : "KIF")}-{example.Field}.{number:D2}";
                var fields = new MeasureFields(code, "Beispiel: " + example.Title,
                    "Beispielmaßnahme (erfundene Demo-Daten, keine Maßnahme aus den Handlungskonzepten). " + example.Description,
                    concept, example.Field, example.Unit, example.Role == Role.LanguageChild ? parentOfLanguage : null, adopted);
                if (example.Pattern == Pattern.FurtherActivity)
                {
                    // Beyond the adopted concepts: no concept, no adoption date (the seed's "wird geprüft").
                    created = new DateTime(2018, 3, 1, 9, 0, 0, DateTimeKind.Utc);
                    fields = fields with
                    {
                        Code = $"WA-{example.Field}.{number:D2}", ActionConceptId = null, AdoptedOn = null, Kind = MeasureKind.FurtherActivity,
                        Description = "Beispiel für eine weitere Aktivität (erfundene Demo-Daten) außerhalb der vom Rat beschlossenen Konzepte. " + example.Description,
                    };
                }
                var id = await measures.InsertAsync(db, fields, created, Seeder.Caller.Subject, ct);
                if (example.Role == Role.LanguageParent) parentOfLanguage = id;

                foreach (var (date, status, progress, note, lateDays) in History(example.Pattern))
                {
                    var recorded = date.ToDateTime(new TimeOnly(10, 0), DateTimeKind.Utc).AddDays(lateDays + 1);
                    await measures.InsertStatusEventAsync(db, id, new StatusChange(status, progress, date, "Beispiel: " + note), recorded, Seeder.Caller.Subject, ct);
                }
                if (example.Pattern == Pattern.RenamedIn2019)
                    await measures.InsertNextVersionAsync(db, id, 1, fields with { Title = fields.Title + " (erweitert)" },
                        new DateTime(2019, 4, 2, 9, 0, 0, DateTimeKind.Utc), Seeder.Caller.Subject, ct);
                if (example.Pattern == Pattern.RetiredIn2019)
                    await measures.RetireAsync(db, id, 1, new DateTime(2019, 5, 2, 9, 0, 0, DateTimeKind.Utc), ct);
            }
            await audit.AppendAsync(db, Seeder, MeasureNames.Measures.Collection, AuditChange.Of("seeded").Set("example_measures", Examples.Length), ct);
        }, ct);
    }

    private enum Pattern { Steady, LateRecorded, Started2018, Ongoing, Discontinued, NotStarted, AddedIn2019, RenamedIn2019, RetiredIn2019, FurtherActivity }

    /// <summary>The example parent (a bundle of field 1) and the measures below it, whose progress rolls up.</summary>
    private enum Role { None, LanguageParent, LanguageChild }

    private sealed record Example(int Field, string Unit, Pattern Pattern, string Title, string Description, Role Role = Role.None);

    private static IEnumerable<(DateOnly Date, MeasureStatus Status, int Progress, string Note, int LateDays)> History(Pattern pattern) => pattern switch
    {
        Pattern.Steady or Pattern.RenamedIn2019 =>
        [
            (new(2016, 3, 1), MeasureStatus.InProgress, 20, "Start der Umsetzung", 0),
            (new(2017, 6, 30), MeasureStatus.InProgress, 60, "Zwischenstand", 0),
            (new(2019, 3, 31), MeasureStatus.Implemented, 100, "Umgesetzt", 0),
        ],
        Pattern.LateRecorded =>
        [
            (new(2017, 2, 15), MeasureStatus.InProgress, 10, "Start der Umsetzung", 0),
            // Effective before the 2018 reference date, but recorded months later: the 2018 snapshot must not see it.
            (new(2018, 5, 31), MeasureStatus.InProgress, 50, "Nachgetragener Zwischenstand", 120),
            (new(2019, 9, 30), MeasureStatus.Ongoing, 100, "Als Daueraufgabe verstetigt", 0),
        ],
        Pattern.Started2018 =>
        [
            (new(2018, 10, 1), MeasureStatus.InProgress, 25, "Start der Umsetzung", 0),
            (new(2019, 6, 30), MeasureStatus.InProgress, 40, "Zwischenstand", 0),
        ],
        Pattern.Ongoing => [(new(2016, 9, 1), MeasureStatus.Ongoing, 100, "Als Daueraufgabe eingeführt", 0)],
        Pattern.Discontinued =>
        [
            (new(2016, 5, 1), MeasureStatus.InProgress, 30, "Start der Umsetzung", 0),
            (new(2018, 2, 28), MeasureStatus.Discontinued, 30, "Entfallen: Förderung ausgelaufen", 0),
        ],
        Pattern.AddedIn2019 => [(new(2019, 3, 1), MeasureStatus.InProgress, 15, "Start der Umsetzung", 0)],
        Pattern.RetiredIn2019 => [(new(2017, 4, 1), MeasureStatus.InProgress, 35, "Start der Umsetzung", 0)],
        Pattern.FurtherActivity => [(new(2018, 3, 1), MeasureStatus.NotStarted, 0, "Wird geprüft: ob und in welcher Form das Angebot in die Integrationsplanung aufgenommen wird", 0)],
        _ => [],
    };

    private static readonly Example[] Examples =
    [
        new(1, "40", Pattern.Ongoing, "Sprachförderkette von der Kita bis zur Schule",
            "Bündelt die Sprachförderung im Bildungsverlauf; ihr Fortschritt ergibt sich aus den Maßnahmen darunter.", Role.LanguageParent),
        new(1, "40", Pattern.Steady, "Sprachförderung in Kindertagesstätten", "Alltagsintegrierte Sprachbildung in Kitas.", Role.LanguageChild),
        new(1, "51", Pattern.LateRecorded, "Elternbegleitung beim Übergang Kita–Schule", "Mehrsprachige Informationsangebote für Eltern.", Role.LanguageChild),
        new(1, "40", Pattern.Started2018, "Sprachlernklassen an weiterführenden Schulen", "Ausbau der Sprachlernklassen.", Role.LanguageChild),
        new(2, "50", Pattern.Ongoing, "Ausbildungslotsen für junge Zugewanderte", "Begleitung in Ausbildung und Beruf."),
        new(2, "50", Pattern.Discontinued, "Praktikumsbörse für Geflüchtete", "Vermittlung von Praktikumsplätzen."),
        new(2, "10", Pattern.NotStarted, "Anerkennungsberatung für ausländische Abschlüsse", "Lotsenangebot zur Anerkennung."),
        new(3, "10", Pattern.Steady, "Interkulturelle Fortbildung für Beschäftigte", "Fortbildungsreihe für die Verwaltung."),
        new(3, "10", Pattern.RenamedIn2019, "Mehrsprachige Formulare und Bescheide", "Übersetzung häufig genutzter Formulare."),
        new(3, "10", Pattern.Started2018, "Vielfalt in der Personalgewinnung", "Ansprache von Bewerberinnen und Bewerbern mit Migrationshintergrund."),
        new(4, "50", Pattern.Ongoing, "Antidiskriminierungsberatung", "Anlaufstelle bei Diskriminierungserfahrungen."),
        new(4, "51", Pattern.LateRecorded, "Demokratieprojekte mit Jugendlichen", "Projekte der politischen Bildung."),
        new(4, "50", Pattern.AddedIn2019, "Stärkung von Migrantenorganisationen", "Beratung und Vernetzung von Vereinen."),
        new(5, "50", Pattern.Steady, "Gesundheitslotsen in mehreren Sprachen", "Ehrenamtliche Lotsen zum Gesundheitssystem."),
        new(5, "50", Pattern.RetiredIn2019, "Psychosoziale Erstberatung", "Niedrigschwellige Beratung; 2019 in ein anderes Angebot überführt."),
        new(6, "41", Pattern.Steady, "Interkulturelle Kulturprojekte", "Förderung interkultureller Kulturarbeit."),
        new(6, "41", Pattern.NotStarted, "Sportangebote für Mädchen und Frauen", "Niedrigschwellige Sportangebote."),
        new(6, "41", Pattern.Discontinued, "Museumsführungen in leichter Sprache", "Führungen für Neuzugewanderte."),
        new(7, "50", Pattern.Ongoing, "Quartiersmanagement in Stadtteilen mit hohem Zuzug", "Ansprechpersonen vor Ort."),
        new(7, "51", Pattern.Started2018, "Nachbarschaftstreffs", "Offene Treffpunkte im Quartier."),
        new(8, "50", Pattern.Steady, "Sozialbetreuung in städtischen Wohnstandorten", "Betreuung in den Wohnstandorten für Geflüchtete."),
        new(8, "50", Pattern.LateRecorded, "Auszugsmanagement in eigenen Wohnraum", "Unterstützung bei der Wohnungssuche."),
        new(8, "50", Pattern.AddedIn2019, "Ehrenamtskoordination an Wohnstandorten", "Koordination ehrenamtlicher Hilfe."),
        new(7, "50", Pattern.FurtherActivity, "Angebote freier Träger im Quartier abbilden",
            "Ob Angebote nicht kommunaler Akteure in die Berichterstattung aufgenommen werden, wird geprüft."),
    ];
}
