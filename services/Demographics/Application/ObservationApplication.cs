using System.Globalization;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.Demographics.Storage;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Demographics.Application;

/// <summary>Reading observations: listed with time travel, and summarized per area.</summary>
public sealed class ObservationApplication(Database database, CatalogueRepository catalogue, ObservationRepository observations, TimeProvider clock)
{
    /// <summary>
    /// The observations matching <paramref name="filter"/> (see <see cref="ObservationSql.Filters"/>) in series
    /// order, as known at <paramref name="knownAt"/>; with <paramref name="asOf"/> only the latest reference
    /// date up to it per series. Without <paramref name="knownAt"/>, "now" is the first page's (carried in the
    /// page token), so that later pages see the same revisions.
    /// </summary>
    public Task<Page<ObservationRow>> ListAsync(int pageSize, string? pageToken, string? filter, DateOnly? asOf, DateTime? knownAt, CancellationToken ct)
    {
        var terms = ObservationSql.Filters.Parse(filter);
        var selection = Paging.Selection("observations", filter, asOf, knownAt?.ToString("O", CultureInfo.InvariantCulture));
        return Paging.Page<ObservationRow, ObservationKey>(pageSize, pageToken, selection, clock,
            cursor => database.ReadAsync(db => observations.PageAsync(db, terms, asOf, knownAt ?? cursor.Now, cursor.After, cursor.Limit, ct), ct),
            row => row.Key);
    }

    /// <summary>
    /// The summary per district of the area set valid on <paramref name="areaSetDate"/> (default: the as-of
    /// date) and city-wide, from the data as of <paramref name="asOf"/> (default: today in Berlin) as known
    /// at <paramref name="knownAt"/> (default: now): the observations and the area catalogue both as then;
    /// with the refugee-housing figure (its sites summed, city level) and the definitions of the indicators used.
    /// </summary>
    public async Task<AreaSummaryResult> SummarizeAsync(DateOnly? asOf, DateTime? knownAt, DateOnly? areaSetDate, CancellationToken ct)
    {
        var day = asOf ?? BusinessCalendar.Today(clock);
        var known = knownAt ?? clock.GetUtcNow().UtcDateTime;
        var (areas, totals, housing, indicators) = await database.ReadAsync(async db =>
            (await catalogue.LoadAreasAsync(db, known, ct), await observations.LatestTotalsAsync(db, day, known, ct),
             await observations.LatestSeriesAsync(db, IndicatorIds.RefugeesInMunicipalHousing, AreaCatalogue.CityId, day, known, ct),
             await catalogue.LoadIndicatorsAsync(db, ct)), ct);
        var result = AreaSummarizer.Summarize(areas, totals, areaSetDate ?? day) with { RefugeesInMunicipalHousing = CityFigure.Sum(housing) };
        return result with { Indicators = result.UsedIndicatorIds.Where(indicators.ContainsKey).Select(id => indicators[id]).ToList() };
    }
}
