using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Auditing;
using Microsoft.Extensions.Logging;

namespace IntegrationServices.Demographics.Application;

/// <summary>
/// Demo data for the local Suite, written through the service's own import path with record times
/// shortly after each reference date (historical data, not the public API), all in one transaction. Seeds
/// only when the service holds no observation yet (asked in that transaction), so it can run on every start.
/// <list type="bullet">
/// <item>Real: the city-wide population totals of shared/data (register-based series
/// <c>population_total</c>; the 2022 figure of the official update as its own indicator
/// <c>population_official_update</c>; the 2017 figure is derived, marked ESTIMATED and so commented).</item>
/// <item>Real: persons in the nine municipal housing sites for refugees on 2022-03-02. The sites
/// (Wohnstandorte) are not districts, so they are recorded on area "0" (the city) with the dimension
/// <c>site</c>; no total row is stored (absent key = total would claim a figure the source does not give).</item>
/// <item>Examples (Beispieldaten, made up, so labelled in every comment): per-district population,
/// foreign nationals and migration background for 2016 and 2018 on the 19 old districts and for 2022 on the
/// 12 new ones, so that a summary across the 2021 reform has something to show. The example populations
/// add up to the real city totals of those years. Each carries <c>example = true</c>; the real figures do not.</item>
/// </list>
/// </summary>
public static class DemographicsDemoData
{
    public const string Subject = "demo-data-seeder";
    public const string ExampleComment = "Beispieldaten (erfunden, keine amtlichen Zahlen)";

