using System.Runtime.CompilerServices;
using IntegrationServices.Demographics.Csv;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.Demographics.Storage;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Demographics.Application;

/// <summary>
/// The one import path of observations (gRPC stream, CSV, demo data): every row validated, the valid ones
/// written through the dialect's bulk path while the rows stream in, inside one transaction that commits
/// only when no row was bad. Any bad row → INVALID_ARGUMENT listing every bad field of every bad row, and
/// nothing is stored.
/// </summary>
public sealed class ObservationImport(Database database, CatalogueRepository catalogue, ObservationRepository observations,
    AuditTrail audit, WalCheckpointer checkpointer, TimeProvider clock)
{
    /// <summary>
    /// Begins a transaction for one or more imports; the administrative path (demo data, historical
    /// figures) uses it to import with record times of the past, and several imports as one.
    /// </summary>
    public async Task<ImportTransaction> BeginAsync(CancellationToken ct, [CallerMemberName] string operation = "") =>
        new(await BulkTransaction.BeginAsync(database, checkpointer, ct, operation), catalogue, observations, audit);

    /// <summary>Imports the rows as one import stamped with the server clock; returns how many were stored.</summary>
    public async Task<long> ImportAsync(IAsyncEnumerable<ImportRow> rows, WriteContext writer, CancellationToken ct)
    {
        await using var import = await BeginAsync(ct);
        var count = await import.ImportAsync(rows, clock.GetUtcNow().UtcDateTime, writer, ct);
        await import.CommitAsync(ct);
        return count;
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

    private static async IAsyncEnumerable<ImportRow> CsvRows(TextReader csv, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var row in ObservationCsv.ReadAsync(csv, ct))
            yield return new ImportRow(row.Index, row.Observation,
                row.Violations.Count == 0 ? null : row.Violations.Select(v => new FieldViolation(v.Field, v.Description)).ToList(), row.Line);
    }
}
