using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Demographics.Storage;

/// <summary>
/// The import batch: one row per import, whose rows name it. Added with no record time at the start of the
/// import's write transaction; <see cref="Stamp"/> is the transaction's last statement.
/// </summary>
[SqlStatements]
public sealed class ImportBatchSql(SqlDialect dialect)
{
    public string Insert => $"INSERT INTO import_batches (record_time) {dialect.OutputId} VALUES (NULL) {dialect.ReturningId}";

    public string Stamp => "UPDATE import_batches SET record_time = @RecordTime WHERE id = @Id";
}
