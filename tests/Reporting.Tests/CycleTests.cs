using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.ServiceDefaults.Security;
using Role = IntegrationServices.Contracts.Reporting.V1.Consultation.Types.Role;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;
using static IntegrationServices.Reporting.Tests.ReportingHost;
using static IntegrationServices.Testing.Dates;

namespace IntegrationServices.Reporting.Tests;

public sealed class CycleTests(ReportingHost fixture) : IClassFixture<ReportingHost>
{
    private static readonly int[] ConsultationOrders = [1, 2];
    private static readonly string[] IdkScope = ["actionConcepts/idk"];

    private readonly ReportingCyclesService.ReportingCyclesServiceClient _coordinator = fixture.Client(Roles.Coordinator);

    private static System.Text.Json.JsonElement Change(AuditRecord record) => System.Text.Json.JsonDocument.Parse(record.Change).RootElement;

    private async Task<ReportingCycle> CreateAsync(int consultations = 2, string? id = null)
    {
        var request = new CreateReportingCycleRequest { ReportingCycle = Cycles.Cycle(fixture.NextReferenceDate(), consultations) };
        if (id is not null) request.ReportingCycleId = id;
        return await _coordinator.CreateReportingCycleAsync(request);
    }

    [Fact]
    public async Task Create_with_chosen_id_then_get()
    {
        var created = await CreateAsync(id: "c-create");
        Assert.Equal("reportingCycles/c-create", created.Name);
        Assert.Equal(State.Planned, created.State);
        Assert.Equal("30-00001", created.Paper.Reference);
        Assert.Equal(2, created.Consultations.Count);
        Assert.Equal(ConsultationOrders, created.Consultations.Select(c => c.Order));
        Assert.NotEmpty(created.Etag);
        Assert.Equal(fixture.Host.Clock.GetUtcNow().UtcDateTime, created.CreateTime.ToDateTime());

        var got = await fixture.Client(Roles.Reader).GetReportingCycleAsync(new GetReportingCycleRequest { Name = created.Name });
        Assert.Equal(created.Title, got.Title);
        Assert.Equal(created.ReferenceDate, got.ReferenceDate);
        // knowledge cut-off: end of the reporting date in Berlin
        var reporting = new DateOnly(got.ReportingDate.Year, got.ReportingDate.Month, got.ReportingDate.Day);
        Assert.Equal(IntegrationServices.Reporting.Core.Domain.ReportingCalendar.KnowledgeCutoff(reporting), got.KnowledgeCutoff.ToDateTime());
    }

    [Fact]
    public async Task Create_assigns_an_id_when_none_is_given()
    {
        var created = await CreateAsync();
        Assert.Matches("^reportingCycles/[a-z0-9]+$", created.Name);
    }

    [Fact]
    public async Task Create_is_idempotent_per_request_id()
    {
        var requestId = Guid.NewGuid().ToString();
        var request = new CreateReportingCycleRequest { ReportingCycle = Cycles.Cycle(fixture.NextReferenceDate()), RequestId = requestId };
        var first = await _coordinator.CreateReportingCycleAsync(request);
        var second = await _coordinator.CreateReportingCycleAsync(request);
        Assert.Equal(first.Name, second.Name);
        Assert.Equal(first.Etag, second.Etag);
        // The same id for another request is refused, not answered with the first result.
        await Rpc.InvalidAsync(() => _coordinator.CreateReportingCycleAsync(
            new CreateReportingCycleRequest { ReportingCycle = Cycles.Cycle(fixture.NextReferenceDate()), RequestId = requestId }), "request_id");
        await Rpc.InvalidAsync(() => _coordinator.CreateReportingCycleAsync(
            new CreateReportingCycleRequest { ReportingCycle = Cycles.Cycle(fixture.NextReferenceDate()), RequestId = "not-a-uuid" }), "request_id");
    }

