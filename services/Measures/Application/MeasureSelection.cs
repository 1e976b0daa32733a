using System.Globalization;
using IntegrationServices.Measures.Domain;
using IntegrationServices.Measures.Storage;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Measures.Application;

/// <summary>
/// Which measures ListMeasures and StreamMeasures select: the caller's filter, retired ones or not, and
/// the optional point in time (absent parts default to the "now" of the listing).
/// </summary>
public sealed record MeasureSelection(SqlFilter Filter, bool ShowRetired, DateOnly? AsOf, DateTime? KnownAt)
{
    /// <summary>The filter of a request (API.md: ListMeasures filter fields); malformed → INVALID_ARGUMENT on "filter".</summary>
    public static SqlFilter ParseFilter(string? filter) => MeasureSql.Filters.Parse(filter);

    /// <summary>What a page token is bound to: every part that changes which rows are listed.</summary>
    public string Fingerprint => Paging.Selection("measures", string.Join(" AND ", Filter.Terms), ShowRetired,
        AsOf?.Iso(), KnownAt?.ToString("O", CultureInfo.InvariantCulture));

    /// <summary>The query as of <paramref name="now"/>: today and now where the caller named no point in time.</summary>
    public MeasureQuery At(DateTime now) => new(PointInTime.Of(AsOf, KnownAt, now), ShowRetired, Filter);
}
