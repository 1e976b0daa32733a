using System.Globalization;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Errors;

namespace IntegrationServices.Demographics.Domain;

/// <summary>
/// The validation of one import: every rule per row, duplicates across the whole import (per series, the
/// reference dates seen so far), and what was wrong, for the answer. An import is stored only when no row
/// is bad (<see cref="BadRows"/> = 0) and it has rows at all.
/// </summary>
public sealed class ObservationValidation(AreaCatalogue areas, IReadOnlyDictionary<string, IndicatorEntry> indicators)
{
    /// <summary>At most this many violations are listed (the message still counts them all).</summary>
    public const int MaxListedViolations = 1000;

    public const int MaxDimensions = 10;
    public const int MaxCommentLength = 2000;

    /// <summary>Fits SQL Server's index key limit together with the indicator and area (see migration 0003).</summary>
    public const int MaxDimensionsLength = 700;

    private readonly Dictionary<(string Indicator, string Area, string Dimensions), (ImportSeries Series, SeriesDates Dates)> _series = [];
    private readonly List<FieldViolation> _violations = [];
    private readonly List<FieldViolation> _rowViolations = [];
    private readonly DimensionTexts _dimensionTexts = new();

    public long Rows { get; private set; }
    public long BadRows { get; private set; }

    /// <summary>Every violation found, of which <see cref="Violations"/> lists the first <see cref="MaxListedViolations"/>.</summary>
    public long TotalViolations { get; private set; }

    public IReadOnlyList<FieldViolation> Violations => _violations;

    /// <summary>The first 100 distinct reference dates and indicators of the valid rows (for the audit record).</summary>
    public SortedSet<DateOnly> ReferenceDates { get; } = [];

    public SortedSet<string> IndicatorIds { get; } = new(StringComparer.Ordinal);

    /// <summary>"3 of 10000 rows are invalid (…); nothing was imported."</summary>
    public string Summary =>
        $"{BadRows} of {Rows} rows are invalid ({TotalViolations} problems{(TotalViolations > _violations.Count ? $", the first {_violations.Count} listed" : "")}); nothing was imported.";

    /// <summary>The row as it goes into the database, or null (and its violations noted) if it is bad.</summary>
    public NewObservation? Check(ImportRow row)
    {
        Rows++;
        _rowViolations.Clear();
        var valid = Validate(row, _rowViolations);
        if (row.ReadViolations is { Count: > 0 } read) PutFirst(read, _rowViolations);
        if (_rowViolations.Count == 0)
        {
            if (ReferenceDates.Count < 100) ReferenceDates.Add(valid!.Value.ReferenceDate);
            if (IndicatorIds.Count < 100) IndicatorIds.Add(valid!.Value.Series.IndicatorId);
            return valid;
        }
        BadRows++;
        TotalViolations += _rowViolations.Count;
        _violations.AddRange(_rowViolations.Take(MaxListedViolations - _violations.Count));
        return null;
    }

    /// <summary>
    /// What the reader saw (e.g. the original text of a bad number) explains a field better: it replaces what the
    /// validation said about the same field; of an unreadable row, only that is said. (A method of its own: its
    /// lambdas' closure is made only for rows the reader had problems with.)
    /// </summary>
    private static void PutFirst(IReadOnlyList<FieldViolation> read, List<FieldViolation> violations)
    {
        if (read.Any(r => r.Field.EndsWith("].row", StringComparison.Ordinal))) violations.Clear();
        violations.RemoveAll(v => read.Any(r => r.Field == v.Field));
        violations.InsertRange(0, read);
    }

