using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Demographics.Csv;
using IntegrationServices.ServiceDefaults.Errors;

namespace IntegrationServices.Demographics.Domain;

/// <summary>
/// One row of an import as the validation reads it, whether it came as a gRPC message or as a CSV line: its
/// 0-based position in the whole import, the observation's fields, what the reader (CSV) already found
/// wrong with it, and the CSV line, if any. The CSV path makes it from the reader's fields, without a
/// message per row (a message with its map of dimensions is most of what a row would allocate).
/// </summary>
public sealed class ImportRow
{
    private static readonly KeyValuePair<string, string>[] NoDimensions = [];

    private ImportRow(int index, string indicator, string area, ImportDate referenceDate, double value, ObservationStatus status,
        string comment, bool example, IReadOnlyList<KeyValuePair<string, string>> dimensions, IReadOnlyList<FieldViolation>? readViolations, int? line)
    {
        (Index, Indicator, Area, ReferenceDate, Value, Status) = (index, indicator, area, referenceDate, value, status);
        (Comment, Example, Dimensions, ReadViolations, Line) = (comment, example, dimensions, readViolations, line);
    }

    public int Index { get; }
    public string Indicator { get; }
    public string Area { get; }
    public ImportDate ReferenceDate { get; }
    public double Value { get; }
    public ObservationStatus Status { get; }
    public string Comment { get; }
    public bool Example { get; }

    /// <summary>The dimensions as given (in any order; the validation makes their canonical text).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Dimensions { get; }

    public IReadOnlyList<FieldViolation>? ReadViolations { get; }
    public int? Line { get; }

    /// <summary>Row <paramref name="index"/> of a gRPC stream (or of observations held in memory).</summary>
    public static ImportRow Of(int index, Observation o) =>
        new(index, o.Indicator, o.Area, o.ReferenceDate is { } d ? new ImportDate(d.Year, d.Month, d.Day) : default, o.Value, o.Status,
            o.Comment, o.Example, o.Dimensions.Count == 0 ? NoDimensions : [.. o.Dimensions], readViolations: null, line: null);

    /// <summary>A row of a CSV import, with what its reader could not read.</summary>
    public static ImportRow Of(ObservationCsvRow row) =>
        new(row.Index, row.Indicator, row.Area, row.ReferenceDate is { } d ? new ImportDate(d.Year, d.Month, d.Day) : default, row.Value,
            row.Status, row.Comment, row.Example, row.Dimensions,
            row.Violations.Count == 0 ? null : row.Violations.Select(v => new FieldViolation(v.Field, v.Description)).ToList(), row.Line);

    /// <summary>Observations held in memory (demo data, historical figures) as rows numbered from 0.</summary>
    public static async IAsyncEnumerable<ImportRow> Numbered(IEnumerable<Observation> observations)
    {
        await Task.CompletedTask;
        var index = 0;
        foreach (var observation in observations) yield return Of(index++, observation);
    }
}

/// <summary>A reference date as sent, not yet checked: all zero when it was left out (or could not be read).</summary>
public readonly record struct ImportDate(int Year, int Month, int Day)
{
    public bool IsUnset => Year == 0 && Month == 0 && Day == 0;
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
