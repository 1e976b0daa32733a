using System.Security.Cryptography;
using System.Text;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Demographics.Storage;

/// <summary>
/// One row of an import: its 0-based position in the whole import, the observation, and what the
/// reader (CSV) already found wrong with it; <paramref name="Line"/> is the CSV line, if any.
/// </summary>
public sealed record ImportRow(int Index, Observation Observation, IReadOnlyList<FieldViolation>? ReadViolations = null, int? Line = null);

/// <summary>
/// The one import path (gRPC stream, CSV, demo seeding): validates every row, writes the valid ones
/// through the dialect's bulk path inside ONE transaction while the rows stream in, and commits only
/// when no row was bad. Any bad row → INVALID_ARGUMENT listing every bad field of every bad row, and
/// the transaction rolls back: nothing is stored.
/// </summary>
public sealed class ObservationImporter(CatalogRepository catalog, ObservationRepository observations, AuditTrail audit, TimeProvider clock)
{
    /// <summary>At most this many violations are listed (the message still counts them all).</summary>
    public const int MaxListedViolations = 1000;

    public const int MaxDimensions = 10;
    public const int MaxCommentLength = 2000;
    public const int MaxDimensionsLength = 900;

    /// <summary>Imports the rows; <paramref name="recordTime"/> only for historical seeding (default: the server clock).</summary>
    public async Task<long> ImportAsync(IAsyncEnumerable<ImportRow> rows, Caller caller, string method,
        CancellationToken ct, DateTime? recordTime = null)
    {
        var areas = await catalog.LoadAreasAsync(ct);
        var indicators = await catalog.LoadIndicatorsAsync(ct);
        var stamp = recordTime ?? clock.GetUtcNow().UtcDateTime;

        var database = observations.Database;
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);
        await using var writer = observations.OpenBulkWriter(connection, transaction, stamp);

        var violations = new List<FieldViolation>();
        var rowViolations = new List<FieldViolation>();
        var seen = new Dictionary<UInt128, int>();
        var referenceDates = new SortedSet<DateOnly>();
        var indicatorIds = new SortedSet<string>(StringComparer.Ordinal);
        long count = 0, badRows = 0, totalViolations = 0;

        await foreach (var row in rows.WithCancellation(ct))
        {
            count++;
            rowViolations.Clear();
            var valid = Validate(row, areas, indicators, seen, rowViolations);
            if (row.ReadViolations is { Count: > 0 } read)
            {
                // What the reader saw (e.g. the original text of a bad number) explains the field better.
                if (read.Any(r => r.Field.EndsWith("].row", StringComparison.Ordinal))) rowViolations.Clear(); // unreadable row: only say so
                rowViolations.RemoveAll(v => read.Any(r => r.Field == v.Field));
                rowViolations.InsertRange(0, read);
            }
            if (rowViolations.Count > 0)
            {
                badRows++;
                totalViolations += rowViolations.Count;
                violations.AddRange(rowViolations.Take(MaxListedViolations - violations.Count));
                continue;
            }
            if (badRows > 0) continue; // the import fails anyway: only validate the rest
            await writer.AddAsync(valid!.Value, ct);
            if (referenceDates.Count < 100) referenceDates.Add(valid.Value.ReferenceDate);
            if (indicatorIds.Count < 100) indicatorIds.Add(valid.Value.IndicatorId);
        }

        if (badRows > 0)
            throw ServiceException.Invalid(violations,
                $"{badRows} of {count} rows are invalid ({totalViolations} problems{(totalViolations > violations.Count ? $", the first {violations.Count} listed" : "")}); nothing was imported.");
        if (count == 0)
            throw ServiceException.Invalid(ObservationFields.Prefix, "the import contains no observations");