    private NewObservation? Validate(ImportRow row, List<FieldViolation> violations)
    {
        string Field(string name) => ObservationFields.Of(row.Index, name);
        string Where() => row.Line is { } line ? $"line {line}: " : "";

        IndicatorEntry? indicator = null;
        if (string.IsNullOrWhiteSpace(row.Indicator))
            violations.Add(new(Field("indicator"), Where() + "is required"));
        else if (!indicators.TryGetValue(DemographicsNames.Indicators.IdOf(row.Indicator), out indicator))
            violations.Add(new(Field("indicator"), $"{Where()}unknown indicator '{TextRules.Printable(row.Indicator)}'"));

        DateOnly? date = null;
        var d = row.ReferenceDate;
        if (d.IsUnset)
            violations.Add(new(Field("reference_date"), Where() + "is required"));
        else if (d.Year is < 1 or > 9999 || d.Month is < 1 or > 12 || d.Day < 1 || d.Day > DateTime.DaysInMonth(d.Year, d.Month))
            violations.Add(new(Field("reference_date"), $"{Where()}is not a valid calendar date ({d.Year:D4}-{d.Month:D2}-{d.Day:D2})"));
        else
            date = new DateOnly(d.Year, d.Month, d.Day);

        AreaEntry? area = null;
        if (string.IsNullOrWhiteSpace(row.Area))
            violations.Add(new(Field("area"), Where() + "is required"));
        else if (date is null)
        {
            // Validity cannot be checked without a date; existence can.
            if (!areas.Knows(row.Area)) violations.Add(new(Field("area"), $"{Where()}unknown area '{TextRules.Printable(row.Area)}'"));
        }
        else
        {
            area = areas.Resolve(row.Area, date.Value, out var problem);
            if (area is null) violations.Add(new(Field("area"), Where() + problem));
        }

        if (!double.IsFinite(row.Value))
            violations.Add(new(Field("value"), Where() + "must be a finite number"));
        else if (indicator is not null)
        {
            string Value() => row.Value.ToString(CultureInfo.InvariantCulture);
            string Name() => DemographicsNames.Indicators.Format(indicator.Id);
            if (indicator.Unit == IndicatorUnit.Percent && row.Value is < 0 or > 100)
                violations.Add(new(Field("value"), $"{Where()}{Value()} is not a share: {Name()} is in PERCENT, 0 to 100"));
            else if (indicator.Unit == IndicatorUnit.Persons && row.Value < 0)
                violations.Add(new(Field("value"), $"{Where()}{Value()} is negative; {Name()} counts PERSONS"));
        }

        // Unspecified is stored as FINAL (the proto's rule for imports).
        var status = row.Status == ObservationStatus.Unspecified ? ObservationStatus.Final : row.Status;
        var statusKnown = ProtoEnum<ObservationStatus>.IsSpecified(status);
        if (!statusKnown)
            violations.Add(new(Field("status"), $"{Where()}is not a status ({string.Join(", ", ProtoEnum<ObservationStatus>.SpecifiedNames)})"));

        if (row.Comment.Length > MaxCommentLength)
            violations.Add(new(Field("comment"), $"{Where()}must be at most {MaxCommentLength} characters (got {row.Comment.Length})"));
        else if (!TextRules.IsFree(row.Comment))
            violations.Add(new(Field("comment"), Where() + TextRules.FreeDescription));

        if (row.Dimensions.Count > MaxDimensions)
            violations.Add(new(Field("dimensions"), $"{Where()}at most {MaxDimensions} dimensions (got {row.Dimensions.Count})"));
        for (var i = 0; i < row.Dimensions.Count; i++)
        {
            var (key, value) = row.Dimensions[i];
            if (!DimensionKey(key))
                violations.Add(new(Field($"dimensions[{TextRules.Printable(key)}]"), $"{Where()}'{TextRules.Printable(key)}' is not a dimension key (lower-case letters, digits and '_', starting with a letter, at most 64)"));
            else if (string.IsNullOrWhiteSpace(value))
                violations.Add(new(Field($"dimensions[{key}]"), $"{Where()}must not be empty; leave the key out for the total"));
            else if (!TextRules.IsLine(value))
                violations.Add(new(Field($"dimensions[{key}]"), Where() + TextRules.LineDescription));
        }
        var dimensions = _dimensionTexts.Of(row.Dimensions);
        if (dimensions.Length > MaxDimensionsLength)
            violations.Add(new(Field("dimensions"), $"{Where()}are too long together (at most {MaxDimensionsLength} characters as JSON)"));

        if (violations.Count > 0 || indicator is null || area is null || date is null || !statusKnown) return null;

        if (!_series.TryGetValue((indicator.Id, area.Id, dimensions), out var series))
            _series.Add((indicator.Id, area.Id, dimensions), series = (new ImportSeries(indicator.Id, area.Id, dimensions), new SeriesDates()));
        if (series.Dates.Add(date.Value.DayNumber, row.Index) is { } earlier)
        {
            violations.Add(new(Field("reference_date"),
                $"{Where()}duplicates {ObservationFields.Prefix}[{earlier}]: the same indicator, area, reference_date and dimensions twice in one import"));
            return null;
        }
        return new NewObservation(series.Series, date.Value, row.Value, ProtoEnum<ObservationStatus>.Name(status), row.Comment.Length == 0 ? null : row.Comment, row.Example);
    }

    private static bool DimensionKey(string key)
    {
        if (key.Length is 0 or > 64 || !char.IsAsciiLetterLower(key[0])) return false;
        foreach (var c in key)
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '_') return false;
        return true;
    }
}
