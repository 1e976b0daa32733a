using IMessage = Google.Protobuf.IMessage;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.Reporting.Core.Domain.OParl;
using IntegrationServices.Reporting.Core.Storage;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Storage;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;

namespace IntegrationServices.Reporting.Core.Application;

/// <summary>
/// The reporting cycles: every read and write in its own unit of work, every write with its audit
/// record in the same transaction, creates idempotent per request id. Applies <see cref="CycleRules"/>
/// to the stored cycle and answers what they refuse as API errors.
/// </summary>
public sealed class CycleApplication(
    Database database, ReportingCycleRepository cycles, AuditTrail audit, RequestIds requestIds, OParlExporter oparl, TimeProvider clock)
{
    internal DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<Cycle> GetAsync(string id, CancellationToken ct) =>
        await database.ReadAsync(db => cycles.GetAsync(db, id, forUpdate: false, ct), ct) ?? throw ReportingNames.Cycles.NotFound(id);

    /// <summary>ListReportingCycles: in (reporting date, id) order, filtered by <c>state</c> and <c>reporting_date</c>.</summary>
    public Task<Page<Cycle>> ListAsync(int pageSize, string? pageToken, string? filter, CancellationToken ct)
    {
        var sqlFilter = ReportingCycleSql.Filters.Parse(filter);
        return Paging.Page<Cycle, CycleKey>(pageSize, pageToken, Paging.Selection("reportingCycles", filter), clock,
            cursor => database.ReadAsync(db => cycles.PageAsync(db, sqlFilter, cursor, ct), ct),
            cycle => new CycleKey(cycle.ReportingDate, cycle.Id));
    }

    /// <summary>
    /// Creates a PLANNED cycle from <paramref name="draft"/> (idempotent per request id). Consultation
    /// results come only with historical data (ImportOParlPaper); the public create never has any.
    /// </summary>
    public async Task<Cycle> CreateAsync(string id, CycleDraft draft, WriteContext writer, string? requestId, IMessage request, CancellationToken ct)
    {
        var name = await requestIds.CreateOnceAsync(writer, requestId, request, async db =>
        {
            var cycle = CycleRules.New(id, draft, Now);
            await InsertAsync(db, cycle, writer, ct);
            return cycle.Name;
        }, ct);
        return await GetAsync(ReportingNames.Cycles.Parse(name), ct);
    }

    public Task<Cycle> UpdateAsync(string id, string? etag, IReadOnlyList<string> mask, CycleDraft values, WriteContext writer, CancellationToken ct) =>
        ModifyAsync(id, etag, writer, "reporting_cycle.", current =>
        {
            var updated = CycleRules.Update(current, mask, values, Now);
            return (updated, CycleAudit.Updated(mask, current, updated));
        }, ct);

    public Task<Cycle> CancelAsync(string id, string? etag, WriteContext writer, CancellationToken ct) =>
        ModifyAsync(id, etag, writer, "", current =>
        {
            var updated = CycleRules.Cancel(current, Now);
            return (updated, CycleAudit.Cancelled(current, updated));
        }, ct);

    public Task<Cycle> RecordResultAsync(string id, string? etag, int order, string? result, bool postponed, DateOnly? nextMeetingDate,
        WriteContext writer, CancellationToken ct) =>
        ModifyAsync(id, etag, writer, "", current =>
        {
            var recorded = CycleRules.RecordResult(current, order, result, postponed, nextMeetingDate, Now);
            return (recorded.Updated, CycleAudit.ResultRecorded(current, recorded, nextMeetingDate));
        }, ct);

    /// <summary>
    /// PlanRecurringCycles: creates each of the first <paramref name="count"/> cycles of the rule that exists
    /// neither by id nor by (reference date, scope); returns every one of them as stored afterwards, and how
    /// many were new.
    /// </summary>
    public async Task<(IReadOnlyList<Cycle> Cycles, int Created)> PlanAsync(Recurrence recurrence, int count, string prefix,
        IReadOnlyList<string> scope, WriteContext writer, CancellationToken ct)
    {
        var wanted = recurrence.Plan(count, prefix, scope, Now);
        try
        {
            return await database.WriteAsync(db => PlanAsync(db, wanted, writer, ct), ct);
        }
        catch (ServiceException e) when (e.Reason is "RESOURCE_ALREADY_EXISTS" or "DUPLICATE_REFERENCE_DATE")
        {
            // A concurrent planner created some of them first: once more, the existing ones are found and returned.
            return await database.WriteAsync(db => PlanAsync(db, wanted, writer, ct), ct);
        }
    }

    /// <summary>Creates those of <paramref name="wanted"/> that do not exist yet, in the caller's transaction.</summary>
    internal async Task<(IReadOnlyList<Cycle> Cycles, int Created)> PlanAsync(DbScope db, IReadOnlyList<Cycle> wanted, WriteContext writer, CancellationToken ct)
    {
        var result = new List<Cycle>();
        var created = 0;
        foreach (var cycle in wanted)
        {
            var existing = await cycles.GetAsync(db, cycle.Id, forUpdate: true, ct);
            if (existing is null && await cycles.FindSameReferenceAsync(db, cycle, ct) is { } sameReference)
                existing = await cycles.GetAsync(db, sameReference, forUpdate: false, ct);
            if (existing is not null)
            {
                result.Add(existing);
                continue;
            }
            await InsertAsync(db, cycle, writer, ct);
            result.Add(cycle);
            created++;
        }
        return (result, created);
    }

    /// <summary>ExportOParl: the cycle's paper with its Beratungsfolge (never a non-public result).</summary>
    public async Task<OParlExport> ExportOParlAsync(string id, CancellationToken ct)
    {
        var cycle = await GetAsync(id, ct);
        if (!OParlExporter.CanExport(cycle))
            throw ServiceException.FailedPrecondition("NO_PAPER",
                $"{cycle.Name} has no council paper reference to export; set it with UpdateReportingCycle (update_mask \"paper\") first.");
        return oparl.Export(cycle);
    }

    /// <summary>Inserts a new cycle with its audit record, unless its id or its (reference date, scope) is taken.</summary>
    internal async Task InsertAsync(DbScope db, Cycle cycle, WriteContext writer, CancellationToken ct)
    {
        if (await cycles.GetAsync(db, cycle.Id, forUpdate: false, ct) is not null)
            throw ServiceException.AlreadyExists(cycle.Name, $"{cycle.Name} already exists; choose another reporting_cycle_id or leave it empty.");
        await EnsureUniqueReferenceAsync(db, cycle, ct);
        try
        {
            await cycles.InsertAsync(db, cycle, ct);
        }
        catch (Exception e) when (database.Dialect.IsUniqueViolation(e))
        {
            throw ServiceException.AlreadyExists(cycle.Name,
                $"{cycle.Name} or another cycle with reference date {cycle.ReferenceDate.Iso()} and the same scope was created at the same time; read it and retry if needed.");
        }
        await audit.AppendAsync(db, writer, cycle.Name, CycleAudit.Created(cycle), ct);
    }

    /// <summary>
    /// Load – check etag – apply – save, in one transaction with the audit record. What the rules
    /// refuse becomes FAILED_PRECONDITION, or INVALID_ARGUMENT on <paramref name="fieldPrefix"/> + the field.
    /// </summary>
    private async Task<Cycle> ModifyAsync(string id, string? etag, WriteContext writer, string fieldPrefix,
        Func<Cycle, (Cycle Updated, AuditChange Change)> apply, CancellationToken ct)
    {
        try
        {
            return await database.WriteAsync(async db =>
            {
                var current = await cycles.GetAsync(db, id, forUpdate: true, ct) ?? throw ReportingNames.Cycles.NotFound(id);
                if (!string.IsNullOrEmpty(etag) && etag != current.Etag) throw ServiceException.StaleEtag(current.Name);
                var (updated, change) = Apply(() => apply(current), fieldPrefix);
                if (updated.State != State.Cancelled && (updated.ReferenceDate != current.ReferenceDate || !updated.Scope.SequenceEqual(current.Scope)))
                    await EnsureUniqueReferenceAsync(db, updated, ct);
                if (!await cycles.UpdateAsync(db, updated, current, ct)) throw ServiceException.StaleEtag(current.Name);
                await audit.AppendAsync(db, writer, updated.Name, change, ct);
                return updated;
            }, ct);
        }
        catch (Exception e) when (database.Dialect.IsUniqueViolation(e))
        {
            throw DuplicateReference(null);
        }
    }

    private static T Apply<T>(Func<T> rule, string fieldPrefix)
    {
        try { return rule(); }
        catch (CycleRuleViolationException v)
        {
            throw v.Field is null ? ServiceException.FailedPrecondition(v.Reason, v.Message) : ServiceException.Invalid(fieldPrefix + v.Field, v.Message);
        }
    }

    private async Task EnsureUniqueReferenceAsync(DbScope db, Cycle cycle, CancellationToken ct)
    {
        if (await cycles.FindSameReferenceAsync(db, cycle, ct) is { } other) throw DuplicateReference(other, cycle);
    }

    private static ServiceException DuplicateReference(string? otherId, Cycle? cycle = null) =>
        ServiceException.FailedPrecondition("DUPLICATE_REFERENCE_DATE",
            otherId is null
                ? "Another cycle with the same reference date and scope exists; use it, cancel it while it is PLANNED, or choose another reference date or scope."
                : $"{ReportingNames.Cycles.Format(otherId)} already reports on {cycle!.ReferenceDate.Iso()} with the same scope; use that cycle, cancel it while it is PLANNED, or choose another reference date or scope.");
}