    [Fact]
    public async Task Create_refuses_invalid_input_naming_every_field()
    {
        var cycle = Cycles.Cycle(new DateOnly(2031, 6, 30));
        cycle.Title = "";
        cycle.ReportingDate = D(2031, 6, 29);
        cycle.Scope.Add("measures/1");
        cycle.Consultations[0].Result = "zur Kenntnis genommen";
        cycle.Consultations[1].Role = Role.Unspecified;
        var e = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await _coordinator.CreateReportingCycleAsync(
            new CreateReportingCycleRequest { ReportingCycle = cycle, ReportingCycleId = "Bad Id" }));
        Rpc.Violations(e, "reporting_cycle_id", "reporting_cycle.title", "reporting_cycle.reporting_date", "reporting_cycle.scope[0]",
            "reporting_cycle.consultations[0].result", "reporting_cycle.consultations[1].role");

        e = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await _coordinator.CreateReportingCycleAsync(
            new CreateReportingCycleRequest { ReportingCycle = cycle }));
        Rpc.Violations(e, "reporting_cycle.title", "reporting_cycle.reporting_date", "reporting_cycle.scope[0]",
            "reporting_cycle.consultations[0].result", "reporting_cycle.consultations[1].role");
        Assert.Contains("before the reference date", e.Status.Detail);

        cycle = Cycles.Cycle(new DateOnly(2031, 6, 30));
        cycle.ReferenceDate = D(2031, 2, 30);
        e = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await _coordinator.CreateReportingCycleAsync(new CreateReportingCycleRequest { ReportingCycle = cycle }));
        Rpc.Violations(e, "reporting_cycle.reference_date");
    }

    [Fact]
    public async Task Create_refuses_a_second_cycle_with_the_same_reference_date_and_scope_and_a_duplicate_id()
    {
        var reference = fixture.NextReferenceDate();
        await _coordinator.CreateReportingCycleAsync(new CreateReportingCycleRequest { ReportingCycle = Cycles.Cycle(reference), ReportingCycleId = "c-dup" });
        var e = await Rpc.FailsAsync(StatusCode.FailedPrecondition, async () => await _coordinator.CreateReportingCycleAsync(
            new CreateReportingCycleRequest { ReportingCycle = Cycles.Cycle(reference) }));
        Rpc.ErrorInfo(e, "DUPLICATE_REFERENCE_DATE");
        Assert.Contains("reportingCycles/c-dup", e.Status.Detail);

        // Another scope on the same Stichtag is a different report.
        var scoped = Cycles.Cycle(reference);
        scoped.Scope.Add("actionConcepts/idk");
        var other = await _coordinator.CreateReportingCycleAsync(new CreateReportingCycleRequest { ReportingCycle = scoped });
        Assert.Equal(IdkScope, other.Scope);

        await Rpc.FailsAsync(StatusCode.AlreadyExists, async () => await _coordinator.CreateReportingCycleAsync(
            new CreateReportingCycleRequest { ReportingCycle = Cycles.Cycle(fixture.NextReferenceDate()), ReportingCycleId = "c-dup" }));
    }

    [Fact]
    public async Task Get_unknown_and_malformed_names()
    {
        await Rpc.FailsAsync(StatusCode.NotFound, async () => await _coordinator.GetReportingCycleAsync(new GetReportingCycleRequest { Name = "reportingCycles/nope" }));
        var e = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await _coordinator.GetReportingCycleAsync(new GetReportingCycleRequest { Name = "measures/1" }));
        Rpc.Violations(e, "name");
    }

    [Fact]
    public async Task List_filters_by_state_and_reporting_date_and_pages()
    {
        var host = fixture; // other tests add cycles too: filter on this test's own dates
        var first = host.NextReferenceDate();
        var names = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var cycle = Cycles.Cycle(first.AddYears(20).AddDays(i));
            names.Add((await _coordinator.CreateReportingCycleAsync(new CreateReportingCycleRequest { ReportingCycle = cycle })).Name);
        }
        await _coordinator.CancelReportingCycleAsync(new CancelReportingCycleRequest { Name = names[1] });
        var from = first.AddYears(20).AddMonths(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = first.AddYears(21).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var filter = $"reporting_date >= \"{from}\" AND reporting_date < \"{to}\" AND state = PLANNED";

        var seen = new List<string>();
        string token = "";
        do
        {
            var page = await _coordinator.ListReportingCyclesAsync(new ListReportingCyclesRequest { Filter = filter, PageSize = 2, PageToken = token });
            Assert.True(page.ReportingCycles.Count <= 2);
            seen.AddRange(page.ReportingCycles.Select(c => c.Name));
            token = page.NextPageToken;
        } while (token != "");
        Assert.Equal(names.Where((_, i) => i != 1), seen);

        var cancelled = await _coordinator.ListReportingCyclesAsync(new ListReportingCyclesRequest { Filter = $"state = CANCELLED AND reporting_date >= {from} AND reporting_date < {to}" });
        Assert.Equal(new[] { names[1] }, cancelled.ReportingCycles.Select(c => c.Name));

        var firstPage = await _coordinator.ListReportingCyclesAsync(new ListReportingCyclesRequest { Filter = filter, PageSize = 1 });
        var e = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await _coordinator.ListReportingCyclesAsync(
            new ListReportingCyclesRequest { Filter = "state = CLOSED", PageToken = firstPage.NextPageToken }));
        Rpc.Violations(e, "page_token");
        e = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await _coordinator.ListReportingCyclesAsync(new ListReportingCyclesRequest { Filter = "title = x" }));
        Rpc.Violations(e, "filter");
        await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await _coordinator.ListReportingCyclesAsync(new ListReportingCyclesRequest { Filter = "state = OPEN" }));
        await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await _coordinator.ListReportingCyclesAsync(new ListReportingCyclesRequest { Filter = "state > PLANNED" }));
        await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await _coordinator.ListReportingCyclesAsync(new ListReportingCyclesRequest { Filter = "reporting_date = 2020-13-01" }));
        await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await _coordinator.ListReportingCyclesAsync(new ListReportingCyclesRequest { PageSize = -1 }));
    }

    [Fact]
    public async Task Update_with_mask_and_etag_and_audit_with_old_and_new_values()
    {
        var created = await CreateAsync(id: "c-update");
        var change = new ReportingCycle { Name = created.Name, Title = "Neuer Titel", Etag = created.Etag, ReportingDate = D(2099, 1, 1) };
        var updated = await _coordinator.UpdateReportingCycleAsync(new UpdateReportingCycleRequest
        {
            ReportingCycle = change,
            UpdateMask = FieldMask.FromString("title"),
        });
        Assert.Equal("Neuer Titel", updated.Title);
        Assert.Equal(created.ReportingDate, updated.ReportingDate); // not in the mask
        Assert.NotEqual(created.Etag, updated.Etag);

        // stale etag → ABORTED, nothing written
        var stale = await Rpc.FailsAsync(StatusCode.Aborted, async () => await _coordinator.UpdateReportingCycleAsync(new UpdateReportingCycleRequest
        {
            ReportingCycle = new ReportingCycle { Name = created.Name, Title = "Verloren", Etag = created.Etag },
            UpdateMask = FieldMask.FromString("title"),
        }));
        Rpc.ErrorInfo(stale, "ETAG_MISMATCH");
        Assert.Equal("Neuer Titel", (await _coordinator.GetReportingCycleAsync(new GetReportingCycleRequest { Name = created.Name })).Title);

        // dates and paper.title while PLANNED
        updated = await _coordinator.UpdateReportingCycleAsync(new UpdateReportingCycleRequest
        {
            ReportingCycle = new ReportingCycle
            {
                Name = created.Name, ReportingDate = D(2099, 1, 1), ReferenceDate = D(2098, 12, 31),
                Paper = new CouncilPaper { Title = "Geänderter Vorlagentitel" },
            },
            UpdateMask = FieldMask.FromString("reference_date,reporting_date,paper.title"),
        });
        Assert.Equal(D(2099, 1, 1), updated.ReportingDate);
        Assert.Equal("Geänderter Vorlagentitel", updated.Paper.Title);
        Assert.Equal("30-00001", updated.Paper.Reference);

        // reporting date before reference date → INVALID_ARGUMENT with advice
        var e = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await _coordinator.UpdateReportingCycleAsync(new UpdateReportingCycleRequest
        {
            ReportingCycle = new ReportingCycle { Name = created.Name, ReportingDate = D(2098, 1, 1) },
            UpdateMask = FieldMask.FromString("reporting_date"),
        }));
        Rpc.Violations(e, "reporting_cycle.reporting_date");
        Assert.Contains("choose a reporting date on or after", e.Status.Detail);

        e = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await _coordinator.UpdateReportingCycleAsync(new UpdateReportingCycleRequest
        {
            ReportingCycle = new ReportingCycle { Name = created.Name, State = State.Closed },
            UpdateMask = FieldMask.FromString("state"),
        }));
        Rpc.Violations(e, "update_mask");

        var audit = await fixture.Client(Roles.Admin).ListAuditRecordsAsync(new ListAuditRecordsRequest { Filter = $"resource = \"{created.Name}\"" });
        Assert.Equal(3, audit.AuditRecords.Count); // create + 2 updates; the refused ones left nothing
        Assert.All(audit.AuditRecords, r => Assert.Equal("test-user", r.Subject));
        Assert.Equal("created", Change(audit.AuditRecords[0]).GetProperty("action").GetString());
        var titleChange = Change(audit.AuditRecords[1]);
        Assert.Equal("updated", titleChange.GetProperty("action").GetString());
        Assert.Equal(["title"], titleChange.GetProperty("update_mask").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("Testzyklus", titleChange.GetProperty("fields").GetProperty("title").GetProperty("old").GetString());
        Assert.Equal("Neuer Titel", titleChange.GetProperty("fields").GetProperty("title").GetProperty("new").GetString());
        Assert.EndsWith("/UpdateReportingCycle", audit.AuditRecords[1].Method);
        var datesChange = Change(audit.AuditRecords[2]);
        Assert.Equal(["reference_date", "reporting_date", "paper.title"], datesChange.GetProperty("update_mask").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(["reference_date", "reporting_date", "paper"], datesChange.GetProperty("fields").EnumerateObject().Select(f => f.Name));
        Assert.Equal("2099-01-01", datesChange.GetProperty("fields").GetProperty("reporting_date").GetProperty("new").GetString());
        Assert.Equal("Geänderter Vorlagentitel", datesChange.GetProperty("fields").GetProperty("paper").GetProperty("new").GetProperty("title").GetString());
    }

    [Fact]
    public async Task Update_without_a_mask_takes_the_populated_fields_and_star_takes_every_updatable_field()
    {
        var created = await CreateAsync(id: "c-masks");
        Task<ReportingCycle> Update(ReportingCycle cycle, string? mask) => _coordinator.UpdateReportingCycleAsync(new UpdateReportingCycleRequest
        {
            ReportingCycle = cycle,
            UpdateMask = mask is null ? null : FieldMask.FromString(mask),
        }).ResponseAsync;

        // No mask: the fields the request sets (title and the whole paper), nothing else.
        var populated = await Update(new ReportingCycle { Name = created.Name, Title = "Nur Titel", Paper = new CouncilPaper { Reference = "30-00002" } }, null);
        Assert.Equal("Nur Titel", populated.Title);
        Assert.Equal(new CouncilPaper { Reference = "30-00002" }, populated.Paper);
        Assert.Equal(created.ReportingDate, populated.ReportingDate);
        Assert.Equal(created.Consultations, populated.Consultations);

        // "*": every updatable field; what the request leaves unset is cleared, and required fields must be given.
        await Rpc.InvalidAsync(() => _coordinator.UpdateReportingCycleAsync(new UpdateReportingCycleRequest
        {
            ReportingCycle = new ReportingCycle { Name = created.Name },
            UpdateMask = FieldMask.FromString("*"),
        }), "reporting_cycle.title", "reporting_cycle.reference_date", "reporting_cycle.reporting_date");
        var all = await Update(new ReportingCycle
        {
            Name = created.Name, Title = "Alles neu", ReferenceDate = created.ReferenceDate, ReportingDate = created.ReportingDate,
        }, "*");
        Assert.Equal("Alles neu", all.Title);
        Assert.Null(all.Paper);
        Assert.Empty(all.Consultations);
        Assert.Equal(created.ReferenceDate, all.ReferenceDate);

        // Nothing to update, or "*" beside other paths.
        await Rpc.InvalidAsync(() => _coordinator.UpdateReportingCycleAsync(new UpdateReportingCycleRequest
        {
            ReportingCycle = new ReportingCycle { Name = created.Name },
        }), "update_mask");
        await Rpc.InvalidAsync(() => _coordinator.UpdateReportingCycleAsync(new UpdateReportingCycleRequest
        {
            ReportingCycle = new ReportingCycle { Name = created.Name, Title = "x" },
            UpdateMask = FieldMask.FromString("*,title"),
        }), "update_mask");
    }

    [Fact]
    public async Task Update_to_a_taken_reference_date_is_refused()
    {
        var a = await CreateAsync();
        var b = await CreateAsync();
        var e = await Rpc.FailsAsync(StatusCode.FailedPrecondition, async () => await _coordinator.UpdateReportingCycleAsync(new UpdateReportingCycleRequest
        {
            ReportingCycle = new ReportingCycle { Name = b.Name, ReferenceDate = a.ReferenceDate },
            UpdateMask = FieldMask.FromString("reference_date"),
        }));
        Rpc.ErrorInfo(e, "DUPLICATE_REFERENCE_DATE");
    }

    [Fact]
    public async Task Cancel_only_from_planned()
    {
        var created = await CreateAsync();
        await Rpc.FailsAsync(StatusCode.Aborted, async () => await _coordinator.CancelReportingCycleAsync(new CancelReportingCycleRequest { Name = created.Name, Etag = "999" }));
        var cancelled = await _coordinator.CancelReportingCycleAsync(new CancelReportingCycleRequest { Name = created.Name, Etag = created.Etag });
        Assert.Equal(State.Cancelled, cancelled.State);
        var e = await Rpc.FailsAsync(StatusCode.FailedPrecondition, async () => await _coordinator.CancelReportingCycleAsync(new CancelReportingCycleRequest { Name = created.Name }));
        Rpc.ErrorInfo(e, "ALREADY_CANCELLED");
        e = await Rpc.FailsAsync(StatusCode.FailedPrecondition, async () => await _coordinator.UpdateReportingCycleAsync(new UpdateReportingCycleRequest
        {
            ReportingCycle = new ReportingCycle { Name = created.Name, Title = "x" },
            UpdateMask = FieldMask.FromString("title"),
        }));
        Rpc.ErrorInfo(e, "CYCLE_FINISHED");

        // A cancelled cycle frees its reference date.
        var again = await _coordinator.CreateReportingCycleAsync(new CreateReportingCycleRequest
        {
            ReportingCycle = Cycles.Cycle(new DateOnly(created.ReferenceDate.Year, created.ReferenceDate.Month, created.ReferenceDate.Day)),
        });
        Assert.Equal(State.Planned, again.State);

        var taken = await CreateAsync();
        await fixture.TakeSnapshotAsync(taken.Name);
        e = await Rpc.FailsAsync(StatusCode.FailedPrecondition, async () => await _coordinator.CancelReportingCycleAsync(new CancelReportingCycleRequest { Name = taken.Name }));
        Rpc.ErrorInfo(e, "SNAPSHOT_ALREADY_TAKEN");
        await Rpc.FailsAsync(StatusCode.NotFound, async () => await _coordinator.CancelReportingCycleAsync(new CancelReportingCycleRequest { Name = "reportingCycles/unknown" }));
    }

    [Fact]
    public async Task Full_life_cycle_planned_snapshot_taken_in_consultation_closed()
    {
        var created = await CreateAsync(consultations: 2);

        // Results before the snapshot → FAILED_PRECONDITION.
        var e = await Rpc.FailsAsync(StatusCode.FailedPrecondition, async () => await _coordinator.RecordConsultationResultAsync(
            new RecordConsultationResultRequest { Name = created.Name, Order = 1, Result = "zur Kenntnis genommen" }));
        Rpc.ErrorInfo(e, "SNAPSHOT_NOT_TAKEN");

        await fixture.TakeSnapshotAsync(created.Name);
        var afterSnapshot = await _coordinator.GetReportingCycleAsync(new GetReportingCycleRequest { Name = created.Name });
        Assert.Equal(State.SnapshotTaken, afterSnapshot.State);
        Assert.Equal(created.Name + "/snapshot", afterSnapshot.Snapshot);

        // Dates are frozen now; the paper may still be completed.
        e = await Rpc.FailsAsync(StatusCode.FailedPrecondition, async () => await _coordinator.UpdateReportingCycleAsync(new UpdateReportingCycleRequest
        {
            ReportingCycle = new ReportingCycle { Name = created.Name, ReportingDate = D(2099, 12, 31) },
            UpdateMask = FieldMask.FromString("reporting_date"),
        }));
        Rpc.ErrorInfo(e, "SNAPSHOT_ALREADY_TAKEN");
        Assert.Contains("Plan a new cycle", e.Status.Detail);
        await _coordinator.UpdateReportingCycleAsync(new UpdateReportingCycleRequest
        {
            ReportingCycle = new ReportingCycle { Name = created.Name, Paper = new CouncilPaper { Date = D(2040, 1, 2) } },
            UpdateMask = FieldMask.FromString("paper.date"),
        });

        // Unknown order, missing result.
        e = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await _coordinator.RecordConsultationResultAsync(
            new RecordConsultationResultRequest { Name = created.Name, Order = 7, Result = "x" }));
        Rpc.Violations(e, "order");
        e = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await _coordinator.RecordConsultationResultAsync(
            new RecordConsultationResultRequest { Name = created.Name, Order = 1 }));
        Rpc.Violations(e, "result");

        var first = await _coordinator.RecordConsultationResultAsync(new RecordConsultationResultRequest { Name = created.Name, Order = 1, Result = "zur Kenntnis genommen" });
        Assert.Equal(State.InConsultation, first.State);
        Assert.Equal("zur Kenntnis genommen", first.Consultations[0].Result);

        // The Beratungsfolge can no longer be replaced; a result is not overwritten.
        e = await Rpc.FailsAsync(StatusCode.FailedPrecondition, async () => await _coordinator.UpdateReportingCycleAsync(new UpdateReportingCycleRequest
        {
            ReportingCycle = new ReportingCycle { Name = created.Name, Consultations = { new Consultation { Organization = "X", Role = Role.Information } } },
            UpdateMask = FieldMask.FromString("consultations"),
        }));
        Rpc.ErrorInfo(e, "CONSULTATION_UNDER_WAY");
        e = await Rpc.FailsAsync(StatusCode.FailedPrecondition, async () => await _coordinator.RecordConsultationResultAsync(
            new RecordConsultationResultRequest { Name = created.Name, Order = 1, Result = "anders" }));
        Rpc.ErrorInfo(e, "RESULT_ALREADY_RECORDED");

        var closed = await _coordinator.RecordConsultationResultAsync(new RecordConsultationResultRequest { Name = created.Name, Order = 2, Result = "zur Kenntnis genommen", Etag = first.Etag });
        Assert.Equal(State.Closed, closed.State);

        e = await Rpc.FailsAsync(StatusCode.FailedPrecondition, async () => await _coordinator.RecordConsultationResultAsync(
            new RecordConsultationResultRequest { Name = created.Name, Order = 2, Result = "x" }));
        Rpc.ErrorInfo(e, "CYCLE_FINISHED");
        e = await Rpc.FailsAsync(StatusCode.FailedPrecondition, async () => await _coordinator.UpdateReportingCycleAsync(new UpdateReportingCycleRequest
        {
            ReportingCycle = new ReportingCycle { Name = created.Name, Title = "x" },
            UpdateMask = FieldMask.FromString("title"),
        }));
        Rpc.ErrorInfo(e, "CYCLE_FINISHED");

        // The worker cannot take a second snapshot: its attempt is skipped and changes nothing.
        Assert.Equal(Outcome.Skipped, await ReportingHost.TrySnapshotAsync(fixture.Host, created.Name));
        var afterAll = await _coordinator.GetReportingCycleAsync(new GetReportingCycleRequest { Name = created.Name });
        Assert.Equal((State.Closed, closed.Etag), (afterAll.State, afterAll.Etag));

        var audit = await fixture.Client(Roles.Admin).ListAuditRecordsAsync(new ListAuditRecordsRequest { Filter = $"resource = \"{created.Name}\"" });
        var closing = Change(audit.AuditRecords.Last(r => r.Method.EndsWith("/RecordConsultationResult", StringComparison.Ordinal)));
        Assert.Equal("recorded", closing.GetProperty("action").GetString());
        Assert.Equal(2, closing.GetProperty("fields").GetProperty("order").GetProperty("new").GetInt32());
        Assert.Equal("IN_CONSULTATION", closing.GetProperty("fields").GetProperty("state").GetProperty("old").GetString());
        Assert.Equal("CLOSED", closing.GetProperty("fields").GetProperty("state").GetProperty("new").GetString());
    }

    [Fact]
    public async Task Postponement_keeps_the_entry_and_adds_a_later_one_for_the_same_committee()
    {
        var created = await CreateAsync(consultations: 1);
        await fixture.TakeSnapshotAsync(created.Name);
        var meeting = created.Consultations[0].MeetingDate;

        var e = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await _coordinator.RecordConsultationResultAsync(new RecordConsultationResultRequest
        {
            Name = created.Name, Order = 1, Postponed = true, NextMeetingDate = meeting,
        }));
        Rpc.Violations(e, "next_meeting_date");
        e = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () => await _coordinator.RecordConsultationResultAsync(new RecordConsultationResultRequest
        {
            Name = created.Name, Order = 1, Result = "zur Kenntnis genommen", NextMeetingDate = D(2099, 1, 1),
        }));
        Rpc.Violations(e, "next_meeting_date");

        var next = D(new DateOnly(meeting.Year, meeting.Month, meeting.Day).AddDays(35));
        var postponed = await _coordinator.RecordConsultationResultAsync(new RecordConsultationResultRequest
        {
            Name = created.Name, Order = 1, Postponed = true, NextMeetingDate = next,
        });
        Assert.Equal(State.InConsultation, postponed.State);
        Assert.Equal(2, postponed.Consultations.Count);
        var old = postponed.Consultations[0];
        Assert.True(old.Postponed);
        Assert.Equal("zurückgestellt", old.Result);
        Assert.Equal(meeting, old.MeetingDate);
        var added = postponed.Consultations[1];
        Assert.Equal(2, added.Order);
        Assert.Equal(old.Organization, added.Organization);
        Assert.Equal(old.Role, added.Role);
        Assert.Equal(old.Public, added.Public);
        Assert.Equal(next, added.MeetingDate);
        Assert.False(added.Postponed);
        Assert.Equal("", added.Result);

        var closed = await _coordinator.RecordConsultationResultAsync(new RecordConsultationResultRequest { Name = created.Name, Order = 2, Result = "zur Kenntnis genommen" });
        Assert.Equal(State.Closed, closed.State);
    }

    [Fact]
    public async Task Postponement_without_a_known_date_adds_an_undated_entry()
    {
        var created = await CreateAsync(consultations: 1);
        await fixture.TakeSnapshotAsync(created.Name);
        var postponed = await _coordinator.RecordConsultationResultAsync(new RecordConsultationResultRequest
        {
            Name = created.Name, Order = 1, Postponed = true, Result = "vertagt",
        });
        Assert.Equal("vertagt", postponed.Consultations[0].Result);
        Assert.Null(postponed.Consultations[1].MeetingDate);
    }

    [Fact]
    public async Task Reader_sees_non_public_results_redacted_coordinator_sees_them()
    {
        var created = await CreateAsync(consultations: 2); // order 2: Verwaltungsausschuss, non-public
        await fixture.TakeSnapshotAsync(created.Name);
        await _coordinator.RecordConsultationResultAsync(new RecordConsultationResultRequest { Name = created.Name, Order = 1, Result = "zur Kenntnis genommen" });
        await _coordinator.RecordConsultationResultAsync(new RecordConsultationResultRequest { Name = created.Name, Order = 2, Result = "vertraulich beraten" });

        foreach (var role in new[] { Roles.Reader, Roles.Editor, Roles.Statistics, Roles.Operator })
        {
            var reader = fixture.Client(role);
            var got = await reader.GetReportingCycleAsync(new GetReportingCycleRequest { Name = created.Name });
            Assert.Equal("zur Kenntnis genommen", got.Consultations[0].Result);
            Assert.False(got.Consultations[0].ResultWithheld);
            Assert.Equal("", got.Consultations[1].Result);
            Assert.True(got.Consultations[1].ResultWithheld);
            var listed = await reader.ListReportingCyclesAsync(new ListReportingCyclesRequest { PageSize = 1000 });
            var inList = listed.ReportingCycles.Single(c => c.Name == created.Name);
            Assert.Equal("", inList.Consultations[1].Result);
            Assert.True(inList.Consultations[1].ResultWithheld);
        }
        foreach (var role in new[] { Roles.Coordinator, Roles.Admin })
        {
            var got = await fixture.Client(role).GetReportingCycleAsync(new GetReportingCycleRequest { Name = created.Name });
            Assert.Equal("vertraulich beraten", got.Consultations[1].Result);
            Assert.False(got.Consultations[1].ResultWithheld);
        }
    }

    [Fact]
    public async Task Methods_declare_their_roles()
    {
        var reader = fixture.Client(Roles.Reader);
        var e = await Rpc.FailsAsync(StatusCode.PermissionDenied, async () => await reader.CreateReportingCycleAsync(
            new CreateReportingCycleRequest { ReportingCycle = Cycles.Cycle(fixture.NextReferenceDate()) }));
        var editor = fixture.Client(Roles.Editor);
        await Rpc.FailsAsync(StatusCode.PermissionDenied, async () => await editor.CancelReportingCycleAsync(new CancelReportingCycleRequest { Name = "reportingCycles/x" }));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, async () => await editor.RecordConsultationResultAsync(new RecordConsultationResultRequest { Name = "reportingCycles/x" }));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, async () => await editor.UpdateReportingCycleAsync(new UpdateReportingCycleRequest()));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, async () => await editor.ImportOParlPaperAsync(new ImportOParlPaperRequest()));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, async () => await editor.PlanRecurringCyclesAsync(new PlanRecurringCyclesRequest()));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, async () => await _coordinator.ListAuditRecordsAsync(new ListAuditRecordsRequest()));
        var anonymous = new ReportingCyclesService.ReportingCyclesServiceClient(fixture.Host.Invoker());
        await Rpc.FailsAsync(StatusCode.Unauthenticated, async () => await anonymous.ListReportingCyclesAsync(new ListReportingCyclesRequest()));
        Assert.NotNull(e);
    }
}
