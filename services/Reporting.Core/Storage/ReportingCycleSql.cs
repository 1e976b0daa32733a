using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Storage;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;

namespace IntegrationServices.Reporting.Core.Storage;

/// <summary>Every statement of the reporting cycle repository, valid on SQLite and SQL Server.</summary>
[SqlStatements]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static",
    Justification = "Every statement is read through the dialect's instance, also those that read the same on both dialects.")]
public sealed class ReportingCycleSql(SqlDialect dialect)
{
    /// <summary>ListReportingCycles: <c>state</c> (= and != only) and <c>reporting_date</c> (YYYY-MM-DD).</summary>
    public static readonly FilterSpec Filters = new(new Dictionary<string, FilterField>
    {
        ["state"] = new("state", v => ProtoEnum<State>.Name(ProtoEnum<State>.Parse(v)), OrderedOperators: false),
        ["reporting_date"] = new("reporting_date", v => DateOnly.TryParseExact(v, "yyyy-MM-dd", out var d)
            ? d : throw new FormatException($"'{v}' is not a date (YYYY-MM-DD)")),
    });

    public string Count => "SELECT COUNT(*) FROM reporting_cycles";

    public string Select => $"SELECT {CycleColumnList.Columns} FROM reporting_cycles WHERE id = @Id";

    /// <summary>Reads the cycle and holds an update lock on it until the transaction ends.</summary>
    public string SelectForUpdate => $"SELECT {CycleColumnList.Columns} FROM reporting_cycles {dialect.UpdateLock} WHERE id = @Id";

    public string SelectConsultations => """
        SELECT position AS Position, organization AS Organization, role AS Role, authoritative AS Authoritative,
               meeting_date AS MeetingDate, is_public AS IsPublic, result AS Result, postponed AS Postponed
        FROM consultations
        WHERE cycle_id = @CycleId
        ORDER BY position
        """;

    /// <summary>Another live (not cancelled) cycle with the same reference date and scope.</summary>
    public string FindSameReference => """
        SELECT id FROM reporting_cycles
        WHERE reference_date = @ReferenceDate AND scope_hash = @ScopeHash AND state <> 'CANCELLED' AND id <> @Id
        """;

    public string Insert => """
        INSERT INTO reporting_cycles (id, title, description, reference_date, reporting_date, scope, scope_hash,
            paper_reference, paper_type, paper_title, paper_under_direction_of, paper_date, state, snapshot_name,
            version, create_time, update_time)
        VALUES (@Id, @Title, @Description, @ReferenceDate, @ReportingDate, @Scope, @ScopeHash,
            @PaperReference, @PaperType, @PaperTitle, @PaperUnderDirectionOf, @PaperDate, @State, @SnapshotName,
            @Version, @CreateTime, @UpdateTime)
        """;

    /// <summary>Optimistic: writes only over the version that was read (0 rows → someone else won).</summary>
    public string Update => """
        UPDATE reporting_cycles
        SET title = @Title, description = @Description, reference_date = @ReferenceDate, reporting_date = @ReportingDate,
            scope = @Scope, scope_hash = @ScopeHash, paper_reference = @PaperReference, paper_type = @PaperType,
            paper_title = @PaperTitle, paper_under_direction_of = @PaperUnderDirectionOf, paper_date = @PaperDate,
            state = @State, snapshot_name = @SnapshotName, version = @Version, update_time = @UpdateTime
        WHERE id = @Id AND version = @ExpectedVersion
        """;

    public string DeleteConsultations => "DELETE FROM consultations WHERE cycle_id = @CycleId";

    public string InsertConsultation => """
        INSERT INTO consultations (cycle_id, position, organization, role, authoritative, meeting_date, is_public, result, postponed)
        VALUES (@CycleId, @Position, @Organization, @Role, @Authoritative, @MeetingDate, @IsPublic, @Result, @Postponed)
        """;

    /// <summary>Cycles whose council paper may be public on @Today (see OParlPublication, which decides): reference set, dated before today, not cancelled.</summary>
    public string Published => $"""
        SELECT {CycleColumnList.Columns}
        FROM reporting_cycles
        WHERE paper_reference IS NOT NULL AND paper_date < @Today AND state <> 'CANCELLED'
        ORDER BY id
        """;

    /// <summary>Keyset page ordered by (reporting_date, id), with the conditions of <see cref="Filters"/>.</summary>
    public string Page(SqlFilter filter) => $"""
        SELECT {CycleColumnList.Columns}
        FROM reporting_cycles
        WHERE (reporting_date > @AfterDate OR (reporting_date = @AfterDate AND id > @AfterId)){filter.Sql}
        ORDER BY reporting_date, id
        {dialect.Limit("@Limit")}
        """;
}

/// <summary>The select list of a cycle row (a fragment, not a statement: kept out of the [SqlStatements] class).</summary>
internal static class CycleColumnList
{
    public const string Columns = """
        id AS Id, title AS Title, description AS Description, reference_date AS ReferenceDate,
        reporting_date AS ReportingDate, scope AS Scope, paper_reference AS PaperReference, paper_type AS PaperType,
        paper_title AS PaperTitle, paper_under_direction_of AS PaperUnderDirectionOf, paper_date AS PaperDate,
        state AS State, snapshot_name AS SnapshotName, version AS Version, create_time AS CreateTime, update_time AS UpdateTime
        """;
}
