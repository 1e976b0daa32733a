using Grpc.Core;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.Reporting.Core.Domain.OParl;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;

namespace IntegrationServices.Reporting.Api;

/// <summary>integration.reporting.v1.ReportingCyclesService: validate, call the cycle application, map.</summary>
public sealed class ReportingCyclesService(CycleApplication cycles, AuditTrail audit)
    : Contracts.Reporting.V1.ReportingCyclesService.ReportingCyclesServiceBase
{
    /// <summary>Roles that see results of non-public consultations.</summary>
    public static readonly string[] NonPublicReaders = [Roles.Coordinator, Roles.Admin, Roles.Worker];

    [Authorize(Policy = Policies.Coordinate)]
    public override async Task<ReportingCycle> CreateReportingCycle(CreateReportingCycleRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var requestId = v.Try(() => RequestIds.Normalize(request.RequestId));
        var id = ResourceIds.Choose(request.ReportingCycleId, "reporting_cycle_id", v);
        var draft = request.ReportingCycle is null ? null : CycleInput.Draft(request.ReportingCycle, "reporting_cycle", v);
        v.Require(draft is not null, "reporting_cycle", "is required").ThrowIfInvalid();
        var cycle = await cycles.CreateAsync(id, draft!, WriteContext.Of(context), requestId, request, context.CancellationToken);
        return cycle.ToProto(revealNonPublicResults: true);
    }

    [Authorize(Policy = Policies.Read)]
    public override async Task<ReportingCycle> GetReportingCycle(GetReportingCycleRequest request, ServerCallContext context) =>
        (await cycles.GetAsync(ReportingNames.Cycles.Require(request.Name, "name"), context.CancellationToken)).ToProto(Reveal(context));

    [Authorize(Policy = Policies.Read)]
    public override async Task<ListReportingCyclesResponse> ListReportingCycles(ListReportingCyclesRequest request, ServerCallContext context)
    {
        var page = await cycles.ListAsync(request.PageSize, request.PageToken, request.Filter, context.CancellationToken);
        var reveal = Reveal(context);
        var response = new ListReportingCyclesResponse { NextPageToken = page.NextPageToken };
        response.ReportingCycles.AddRange(page.Rows.Select(c => c.ToProto(reveal)));
        return response;
    }

    [Authorize(Policy = Policies.Coordinate)]
    public override async Task<ReportingCycle> UpdateReportingCycle(UpdateReportingCycleRequest request, ServerCallContext context)
    {
        var input = request.ReportingCycle ?? throw ServiceDefaults.Errors.ServiceException.Invalid("reporting_cycle", "is required");
        var id = ReportingNames.Cycles.Require(input.Name, "reporting_cycle.name");
        var mask = FieldMasks.Resolve(request.UpdateMask, input, CycleInput.Updatable);
        var v = new Validator();
        var values = CycleInput.Values(input, mask, "reporting_cycle", v);
        v.ThrowIfInvalid();
        var updated = await cycles.UpdateAsync(id, input.Etag, mask, values, WriteContext.Of(context), context.CancellationToken);
        return updated.ToProto(revealNonPublicResults: true);
    }

    [Authorize(Policy = Policies.Coordinate)]
    public override async Task<ReportingCycle> CancelReportingCycle(CancelReportingCycleRequest request, ServerCallContext context)
    {
        var id = ReportingNames.Cycles.Require(request.Name, "name");
        var cancelled = await cycles.CancelAsync(id, request.Etag, WriteContext.Of(context), context.CancellationToken);
        return cancelled.ToProto(revealNonPublicResults: true);
    }

    [Authorize(Policy = Policies.Coordinate)]
    public override async Task<ReportingCycle> RecordConsultationResult(RecordConsultationResultRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var id = v.Name(ReportingNames.Cycles, request.Name, "name");
        v.Require(request.Order > 0, "order", "must be the positive order of a consultation of the cycle")
            .FreeText(request.Result, "result", 1000, required: !request.Postponed);
        var next = v.Date(request.NextMeetingDate, "next_meeting_date");
        v.Require(request.Postponed || next is null, "next_meeting_date", "is only used with postponed = true").ThrowIfInvalid();
        var updated = await cycles.RecordResultAsync(id!, request.Etag, request.Order, request.Result, request.Postponed, next,
            WriteContext.Of(context), context.CancellationToken);
        return updated.ToProto(revealNonPublicResults: true);
    }

    [Authorize(Policy = Policies.Coordinate)]
    public override async Task<PlanRecurringCyclesResponse> PlanRecurringCycles(PlanRecurringCyclesRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var recurrence = CycleInput.Recurrence(request.Rule, request.Count, v);
        var scope = CycleInput.Scope(request.Scope, "scope", v);
        var prefix = request.CycleIdPrefix ?? "";
        v.Require(prefix.Length <= 50 && (prefix.Length == 0 || ResourceIds.IsValid(prefix + "2000")), "cycle_id_prefix",
            "must be at most 50 lower-case letters, digits, '-' and '_', starting with a letter or digit (e.g. \"idk-\")").ThrowIfInvalid();
        var (planned, created) = await cycles.PlanAsync(recurrence!, request.Count, prefix, scope, WriteContext.Of(context), context.CancellationToken);
        var response = new PlanRecurringCyclesResponse { CreatedCount = created };
        response.ReportingCycles.AddRange(planned.Select(c => c.ToProto(revealNonPublicResults: true)));
        return response;
    }

    [Authorize(Policy = Policies.Read)]
    public override async Task<ExportOParlResponse> ExportOParl(ExportOParlRequest request, ServerCallContext context) =>
        (await cycles.ExportOParlAsync(ReportingNames.Cycles.Require(request.Name, "name"), context.CancellationToken)).ToProto();

    [Authorize(Policy = Policies.Coordinate)]
    public override async Task<ReportingCycle> ImportOParlPaper(ImportOParlPaperRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var requestId = v.Try(() => RequestIds.Normalize(request.RequestId));
        var id = ResourceIds.Choose(request.CycleId, "cycle_id", v);
        var imported = OParlImporter.Read(request.PaperJson, request.MeetingsJson, request.OrganizationsJson, v);
        var reference = v.Date(request.ReferenceDate, "reference_date", required: true, requiredHint: "the Stichtag of the cycle");
        var reporting = v.Date(request.ReportingDate, "reporting_date", required: true, requiredHint: "the date the snapshot is due");
        if (CycleRules.DatesConflict(reference, reporting) is { } conflict) v.Add("reporting_date", conflict);
        v.Text(request.Title, "title", 400, required: false);
        var scope = CycleInput.Scope(request.Scope, "scope", v);
        v.ThrowIfInvalid();
        var title = string.IsNullOrWhiteSpace(request.Title) ? imported.PaperName : request.Title.Trim();
        var draft = new CycleDraft
        {
            Title = title.Length > 400 ? title[..400] : title,
            ReferenceDate = reference,
            ReportingDate = reporting,
            Scope = scope,
            Paper = Paper.OrNone(imported.Paper),
            // Historical data: results from the Meetings' agenda items come in although the cycle is PLANNED.
            Consultations = imported.Consultations,
        };
        var cycle = await cycles.CreateAsync(id, draft, WriteContext.Of(context), requestId, request, context.CancellationToken);
        return cycle.ToProto(revealNonPublicResults: true);
    }

    [Authorize(Policy = Policies.Admin)]
    public override Task<ListAuditRecordsResponse> ListAuditRecords(ListAuditRecordsRequest request, ServerCallContext context) =>
        audit.ListAsync(request, context.CancellationToken);

    private static bool Reveal(ServerCallContext context) => Caller.From(context).HasAnyRole(NonPublicReaders);
}