    private static readonly WriteContext Seeder = WriteContext.System(Subject, "Demo data seeder", "DemographicsDemoData.SeedAsync");

    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        await using (var import = await services.GetRequiredService<ObservationImport>().BeginAsync(ct))
        {
            if (await import.HoldsObservationsAsync(ct)) return;
            // One import per recording moment, each stamped shortly after its reference date.
            foreach (var batch in Batches())
                await import.ImportAsync(ImportRow.Numbered(batch.Observations), batch.RecordTime, Seeder, ct);
            await import.CommitAsync(ct);
        }
        services.GetService<ILoggerFactory>()?.CreateLogger(typeof(DemographicsDemoData))
            .LogInformation("Demographics demo data seeded");
    }

    private sealed record Batch(DateTime RecordTime, IReadOnlyList<Observation> Observations);

    private static IEnumerable<Batch> Batches()
    {
        // Real city-wide totals (shared/data/braunschweig_population_total.csv), each recorded two weeks after its date.
        foreach (var t in CityTotals)
        {
            var (status, provenance) = t.Provenance switch
            {
                "derived" => (ObservationStatus.Estimated, "abgeleitet (derived): nicht selbst veröffentlicht, aus einer veröffentlichten Veränderung berechnet"),
                "sourced_secondary" => (ObservationStatus.Final, "belegt aus Sekundärquelle (sourced_secondary)"),
                _ => (ObservationStatus.Final, "belegt (sourced)"),
            };
            var indicator = t.Definition == "register" ? IndicatorIds.PopulationTotal : IndicatorIds.PopulationOfficialUpdate;
            yield return new Batch(Recorded(t.Date, days: 14),
                [Observation(indicator, AreaCatalogue.CityId, t.Date, t.Value, status, $"{provenance}; Definition: {t.Definition}; Quelle: {t.Url}")]);
        }

        // Real occupancy of the municipal housing sites for refugees (council paper 22-18142-01).
        var housingDate = new DateOnly(2022, 3, 2);
        yield return new Batch(Recorded(housingDate, days: 1), HousingSites.Select(s =>
        {
            var o = Observation(IndicatorIds.RefugeesInMunicipalHousing, AreaCatalogue.CityId, housingDate, s.Persons, ObservationStatus.Final,
                "belegt (sourced): Vorlage 22-18142-01" + (s.Note.Length > 0 ? $"; {s.Note}" : ""));
            o.Dimensions["site"] = s.Site;
            return o;
        }).ToList());

        // Examples on the old (2016, 2018) and new (2022) district sets.
        foreach (var (date, total, districts) in new[]
                 {
                     (new DateOnly(2016, 12, 31), 250704d, OldDistricts),
                     (new DateOnly(2018, 12, 31), 250386d, OldDistricts),
                     (new DateOnly(2022, 12, 31), 253167d, NewDistricts),
                 })
            yield return new Batch(Recorded(date, days: 60), ExampleFigures(date, total, districts).ToList());
    }

    private static IEnumerable<Observation> ExampleFigures(DateOnly date, double cityTotal, IReadOnlyList<ExampleDistrict> districts)
    {
        // Populations proportional to fixed weights, rounded, the remainder on the last district, so that
        // the districts add up to the real city total of that date.
        var weightSum = districts.Sum(d => d.Weight);
        var populations = districts.Select(d => Math.Round(cityTotal * d.Weight / weightSum)).ToArray();
        populations[^1] += cityTotal - populations.Sum();
        var drift = (date.Year - 2016) * 0.6; // shares grow a little over the years (example)
        for (var i = 0; i < districts.Count; i++)
        {
            var d = districts[i];
            var population = populations[i];
            var foreign = Math.Round(population * (d.ForeignPercent + drift / 2) / 100);
            var withBackground = Math.Round(population * (d.MigrationPercent + drift) / 100);
            var comment = $"{ExampleComment}; Stichtag {date:yyyy-MM-dd}";
            yield return Example(Observation(IndicatorIds.PopulationTotal, d.Id, date, population, ObservationStatus.Estimated, comment));
            yield return Example(Observation(IndicatorIds.ForeignNationals, d.Id, date, foreign, ObservationStatus.Estimated, comment));
            yield return Example(Observation(IndicatorIds.GermansWithMigrationBackground, d.Id, date, withBackground - foreign, ObservationStatus.Estimated, comment));
            yield return Example(Observation(IndicatorIds.PopulationWithMigrationBackground, d.Id, date, withBackground, ObservationStatus.Estimated, comment));
        }
    }

    private static Observation Observation(string indicator, string area, DateOnly date, double value, ObservationStatus status, string comment) => new()
    {
        Indicator = DemographicsNames.Indicators.Format(indicator),
        Area = DemographicsNames.Areas.Format(area),
        ReferenceDate = date.ToProto(),
        Value = value,
        Status = status,
        Comment = comment,
    };

    /// <summary>Made up (Beispieldaten): flagged, so that every figure it goes into is marked as an example.</summary>
    private static Observation Example(Observation observation)
    {
        observation.Example = true;
        return observation;
    }

    private static DateTime Recorded(DateOnly date, int days) => date.AddDays(days).ToDateTime(new TimeOnly(8, 0), DateTimeKind.Utc);

    private sealed record CityTotal(DateOnly Date, double Value, string Definition, string Provenance, string Url);

    /// <summary>Copied from shared/data/braunschweig_population_total.csv (real, with provenance).</summary>
    private static readonly CityTotal[] CityTotals =
    [
        new(new(2014, 12, 31), 249485, "register", "sourced", "https://studylibde.com/doc/2460606/braunschweigs-einwohnerzahl-auf-249.485-gewachsen"),
        new(new(2015, 12, 31), 252768, "register", "sourced", "https://braunschweiger89.rssing.com/chan-61843881/article2158.html"),
        new(new(2016, 12, 31), 250704, "register", "sourced", "https://braunschweiger89.rssing.com/chan-61843881/article2158.html"),
        new(new(2017, 12, 31), 250361, "register", "derived", "https://www.braunschweiger-zeitung.de/braunschweig/article216330231/In-Braunschweig-leben-250-386-Menschen.html"),
        new(new(2018, 12, 31), 250386, "register", "sourced", "https://www.braunschweiger-zeitung.de/braunschweig/article216330231/In-Braunschweig-leben-250-386-Menschen.html"),
        new(new(2019, 12, 31), 251551, "register", "sourced", "https://www.helmstedter-nachrichten.de/braunschweig/article228299151/Braunschweigs-Einwohnerzahl-steigt-2019-auf-251-551.html"),
        new(new(2022, 12, 31), 253167, "register", "sourced", "https://regionalheute.de/braunschweig/braunschweigs-einwohnerzahl-ist-gestiegen-braunschweig-1682344206/"),
        new(new(2022, 12, 31), 251804, "official_update", "sourced_secondary", "https://www.wiki-data.de-de.nina.az/Braunschweig.html"),
    ];

    private sealed record HousingSite(string Site, double Persons, string Note);

    /// <summary>Copied from shared/data/braunschweig_wohnstandorte_belegung_2022-03-02.csv (real).</summary>
    private static readonly HousingSite[] HousingSites =
    [
        new("Bienrode", 90, ""),
        new("Gartenstadt", 88, ""),
        new("Gliesmarode", 84, ""),
        new("Hondelage", 68, "nur max. 88 Plätze, mehrere Wohnungen mit Wasserschäden"),
        new("Lamme", 94, ""),
        new("Lehndorf", 82, ""),
        new("Melverode", 88, ""),
        new("Ölper", 91, ""),
        new("Pippelweg", 66, "nur max. 80 Plätze"),
    ];

    /// <summary>Made-up weights and shares (Beispieldaten) per district.</summary>
    private sealed record ExampleDistrict(string Id, double Weight, double ForeignPercent, double MigrationPercent);

    private static readonly ExampleDistrict[] OldDistricts =
    [
        new("112", 5.2, 6, 16), new("113-bis-2021", 1.4, 4, 12), new("114-bis-2021", 1.9, 5, 14),
        new("120", 10.1, 10, 24), new("131-bis-2021", 9.6, 19, 38), new("132-bis-2021", 4.4, 16, 34),
        new("211-bis-2021", 3.3, 5, 15), new("212-bis-2021", 4.9, 9, 24), new("213-bis-2021", 6.2, 8, 22),
        new("221", 9.3, 17, 41), new("222-bis-2021", 1.3, 4, 11), new("223-bis-2021", 2.4, 7, 19),
        new("224-bis-2021", 1.4, 6, 18), new("310", 13.5, 20, 40), new("321", 6.4, 9, 25),
        new("322-bis-2021", 1.8, 5, 15), new("323-bis-2021", 2.6, 6, 17), new("331-bis-2021", 8.8, 18, 39),
        new("332-bis-2021", 5.5, 12, 30),
    ];

    /// <summary>The new districts' weights are their predecessors' (examples stay consistent across the reform).</summary>
    private static readonly ExampleDistrict[] NewDistricts =
    [
        new("111", 3.3, 4.5, 13), new("112", 5.2, 6, 16), new("120", 10.1, 10, 24), new("130", 14.0, 18, 37),
        new("211", 8.2, 7.5, 20), new("212", 6.2, 8, 22), new("221", 9.3, 17, 41), new("222", 5.1, 6, 16),
        new("310", 13.5, 20, 40), new("321", 6.4, 9, 25), new("322", 4.4, 5.5, 16), new("330", 14.3, 16, 36),
    ];
}
