using System.Globalization;
using System.Runtime.CompilerServices;
using IntegrationServices.Contracts.Demographics.V1;

namespace IntegrationServices.Demographics.Csv;

/// <summary>One bad field of a CSV import, named like the gRPC import's violations ("observations[7].value").</summary>
public sealed record CsvViolation(string Field, string Description);

/// <summary>
/// One data row: its 0-based index among the data rows (the index the import reports, as in
/// <c>observations[index]</c>), the line it starts on, the observation's fields, and what could not be read.
/// A field that could not be read is left empty or unset (no date, NaN value, undefined status, example
/// false, a cell past the length cap empty); not every such state is one the validation refuses on its
/// own, so a row with <see cref="Violations"/> must never be imported: the service's CSV path reports them
/// as the row's violations, the command line refuses the file. The fields
/// are plain values, not a message: the service validates them as they are, the command line sends
/// <see cref="ToObservation"/>. A value, not an object: a file's rows are read one at a time, each used once.
/// </summary>
public readonly record struct ObservationCsvRow(int Index, int Line, string Indicator, string Area, DateOnly? ReferenceDate, double Value,
    ObservationStatus Status, string Comment, bool Example, IReadOnlyList<KeyValuePair<string, string>> Dimensions,
    IReadOnlyList<CsvViolation> Violations)
{
    /// <summary>
    /// The row as the gRPC import's message, written into <paramref name="message"/> whatever it held before: a
    /// sender of many rows reuses its messages once they are sent, instead of making a message, a map of
    /// dimensions and a date for every row.
    /// </summary>
    public Observation ToObservation(Observation message)
    {
        (message.Indicator, message.Area, message.Value, message.Status, message.Comment, message.Example, message.RecordTime) =
            (Indicator, Area, Value, Status, Comment, Example, null);
        if (ReferenceDate is { } d)
        {
            var date = message.ReferenceDate ??= new Google.Type.Date();
            (date.Year, date.Month, date.Day) = (d.Year, d.Month, d.Day);
        }
        else message.ReferenceDate = null;
        message.Dimensions.Clear();
        for (var i = 0; i < Dimensions.Count; i++) message.Dimensions[Dimensions[i].Key] = Dimensions[i].Value;
        return message;
    }
}

/// <summary>The header is unusable (missing, unknown or repeated columns): nothing can be read.</summary>
public sealed class ObservationCsvHeaderException(IReadOnlyList<CsvViolation> violations)
    : Exception("The CSV header is invalid: " + string.Join("; ", violations.Select(v => v.Description)))
{
    public IReadOnlyList<CsvViolation> Violations { get; } = violations;
}

/// <summary>
/// The observation CSV format: a header row, then one observation per row. Required columns
/// <c>indicator,area,reference_date,value</c>; optional <c>status</c> (FINAL, PROVISIONAL, ESTIMATED;
/// empty = FINAL), <c>comment</c>, <c>example</c> (true/false or 1/0, any case; empty = false: the value
/// is a made-up example, never an official figure), and <c>dim.&lt;key&gt;</c> columns (an empty cell = the key is absent,
/// i.e. the total). Dates are ISO (yyyy-MM-dd), numbers use '.' as decimal separator.
/// </summary>
public static class ObservationCsv
{
    public static readonly string[] RequiredColumns = ["indicator", "area", "reference_date", "value"];
    public static readonly string[] OptionalColumns = ["status", "comment", "example"];
    public const string DimensionPrefix = "dim.";
    public const string FieldPrefix = "observations";

    public static string FieldOf(int index, string field) => $"{FieldPrefix}[{index}].{field}";

    public static async IAsyncEnumerable<ObservationCsvRow> ReadAsync(TextReader text, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var records = new CsvRecordReader(text);
        var header = await records.ReadAsync(ct)
            ?? throw new ObservationCsvHeaderException([new CsvViolation("header", "the file is empty; expected a header row: indicator,area,reference_date,value[,status][,comment][,example][,dim.<key>...]")]);
        var (columns, columnCount) = (Columns(header, records), header.Count);
        var index = 0;
        while (await records.ReadAsync(ct) is { } record)
        {
            if (records.FieldCount == 1 && record[0].Length == 0 && records.OversizedFields.Count == 0) continue; // blank line
            yield return Row(index++, records, record, columnCount, columns);
        }
    }

