using Grpc.Core;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.OParl;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;

namespace IntegrationServices.Reporting.Cycles;

/// <summary>integration.reporting.v1.ReportingCyclesService: validate, call the repository, map.</summary>
public sealed class ReportingCyclesService(ReportingCycleRepository repository, OParlExporter exporter, AuditTrail audit)
    : Contracts.Reporting.V1.ReportingCyclesService.ReportingCyclesServiceBase
{
    /// <summary>Roles that see results of non-public consultations (issue 7).</summary>
    public static readonly string[] NonPublicReaders = [Roles.Coordinator, Roles.Admin, Roles.Worker];

    [Authorize(Policy = Policies.Coordinate)]
    public override async Task<ReportingCycle> CreateReportingCycle(CreateReportingCycleRequest request, ServerCallContext context)
    {
        var requestId = RequestIds.Normalize(request.RequestId);
        var id = NewId(request.ReportingCycleId, "reporting_cycle_id");
        if (request.ReportingCycle is null) throw ServiceException.Invalid("reporting_cycle", "is required");
        var cycle = CycleRules.New(request.ReportingCycle, id, repository.Now);
        var name = await repository.CreateAsync(cycle, Writer(context), requestId, request, context.CancellationToken);
        return await GetOrThrow(name, context, reveal: true);
    }

    [Authorize(Policy = Policies.Read)]
    public override Task<ReportingCycle> GetReportingCycle(GetReportingCycleRequest request, ServerCallContext context) =>
        GetOrThrow(request.Name, context, Reveal(context));

    [Authorize(Policy = Policies.Read)]
    public override async Task<ListReportingCyclesResponse> ListReportingCycles(ListReportingCyclesRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize);
        var terms = Filter.Parse(request.Filter, ReportingCycleRepository.FilterFields);
        var selection = Paging.Selection("reportingCycles", request.Filter);
        var after = Paging.Decode<PageKey>(request.PageToken, selection);
        var afterDate = after?.Date ?? DateOnly.MinValue;
        var cycles = await repository.ListAsync(terms, afterDate, after?.Id ?? "", pageSize + 1, context.CancellationToken);
        var reveal = Reveal(context);
        var response = new ListReportingCyclesResponse();
        response.ReportingCycles.AddRange(cycles.Take(pageSize).Select(c => c.ToProto(reveal)));
        if (cycles.Count > pageSize)
        {
            var last = cycles[pageSize - 1];
            response.NextPageToken = Paging.Encode(new PageKey(last.ReportingDate, last.Id), selection);
        }
        return response;
    }

    [Authorize(Policy = Policies.Coordinate)]
    public override async Task<ReportingCycle> UpdateReportingCycle(UpdateReportingCycleRequest request, ServerCallContext context)
    {
        var input = request.ReportingCycle ?? throw ServiceException.Invalid("reporting_cycle", "is required");
        var id = CycleNames.ParseId(input.Name, "reporting_cycle.name");
        var paths = request.UpdateMask?.Paths.ToList() ?? [];
        if (paths.Count == 0) paths = PopulatedPaths(input);
        if (paths.Count == 0) throw ServiceException.Invalid("update_mask", $"names no field; list the fields to change, e.g. \"title\" ({string.Join(", ", CycleRules.UpdatablePaths)})");
        var now = repository.Now;
        var updated = await repository.ModifyAsync(id, input.Etag, Writer(context), current =>
        {
            var (cycle, change) = CycleRules.Update(current, input, paths, now);
            return (cycle, new { update_mask = paths, fields = change });
        }, context.CancellationToken);
        return updated.ToProto(revealNonPublicResults: true);
    }

    [Authorize(Policy = Policies.Coordinate)]
    public override async Task<ReportingCycle> CancelReportingCycle(CancelReportingCycleRequest request, ServerCallContext context)
    {
        var id = CycleNames.ParseId(request.Name);
        var now = repository.Now;
        var updated = await repository.ModifyAsync(id, request.Etag, Writer(context), current =>
            (CycleRules.Cancel(current, now), new { state = new { old = EnumText.Of(current.State), @new = "CANCELLED" } }),
            context.CancellationToken);
        return updated.ToProto(revealNonPublicResults: true);
    }

    [Authorize(Policy = Policies.Coordinate)]
    public override async Task<ReportingCycle> RecordConsultationResult(RecordConsultationResultRequest request, ServerCallContext context)
    {
        var id = CycleNames.ParseId(request.Name);
        var v = new Validator();
        var next = CycleRules.Date(request.NextMeetingDate, "next_meeting_date", v);
        v.ThrowIfInvalid();
        var now = repository.Now;
        var updated = await repository.ModifyAsync(id, request.Etag, Writer(context), current =>
            CycleRules.RecordResult(current, request.Order, request.Result, request.Postponed, next, now), context.CancellationToken);
        return updated.ToProto(revealNonPublicResults: true);
    }

    [Authorize(Policy = Policies.Coordinate)]
    public override async Task<PlanRecurringCyclesResponse> PlanRecurringCycles(PlanRecurringCyclesRequest request, ServerCallContext context)
    {
        var (cycles, created) = await PlanAsync(repository, request, Writer(context), context.CancellationToken);
        var response = new PlanRecurringCyclesResponse { CreatedCount = created };
        response.ReportingCycles.AddRange(cycles.Select(c => c.ToProto(revealNonPublicResults: true)));
        return response;
    }

    /// <summary>The planning of PlanRecurringCycles, shared with the demo data seeder.</summary>
    public static async Task<(IReadOnlyList<Cycle> Cycles, int Created)> PlanAsync(ReportingCycleRepository repository,
        PlanRecurringCyclesRequest request, WriteContext writer, CancellationToken ct)
    {
        var recurrence = Recurrence.Validate(request.Rule, request.Count);
        var v = new Validator();
        var scope = CycleRules.Scope(request.Scope, "scope", v);
        var prefix = request.CycleIdPrefix ?? "";
        if (prefix.Length > 50 || (prefix.Length > 0 && !CycleNames.IsValidId(prefix + "2000")))
            v.Add("cycle_id_prefix", "must be at most 50 lower-case letters, digits and '-', starting with a letter or digit (e.g. \"idk-\")");
        v.ThrowIfInvalid();
        var now = repository.Now;
        var wanted = recurrence.Dates(request.Count, prefix).Select(d => new Cycle
        {
            Id = d.Id,
            Title = d.Title,
            ReferenceDate = d.ReferenceDate,
            ReportingDate = d.ReportingDate,
            Scope = scope,
            Version = 1,
            CreateTime = now,
            UpdateTime = now,
        }).ToList();
        return await repository.PlanAsync(wanted, writer, ct);
    }

    [Authorize(Policy = Policies.Read)]
    public override async Task<ExportOParlResponse> ExportOParl(ExportOParlRequest request, ServerCallContext context)
    {
        var id = CycleNames.ParseId(request.Name);
        var cycle = await repository.GetAsync(id, context.CancellationToken) ?? throw ServiceException.NotFound(CycleNames.Format(id));
        return exporter.Export(cycle);
    }

    [Authorize(Policy = Policies.Coordinate)]
    public override async Task<ReportingCycle> ImportOParlPaper(ImportOParlPaperRequest request, ServerCallContext context)
    {
        var requestId = RequestIds.Normalize(request.RequestId);
        var id = NewId(request.CycleId, "cycle_id");
        var v = new Validator();
        var imported = OParlImporter.Read(request, v);
        var reference = CycleRules.Date(request.ReferenceDate, "reference_date", v);
        var reporting = CycleRules.Date(request.ReportingDate, "reporting_date", v);
        if (request.ReferenceDate is null) v.Add("reference_date", "is required (the Stichtag of the cycle)");
        if (request.ReportingDate is null) v.Add("reporting_date", "is required (the date the snapshot is due)");
        CycleRules.CheckDates(reference, reporting, "", v);
        v.Text(request.Title, "title", 400, required: false);
        var scope = CycleRules.Scope(request.Scope, "scope", v);
        v.ThrowIfInvalid();
        var now = repository.Now;
        var title = string.IsNullOrWhiteSpace(request.Title) ? imported.PaperName : request.Title.Trim();
        var cycle = new Cycle
        {
            Id = id,
            Title = title.Length > 400 ? title[..400] : title,
            Description = "",
            ReferenceDate = reference!.Value,
            ReportingDate = reporting!.Value,
            Scope = scope,
            Paper = imported.Paper,
            // Historical data: results from the Meetings' agenda items come in although the cycle is PLANNED.
            Consultations = imported.Consultations,
            Version = 1,
            CreateTime = now,
            UpdateTime = now,
        };
        var name = await repository.CreateAsync(cycle, Writer(context), requestId, request, context.CancellationToken);
        return await GetOrThrow(name, context, reveal: true);
    }

    [Authorize(Policy = Policies.Admin)]
    public override Task<ListAuditRecordsResponse> ListAuditRecords(ListAuditRecordsRequest request, ServerCallContext context) =>
        audit.ListAsync(request, context.CancellationToken);

    // ---- helpers ------------------------------------------------------------------------------

    private sealed record PageKey(DateOnly Date, string Id);

    private static WriteContext Writer(ServerCallContext context) => WriteContext.Of(context);

    private static bool Reveal(ServerCallContext context) => Caller.From(context).HasAnyRole(NonPublicReaders);

    private async Task<ReportingCycle> GetOrThrow(string name, ServerCallContext context, bool reveal)
    {
        var id = CycleNames.ParseId(name);
        var cycle = await repository.GetAsync(id, context.CancellationToken) ?? throw ServiceException.NotFound(CycleNames.Format(id));
        return cycle.ToProto(reveal);
    }

    private static string NewId(string? requested, string field)
    {
        if (string.IsNullOrEmpty(requested)) return Guid.NewGuid().ToString("N")[..12];
        if (!CycleNames.IsValidId(requested)) throw ServiceException.Invalid(field, $"'{requested}' {CycleNames.IdRule}");
        return requested;
    }

    /// <summary>Without an update mask: every updatable field the request sets (AIP-134).</summary>
    private static List<string> PopulatedPaths(ReportingCycle input)
    {
        var paths = new List<string>();
        if (!string.IsNullOrEmpty(input.Title)) paths.Add("title");
        if (!string.IsNullOrEmpty(input.Description)) paths.Add("description");
        if (input.ReferenceDate is not null) paths.Add("reference_date");
        if (input.ReportingDate is not null) paths.Add("reporting_date");
        if (input.Scope.Count > 0) paths.Add("scope");
        if (input.Paper is not null) paths.Add("paper");
        if (input.Consultations.Count > 0) paths.Add("consultations");
        return paths;
    }
}
