using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.ServiceDefaults.Errors;

namespace IntegrationServices.Demographics.Domain;

/// <summary>
/// One row of an import: its 0-based position in the whole import, the observation, and what the
/// reader (CSV) already found wrong with it; <paramref name="Line"/> is the CSV line, if any.
/// </summary>
public sealed record ImportRow(int Index, Observation Observation, IReadOnlyList<FieldViolation>? ReadViolations = null, int? Line = null)
{
    /// <summary>Observations held in memory (demo data, historical figures) as rows numbered from 0.</summary>
    public static async IAsyncEnumerable<ImportRow> Numbered(IEnumerable<Observation> observations)
    {
        await Task.CompletedTask;
        var index = 0;
        foreach (var observation in observations) yield return new ImportRow(index++, observation);
    }
}

/// <summary>A validated observation on its way into the spool; <paramref name="Status"/> is the stored status name, <paramref name="Example"/> marks made-up figures.</summary>
public readonly record struct NewObservation(ImportSeries Series, DateOnly ReferenceDate, double Value, string Status, string? Comment, bool Example = false);

/// <summary>
/// One series (indicator, area, dimensions) of an import: the validation makes one per distinct key, which
/// all rows of the series share, so that the spool stores each series once and its rows name it by number.
/// </summary>
public sealed class ImportSeries(string indicatorId, string areaId, string dimensions)
{
    public string IndicatorId { get; } = indicatorId;
    public string AreaId { get; } = areaId;
    public string Dimensions { get; } = dimensions;

    /// <summary>The series' number in the import's spool, once its first row has been spooled.</summary>
    public int? SpoolId { get; set; }
}

/// <summary>Field paths of import violations: "observations[4711].area", the same as the CSV reader's.</summary>
public static class ObservationFields
{
    public const string Prefix = Csv.ObservationCsv.FieldPrefix;

    public static string Of(int index, string field) => Csv.ObservationCsv.FieldOf(index, field);
}