    private sealed record ColumnMap(int Indicator, int Area, int ReferenceDate, int Value, int Status, int Comment, int Example,
        (int Column, string Key)[] Dimensions)
    {
        /// <summary>The field path a column's cell is reported under ("value", "dimensions[sex]").</summary>
        public string FieldOf(int column) =>
            column == Indicator ? "indicator" : column == Area ? "area" : column == ReferenceDate ? "reference_date"
            : column == Value ? "value" : column == Status ? "status" : column == Comment ? "comment" : column == Example ? "example"
            : $"dimensions[{Dimensions.First(d => d.Column == column).Key}]";
    }

    private static ColumnMap Columns(List<string> header, CsvRecordReader records)
    {
        var violations = new List<CsvViolation>();
        foreach (var column in records.OversizedFields)
            violations.Add(new("header", $"column {column + 1}: longer than {CsvRecordReader.MaxFieldLength} characters, no column name"));
        if (records.FieldCount > CsvRecordReader.MaxFields)
            violations.Add(new("header", $"{records.FieldCount} columns, more than the {CsvRecordReader.MaxFields} a header may have"));
        if (violations.Count > 0) throw new ObservationCsvHeaderException(violations);
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        var dimensions = new List<(int, string)>();
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim().TrimStart('\uFEFF');
            var lower = name.ToLowerInvariant();
            if (lower.StartsWith(DimensionPrefix, StringComparison.Ordinal))
            {
                var key = name[DimensionPrefix.Length..];
                if (key.Length == 0) violations.Add(new("header", $"column {i + 1}: '{name}' names no dimension key"));
                else if (dimensions.Any(d => d.Item2 == key)) violations.Add(new("header", $"column {i + 1}: dimension '{key}' appears twice"));
                else dimensions.Add((i, key));
            }
            else if (RequiredColumns.Contains(lower) || OptionalColumns.Contains(lower))
            {
                if (!positions.TryAdd(lower, i)) violations.Add(new("header", $"column {i + 1}: '{lower}' appears twice"));
            }
            else
            {
                violations.Add(new("header", $"column {i + 1}: unknown column '{name}'; allowed: {string.Join(", ", RequiredColumns.Concat(OptionalColumns))}, dim.<key>"));
            }
        }
        foreach (var required in RequiredColumns.Where(r => !positions.ContainsKey(r)))
            violations.Add(new("header", $"the required column '{required}' is missing"));
        if (violations.Count > 0) throw new ObservationCsvHeaderException(violations);
        return new ColumnMap(positions["indicator"], positions["area"], positions["reference_date"], positions["value"],
            positions.GetValueOrDefault("status", -1), positions.GetValueOrDefault("comment", -1), positions.GetValueOrDefault("example", -1), [.. dimensions]);
    }

    private static readonly IReadOnlyList<CsvViolation> NoViolations = [];
    private static readonly KeyValuePair<string, string>[] NoDimensions = [];

    private static ObservationCsvRow Row(int index, CsvRecordReader records, List<string> record, int columnCount, ColumnMap map)
    {
        var line = records.RecordLine;
        List<CsvViolation>? violations = null;
        void Add(string field, string description)
        {
            var path = FieldOf(index, field);
            if (violations?.Any(v => v.Field == path) != true) (violations ??= []).Add(new(path, description)); // the first word on a field stands
        }
        if (records.FieldCount != columnCount)
        {
            Add("row", $"line {line}: has {records.FieldCount} fields, the header has {columnCount}");
            return new ObservationCsvRow(index, line, "", "", null, double.NaN, (ObservationStatus)(-1), "", false, NoDimensions, violations!);
        }
        // A cell too long to be valid was not kept (it reads as empty): say so, in place of what its emptiness would cause.
        foreach (var column in records.OversizedFields)
            Add(map.FieldOf(column), $"line {line}: longer than {CsvRecordReader.MaxFieldLength} characters; it was not read");

        var date = record[map.ReferenceDate].Trim();
        DateOnly? referenceDate = null;
        if (TryParseDate(date, out var parsedDate)) referenceDate = parsedDate;
        else Add("reference_date", $"line {line}: '{date}' is not a date (yyyy-MM-dd)");

        var value = record[map.Value].Trim();
        if (!double.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
        {
            number = double.NaN;
            Add("value", $"line {line}: '{value}' is not a number (use '.' as decimal separator, no thousands separator)");
        }

        var statusText = map.Status >= 0 ? record[map.Status].Trim() : "";
        if (!TryParseStatus(statusText, out var status))
        {
            status = (ObservationStatus)(-1);
            Add("status", $"line {line}: '{statusText}' is not a status (FINAL, PROVISIONAL, ESTIMATED)");
        }

        var example = map.Example >= 0 ? record[map.Example].Trim() : "";
        if (!TryParseExample(example, out var isExample)) Add("example", $"line {line}: '{example}' is not true or false (also 1 or 0; empty = false)");

        return new ObservationCsvRow(index, line, record[map.Indicator].Trim(), record[map.Area].Trim(), referenceDate, number, status,
            map.Comment >= 0 ? record[map.Comment] : "", isExample, Dimensions(record, map), violations ?? NoViolations);
    }

    /// <summary>The row's dimensions: the non-empty cells of the dim.&lt;key&gt; columns.</summary>
    private static KeyValuePair<string, string>[] Dimensions(List<string> record, ColumnMap map)
    {
        var count = 0;
        foreach (var (column, _) in map.Dimensions)
            if (!record[column].AsSpan().Trim().IsEmpty) count++;
        if (count == 0) return NoDimensions;
        var dimensions = new KeyValuePair<string, string>[count];
        count = 0;
        foreach (var (column, key) in map.Dimensions)
            if (record[column].Trim() is { Length: > 0 } value) dimensions[count++] = new(key, value);
        return dimensions;
    }

    /// <summary>Exactly yyyy-MM-dd and a real calendar day (what DateOnly.TryParseExact accepts, at a fraction of its cost).</summary>
    public static bool TryParseDate(string text, out DateOnly date)
    {
        date = default;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-') return false;
        if (!Digits(text, 0, 4, out var year) || !Digits(text, 5, 2, out var month) || !Digits(text, 8, 2, out var day)) return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
        date = new DateOnly(year, month, day);
        return true;
    }

    private static bool Digits(string text, int start, int length, out int number)
    {
        number = 0;
        for (var i = start; i < start + length; i++)
        {
            if (!char.IsAsciiDigit(text[i])) return false;
            number = number * 10 + (text[i] - '0');
        }
        return true;
    }

    /// <summary>A status name in any case; empty = unspecified (stored as FINAL). Numbers are not names.</summary>
    public static bool TryParseStatus(string text, out ObservationStatus status)
    {
        status = ObservationStatus.Unspecified;
        if (text.Length == 0) return true;
        foreach (var (name, candidate) in Statuses)
            if (text == name || text.Equals(name, StringComparison.OrdinalIgnoreCase)) // the names as written first: nearly every file has them so
            {
                status = candidate;
                return true;
            }
        return false;
    }

    /// <summary>true/false or 1/0 in any case; empty = false (an official figure).</summary>
    public static bool TryParseExample(string text, out bool example)
    {
        example = text.Equals("true", StringComparison.OrdinalIgnoreCase) || text == "1";
        return example || text.Length == 0 || text.Equals("false", StringComparison.OrdinalIgnoreCase) || text == "0";
    }

    private static readonly (string Name, ObservationStatus Status)[] Statuses =
        [.. new[] { ObservationStatus.Final, ObservationStatus.Provisional, ObservationStatus.Estimated }.Select(s => (s.ToString().ToUpperInvariant(), s))];
}
