using System.Diagnostics;
using System.Runtime.CompilerServices;
using IntegrationServices.Demographics.Csv;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.Demographics.Storage;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Extensions.Options;

namespace IntegrationServices.Demographics.Application;

/// <summary>
/// The one import path of observations (gRPC stream, CSV, demo data). First every row is received and
/// validated, and the valid ones are spooled out of memory, without any lock on the service's tables; only
/// then, when no row was bad, one short transaction moves the spool in as one import batch and stamps it
/// with its record time as its last statement, so the rows become known at the commit that follows. Any
/// bad row → INVALID_ARGUMENT listing every bad field of every bad row; nothing is stored unless the import
/// commits, and cancelling it at any stage stores nothing.
/// </summary>
public sealed class ObservationImport(Database database, CatalogueRepository catalogue, ObservationRepository observations,
    AuditTrail audit, WalCheckpointer checkpointer, ImportMetrics metrics, IOptions<ImportOptions> options, TimeProvider clock)
{
    private readonly ImportLimits _limits = new(options.Value.MaxImportRows, options.Value.ImportIdleTimeout, clock);
    private readonly string _spoolDirectory = options.Value.SpoolDirectory;

    /// <summary>
    /// Begins a transaction for one or more imports; the administrative path (demo data, historical
    /// figures) uses it to import with record times of the past, and several imports as one.
    /// </summary>
    public async Task<ImportTransaction> BeginAsync(CancellationToken ct)
    {
        var connection = await ImportConnection.OpenAsync(database, checkpointer, ct);
        try
        {
            await connection.BeginWriteAsync(ct);
            return new ImportTransaction(connection, this, observations);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Imports the rows as one import, known from its commit on; returns how many were stored.</summary>
    public async Task<long> ImportAsync(IAsyncEnumerable<ImportRow> rows, WriteContext writer, CancellationToken ct)
    {
        try
        {
            await using var connection = await ImportConnection.OpenAsync(database, checkpointer, ct);
            var count = await ImportOnAsync(connection, rows, recordTime: null, writer, ct);
            // The last look at the client before the commit: a client that has gone stores nothing.
            ct.ThrowIfCancellationRequested();
            var committing = Stopwatch.GetTimestamp();
            await connection.CommitAsync(CancellationToken.None);
            metrics.Record(ImportMetrics.Phase.Commit, committing);
            return count;
        }
        catch (Exception e) when (e is not OperationCanceledException && ct.IsCancellationRequested)
        {
            // Whatever the cancellation broke on its way (a reset stream, an interrupted statement): the client went.
            throw new OperationCanceledException("The client cancelled the import; nothing was imported.", e, ct);
        }
    }

    /// <summary>
    /// The CSV path (format: <see cref="ObservationCsv"/>): the same validation and all-or-nothing rule;
    /// what the reader could not parse is reported with the CSV line.
    /// </summary>
    public async Task<long> ImportCsvAsync(TextReader csv, WriteContext writer, CancellationToken ct)
    {
        try
        {
            return await ImportAsync(CsvRows(csv, ct), writer, ct);
        }
        catch (ObservationCsvHeaderException e)
        {
            throw ServiceException.Invalid(e.Violations.Select(v => new FieldViolation(v.Field, v.Description)).ToList(),
                "The CSV header is invalid; nothing was imported.");
        }
        catch (CsvFormatException e)
        {
            throw ServiceException.Invalid("csv", e.Message + "; nothing was imported");
        }
    }

    /// <summary>
    /// One import on <paramref name="connection"/>: receives and validates the rows into a spool, then (in the
    /// connection's write transaction, begun here unless it is open already) stores them as one batch, audited,
    /// whose record time is <paramref name="recordTime"/> (historical data) or the clock's time at the batch's
    /// last statement. Does not commit.
    /// </summary>
    internal async Task<long> ImportOnAsync(ImportConnection connection, IAsyncEnumerable<ImportRow> rows, DateTime? recordTime,
        WriteContext writer, CancellationToken ct)
    {
        var validation = new ObservationValidation(
            await catalogue.LoadAreasAsync(connection.Scope, knownAt: null, ct), await catalogue.LoadIndicatorsAsync(connection.Scope, ct));
        long batch, storing;
        await using (var spool = await observations.OpenSpoolAsync(connection, _spoolDirectory, ct))
        {
            var receiving = Stopwatch.GetTimestamp();
            await ImportPipeline.RunAsync(rows, validation, spool, _limits, ct);
            if (validation.BadRows > 0) throw ServiceException.Invalid(validation.Violations, validation.Summary);
            if (validation.Rows == 0) throw ServiceException.Invalid(ObservationFields.Prefix, "the import contains no observations");
            metrics.Record(ImportMetrics.Phase.Receive, receiving);

            await connection.BeginWriteAsync(ct);
            storing = Stopwatch.GetTimestamp();
            batch = await observations.InsertBatchAsync(connection.Scope, ct);
            await spool.MoveAsync(batch, ct);
        }
        // The record time is taken once the rows are in (and the spool is gone), and stamped by the last
        // statement: no row of the batch carries an instant before the work of its transaction is done.
        var db = connection.Scope;
        var stamp = recordTime ?? clock.GetUtcNow().UtcDateTime;
        await audit.AppendAsync(db, writer, DemographicsNames.Observations, AuditChange.Of("imported")
            .Set("imported_count", validation.Rows)
            .Set("record_time", stamp)
            .Set("reference_dates", validation.ReferenceDates.Select(d => d.Iso()).ToList())
            .Set("indicators", validation.IndicatorIds.Select(DemographicsNames.Indicators.Format).ToList()), ct);
        await observations.StampBatchAsync(db, batch, stamp, ct);
        metrics.Record(ImportMetrics.Phase.Store, storing);
        return validation.Rows;
    }

    private static async IAsyncEnumerable<ImportRow> CsvRows(TextReader csv, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var row in ObservationCsv.ReadAsync(csv, ct)) yield return ImportRow.Of(row);
    }
}
