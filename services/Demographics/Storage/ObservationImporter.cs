using System.Threading.Channels;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.ServiceDefaults.Api;
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
public sealed class ObservationImporter(CatalogRepository catalog, ObservationRepository observations, AuditTrail audit, TimeProvider clock,
    WalCheckpointer checkpointer)
{
    /// <summary>At most this many violations are listed (the message still counts them all).</summary>
    public const int MaxListedViolations = 1000;

    public const int MaxDimensions = 10;
    public const int MaxCommentLength = 2000;
    /// <summary>Fits SQL Server's index key limit together with the indicator and area (see migration 0003).</summary>
    public const int MaxDimensionsLength = 700;

    /// <summary>Valid rows travel from the validation to the writer in batches of this many.</summary>
    private const int BatchRows = 1024;

    /// <summary>Imports the rows; <paramref name="recordTime"/> only for historical seeding (default: the server clock).</summary>
    public async Task<long> ImportAsync(IAsyncEnumerable<ImportRow> rows, Caller caller, string method,
        CancellationToken ct, DateTime? recordTime = null)
    {
        var stamp = recordTime ?? clock.GetUtcNow().UtcDateTime;
        // One transaction from the first row to the commit: that is what makes the import all-or-nothing
        // without holding the stream. On SQLite it is IMMEDIATE, so other writers wait for the import.
        await using var connection = await observations.Database.OpenAsync(ct);
        // A large import's commit would copy the whole log into the database file before returning; that
        // runs in the background after the commit instead (the data is durable in the log at the commit).
        using var deferredCheckpoint = WalCheckpointer.Defer(connection);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);
        var validation = new Validation(
            await catalog.LoadAreasAsync(connection, transaction, ct),
            await catalog.LoadIndicatorsAsync(connection, transaction, ct));
        await using var writer = await observations.OpenBulkWriterAsync(connection, transaction, stamp, ct);

        // Reading and validating the stream and writing to the database run side by side, handing over
        // batches through a queue (16 × 1,024 rows, enough to ride out a pause of either side): each is
        // about half of an import's work (measured), so on two cores the import takes as long as the
        // slower half, not as both together. Only the writer touches the connection until it has finished.
        var pipe = Channel.CreateBounded<List<NewObservation>>(new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true });
        var writing = WriteAsync(pipe, writer, ct);
        try
        {
            var batch = new List<NewObservation>(BatchRows);
            var storageFailed = false;
            await foreach (var row in rows.WithCancellation(ct))
            {
                // After a storage failure the rest of the stream is read and dropped: the answer (that failure)
                // then comes once the caller has sent everything, however far it had got when the database gave up.
                if (storageFailed) continue;
                // Once a row is bad the import fails anyway: the rest is only validated, to report it.
                if (validation.Check(row) is not { } valid || validation.BadRows > 0) continue;
                batch.Add(valid);
                if (batch.Count < BatchRows) continue;
                storageFailed = !await TrySendAsync(pipe, batch, ct);
                batch = new List<NewObservation>(BatchRows);
            }
            if (!storageFailed && validation.BadRows == 0 && batch.Count > 0) await TrySendAsync(pipe, batch, ct);
            pipe.Writer.TryComplete();
        }
        catch
        {
            pipe.Writer.TryComplete();
            await writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing); // let the writer stop; this error is the one to report
            throw;
        }
        await writing;

        validation.ThrowIfInvalid();
        await writer.FlushAsync(ct);
        await audit.AppendAsync(connection, transaction, caller, method, "observations", new
        {
            ImportedCount = validation.Rows,
            RecordTime = stamp,
            ReferenceDates = validation.ReferenceDates.Select(d => d.Iso()),
            Indicators = validation.IndicatorIds.Select(Indicators.NameOf),
        }, ct);
        await transaction.CommitAsync(ct);
        checkpointer.Request();
        return validation.Rows;
    }

    /// <summary>Queues a batch; false when the writer has failed and closed the queue (its error is reported once the rows have ended).</summary>
    private static async Task<bool> TrySendAsync(Channel<List<NewObservation>> pipe, List<NewObservation> batch, CancellationToken ct)
    {
        try
        {
            await pipe.Writer.WriteAsync(batch, ct);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>The writing half: drains the queue into the bulk writer; on failure closes the queue so the reading half stops.</summary>
    private static async Task WriteAsync(Channel<List<NewObservation>> pipe, ObservationBulkWriter writer, CancellationToken ct)
    {
        try
        {
            await foreach (var batch in pipe.Reader.ReadAllAsync(ct))
                foreach (var observation in batch)
                    await writer.AddAsync(observation, ct);
        }
        catch (Exception e)
        {
            pipe.Writer.TryComplete(e);
            throw;
        }
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
                row.Violations.Count == 0 ? null : row.Violations.Select(v => new FieldViolation(v.Field, v.Description)).ToList(), row.Line);
    }

    /// <summary>
    /// The validation of one import: every rule per row, duplicates across the whole import (per series,
    /// the reference dates seen so far), and what was wrong, for the answer.
    /// </summary>
    private sealed class Validation(AreaCatalog areas, IReadOnlyDictionary<string, IndicatorRow> indicators)
    {
        private readonly Dictionary<(string Indicator, string Area, string Dimensions), (ImportSeries Series, SeriesDates Dates)> _series = [];
        private readonly List<FieldViolation> _violations = [];
        private readonly List<FieldViolation> _rowViolations = [];
        private long _totalViolations;

        public long Rows { get; private set; }
        public long BadRows { get; private set; }
        public SortedSet<DateOnly> ReferenceDates { get; } = [];
        public SortedSet<string> IndicatorIds { get; } = new(StringComparer.Ordinal);

        /// <summary>The row as it goes into the database, or null (and its violations noted) if it is bad.</summary>
        public NewObservation? Check(ImportRow row)
        {
            Rows++;
            _rowViolations.Clear();
            var valid = Validate(row, _rowViolations);
            if (row.ReadViolations is { Count: > 0 } read)
            {
                // What the reader saw (e.g. the original text of a bad number) explains the field better.
                if (read.Any(r => r.Field.EndsWith("].row", StringComparison.Ordinal))) _rowViolations.Clear(); // unreadable row: only say so
                _rowViolations.RemoveAll(v => read.Any(r => r.Field == v.Field));
                _rowViolations.InsertRange(0, read);
            }
            if (_rowViolations.Count == 0)
            {
                if (ReferenceDates.Count < 100) ReferenceDates.Add(valid!.Value.ReferenceDate);
                if (IndicatorIds.Count < 100) IndicatorIds.Add(valid!.Value.Series.IndicatorId);
                return valid;
            }
            BadRows++;
            _totalViolations += _rowViolations.Count;
            _violations.AddRange(_rowViolations.Take(MaxListedViolations - _violations.Count));
            return null;
        }

        public void ThrowIfInvalid()
        {
            if (BadRows > 0)
                throw ServiceException.Invalid(_violations,
                    $"{BadRows} of {Rows} rows are invalid ({_totalViolations} problems{(_totalViolations > _violations.Count ? $", the first {_violations.Count} listed" : "")}); nothing was imported.");
            if (Rows == 0)
                throw ServiceException.Invalid(ObservationFields.Prefix, "the import contains no observations");
        }

        private NewObservation? Validate(ImportRow row, List<FieldViolation> violations)
        {
            var o = row.Observation;
            string Field(string name) => ObservationFields.Of(row.Index, name);
            string Where() => row.Line is { } line ? $"line {line}: " : "";

            IndicatorRow? indicator = null;
            if (string.IsNullOrWhiteSpace(o.Indicator))
                violations.Add(new(Field("indicator"), Where() + "is required"));
            else if (!indicators.TryGetValue(Indicators.IdOf(o.Indicator), out indicator))
                violations.Add(new(Field("indicator"), $"{Where()}unknown indicator '{o.Indicator}'"));

            DateOnly? date = null;
            var d = o.ReferenceDate;
            if (d is null || (d.Year == 0 && d.Month == 0 && d.Day == 0))
                violations.Add(new(Field("reference_date"), Where() + "is required"));
            else if (d.Year is < 1 or > 9999 || d.Month is < 1 or > 12 || d.Day < 1 || d.Day > DateTime.DaysInMonth(d.Year, d.Month))
                violations.Add(new(Field("reference_date"), $"{Where()}is not a valid calendar date ({d.Year:D4}-{d.Month:D2}-{d.Day:D2})"));
            else
                date = new DateOnly(d.Year, d.Month, d.Day);

            AreaRow? area = null;
            if (string.IsNullOrWhiteSpace(o.Area))
                violations.Add(new(Field("area"), Where() + "is required"));
            else if (date is null)
            {
                // Validity cannot be checked without a date; existence can.
                var id = AreaCatalog.IdOf(o.Area);
                if (areas.Find(id) is null && !areas.WithCode(id).Any())
                    violations.Add(new(Field("area"), $"{Where()}unknown area '{o.Area}'"));
            }
            else
            {
                area = areas.Resolve(o.Area, date, out var problem);
                if (area is null) violations.Add(new(Field("area"), Where() + problem));
            }

            if (!double.IsFinite(o.Value))
                violations.Add(new(Field("value"), Where() + "must be a finite number"));
            else if (indicator is not null)
            {
                if (indicator.Unit == Units.Percent && o.Value is < 0 or > 100)
                    violations.Add(new(Field("value"), $"{Where()}{o.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a share: {Indicators.NameOf(indicator.Id)} is in PERCENT, 0 to 100"));
                else if (indicator.Unit == Units.Persons && o.Value < 0)
                    violations.Add(new(Field("value"), $"{Where()}{o.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)} is negative; {Indicators.NameOf(indicator.Id)} counts PERSONS"));
            }

            var status = o.Status switch
            {
                ObservationStatus.Unspecified or ObservationStatus.Final => "FINAL",
                ObservationStatus.Provisional => "PROVISIONAL",
                ObservationStatus.Estimated => "ESTIMATED",
                _ => null,
            };
            if (status is null) violations.Add(new(Field("status"), $"{Where()}is not a status (FINAL, PROVISIONAL, ESTIMATED)"));

            if (o.Comment.Length > MaxCommentLength)
                violations.Add(new(Field("comment"), $"{Where()}must be at most {MaxCommentLength} characters (got {o.Comment.Length})"));

            if (o.Dimensions.Count > MaxDimensions)
                violations.Add(new(Field("dimensions"), $"{Where()}at most {MaxDimensions} dimensions (got {o.Dimensions.Count})"));
            foreach (var (name, value) in o.Dimensions)
            {
                if (!DimensionKey(name))
                    violations.Add(new(Field($"dimensions[{name}]"), $"{Where()}'{name}' is not a dimension key (lower-case letters, digits and '_', starting with a letter, at most 64)"));
                else if (string.IsNullOrWhiteSpace(value))
                    violations.Add(new(Field($"dimensions[{name}]"), $"{Where()}must not be empty; leave the key out for the total"));
            }
            var dimensions = Dimensions.Encode(o.Dimensions);
            if (dimensions.Length > MaxDimensionsLength)
                violations.Add(new(Field("dimensions"), $"{Where()}are too long together (at most {MaxDimensionsLength} characters as JSON)"));

            if (violations.Count > 0 || indicator is null || area is null || date is null || status is null) return null;

            if (!_series.TryGetValue((indicator.Id, area.Id, dimensions), out var series))
                _series.Add((indicator.Id, area.Id, dimensions), series = (new ImportSeries(indicator.Id, area.Id, dimensions), new SeriesDates()));
            if (series.Dates.Add(date.Value.DayNumber, row.Index) is { } earlier)
            {
                violations.Add(new(Field("reference_date"),
                    $"{Where()}duplicates {ObservationFields.Prefix}[{earlier}]: the same indicator, area, reference_date and dimensions twice in one import"));
                return null;
            }
            return new NewObservation(series.Series, date.Value, o.Value, status, o.Comment.Length == 0 ? null : o.Comment);
        }
    }

    /// <summary>
    /// The reference dates of one series in an import, each with the row that brought it. A series' rows
    /// nearly always come in date order; then a date later than the last one is new and is only appended
    /// (measured: hashing every row's key was the costliest step of the validation). The first date out of
    /// order turns the series' dates into a lookup, which serves that series from then on.
    /// </summary>
    private sealed class SeriesDates
    {
        private readonly List<(int Day, int Index)> _ascending = [];
        private Dictionary<int, int>? _lookup;

        /// <summary>Adds the date; returns the index of the earlier row with the same date, if there is one.</summary>
        public int? Add(int day, int index)
        {
            if (_lookup is null)
            {
                if (_ascending.Count == 0 || day > _ascending[^1].Day)
                {
                    _ascending.Add((day, index));
                    return null;
                }
                _lookup = _ascending.ToDictionary(d => d.Day, d => d.Index);
                _ascending.Clear();
                _ascending.TrimExcess();
            }
            return _lookup.TryAdd(day, index) ? null : _lookup[day];
        }
    }

    private static bool DimensionKey(string key) =>
        key.Length is > 0 and <= 64 && char.IsAsciiLetterLower(key[0]) && key.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
}

/// <summary>Field paths of import violations: "observations[4711].area".</summary>
public static class ObservationFields
{
    public const string Prefix = Csv.ObservationCsv.FieldPrefix;

    public static string Of(int index, string field) => Csv.ObservationCsv.FieldOf(index, field);
}