        await writer.FlushAsync(ct);
        await audit.AppendAsync(connection, transaction, caller, method, "observations", new
        {
            ImportedCount = count,
            RecordTime = stamp,
            ReferenceDates = referenceDates.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            Indicators = indicatorIds.Select(Indicators.NameOf),
        }, ct);
        await transaction.CommitAsync(ct);
        return count;
    }

    /// <summary>
    /// The CSV path (format: <see cref="Csv.ObservationCsv"/>): the same validation and all-or-nothing
    /// rule; what the reader could not parse is reported with the CSV line.
    /// </summary>
    public async Task<long> ImportCsvAsync(TextReader csv, Caller caller, string method, CancellationToken ct, DateTime? recordTime = null)
    {
        try
        {
            return await ImportAsync(CsvRows(csv, ct), caller, method, ct, recordTime);
        }
        catch (Csv.ObservationCsvHeaderException e)
        {
            throw ServiceException.Invalid(e.Violations.Select(v => new FieldViolation(v.Field, v.Description)).ToList(),
                "The CSV header is invalid; nothing was imported.");
        }
        catch (Csv.CsvFormatException e)
        {
            throw ServiceException.Invalid("csv", e.Message + "; nothing was imported");
        }
    }

    private static async IAsyncEnumerable<ImportRow> CsvRows(TextReader csv, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var row in Csv.ObservationCsv.ReadAsync(csv, ct))
            yield return new ImportRow(row.Index, row.Observation,
                row.Violations.Select(v => new FieldViolation(v.Field, v.Description)).ToList(), row.Line);
    }

    private static NewObservation? Validate(ImportRow row, AreaCatalog areas, IReadOnlyDictionary<string, IndicatorRow> indicators,
        Dictionary<UInt128, int> seen, List<FieldViolation> violations)
    {
        var o = row.Observation;
        string Field(string name) => ObservationFields.Of(row.Index, name);
        var where = row.Line is { } line ? $"line {line}: " : "";

        IndicatorRow? indicator = null;
        if (string.IsNullOrWhiteSpace(o.Indicator))
            violations.Add(new(Field("indicator"), where + "is required"));
        else if (!indicators.TryGetValue(Indicators.IdOf(o.Indicator), out indicator))
            violations.Add(new(Field("indicator"), $"{where}unknown indicator '{o.Indicator}'"));

        DateOnly? date = null;
        var d = o.ReferenceDate;
        if (d is null || (d.Year == 0 && d.Month == 0 && d.Day == 0))
            violations.Add(new(Field("reference_date"), where + "is required"));
        else if (d.Year is < 1 or > 9999 || d.Month is < 1 or > 12 || d.Day < 1 || d.Day > DateTime.DaysInMonth(d.Year, d.Month))
            violations.Add(new(Field("reference_date"), $"{where}is not a valid calendar date ({d.Year:D4}-{d.Month:D2}-{d.Day:D2})"));
        else
            date = new DateOnly(d.Year, d.Month, d.Day);

        AreaRow? area = null;
        if (string.IsNullOrWhiteSpace(o.Area))
            violations.Add(new(Field("area"), where + "is required"));
        else if (date is null)
        {
            // Validity cannot be checked without a date; existence can.
            var id = AreaCatalog.IdOf(o.Area);
            if (areas.Find(id) is null && !areas.WithCode(id).Any())
                violations.Add(new(Field("area"), $"{where}unknown area '{o.Area}'"));
        }
        else
        {
            area = areas.Resolve(o.Area, date, out var problem);
            if (area is null) violations.Add(new(Field("area"), where + problem));
        }

        if (!double.IsFinite(o.Value))
            violations.Add(new(Field("value"), where + "must be a finite number"));
        else if (indicator is not null)
        {
            if (indicator.Unit == Units.Percent && o.Value is < 0 or > 100)
                violations.Add(new(Field("value"), $"{where}{o.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a share: {Indicators.NameOf(indicator.Id)} is in PERCENT, 0 to 100"));
            else if (indicator.Unit == Units.Persons && o.Value < 0)
                violations.Add(new(Field("value"), $"{where}{o.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)} is negative; {Indicators.NameOf(indicator.Id)} counts PERSONS"));
        }

        var status = o.Status switch
        {
            ObservationStatus.Unspecified or ObservationStatus.Final => "FINAL",
            ObservationStatus.Provisional => "PROVISIONAL",
            ObservationStatus.Estimated => "ESTIMATED",
            _ => null,
        };
        if (status is null) violations.Add(new(Field("status"), $"{where}is not a status (FINAL, PROVISIONAL, ESTIMATED)"));

        if (o.Comment.Length > MaxCommentLength)
            violations.Add(new(Field("comment"), $"{where}must be at most {MaxCommentLength} characters (got {o.Comment.Length})"));

        if (o.Dimensions.Count > MaxDimensions)
            violations.Add(new(Field("dimensions"), $"{where}at most {MaxDimensions} dimensions (got {o.Dimensions.Count})"));
        foreach (var (name, value) in o.Dimensions)
        {
            if (!DimensionKey(name))
                violations.Add(new(Field($"dimensions[{name}]"), $"{where}'{name}' is not a dimension key (lower-case letters, digits and '_', starting with a letter, at most 64)"));
            else if (string.IsNullOrWhiteSpace(value))
                violations.Add(new(Field($"dimensions[{name}]"), $"{where}must not be empty; leave the key out for the total"));
        }
        var dimensions = Dimensions.Encode(o.Dimensions);
        if (dimensions.Length > MaxDimensionsLength)
            violations.Add(new(Field("dimensions"), $"{where}are too long together (at most {MaxDimensionsLength} characters as JSON)"));

        if (violations.Count > 0 || indicator is null || area is null || date is null || status is null) return null;

        var key = KeyOf(indicator.Id, area.Id, date.Value, dimensions);
        if (!seen.TryAdd(key, row.Index))
        {
            violations.Add(new(Field("reference_date"),
                $"{where}duplicates {ObservationFields.Prefix}[{seen[key]}]: the same indicator, area, reference_date and dimensions twice in one import"));
            return null;
        }
        return new NewObservation(indicator.Id, area.Id, date.Value, dimensions, o.Value, status, o.Comment.Length == 0 ? null : o.Comment);
    }

    private static bool DimensionKey(string key) =>
        key.Length is > 0 and <= 64 && char.IsAsciiLetterLower(key[0]) && key.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');

    /// <summary>
    /// 128 bits of SHA-256 over the key: the duplicate check holds 16 bytes per row instead of the key
    /// text, so a million-row import stays small; a collision is astronomically unlikely.
    /// </summary>
    private static UInt128 KeyOf(string indicator, string area, DateOnly date, string dimensions)
    {
        var text = $"{indicator}\u001f{area}\u001f{date.DayNumber}\u001f{dimensions}";
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }
}

/// <summary>Field paths of import violations: "observations[4711].area".</summary>
public static class ObservationFields
{
    public const string Prefix = Csv.ObservationCsv.FieldPrefix;

    public static string Of(int index, string field) => Csv.ObservationCsv.FieldOf(index, field);
}
