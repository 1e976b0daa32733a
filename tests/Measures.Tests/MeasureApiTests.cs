using System.Text.Json;
using Google.Protobuf.WellKnownTypes;

namespace IntegrationServices.Measures.Tests;

/// <summary>Every method of MeasuresService: the happy paths, their errors and what they leave behind.</summary>
public abstract class MeasureApiTests(MeasuresFixture fixture) : MeasuresTestBase(fixture)
{
    // ---- CreateMeasure / GetMeasure ---------------------------------------------------------------

    [Fact]
    public async Task CreateMeasure_returns_the_stored_measure_with_its_output_fields()
    {
        var slice = await NewSliceAsync();
        var parent = await CreateAsync(slice);
        var draft = Draft(slice, field: 4, code: Unique("IdK-4"), title: "Antidiskriminierungsberatung", adopted: D(2017, 3, 14), parent: parent.Name);

        var created = await CreateAsync(draft);

        Assert.Matches("^measures/[1-9][0-9]*$", created.Name);
        Assert.NotEqual(parent.Name, created.Name);
        Assert.Equal(draft.Code, created.Code);
        Assert.Equal("Antidiskriminierungsberatung", created.Title);
        Assert.Equal(draft.Description, created.Description);
        Assert.Equal(slice.Concept, created.ActionConcept);
        Assert.Equal(4, created.FieldOfAction);
        Assert.Equal(slice.Unit, created.ResponsibleUnit);
        Assert.Equal(parent.Name, created.Parent);
        Assert.Equal(D(2017, 3, 14), created.AdoptedOn);
        Assert.Equal(MeasureStatus.NotStarted, created.Status);
        Assert.Equal(0, created.ProgressPercent);
        Assert.Null(created.StatusEffectiveDate);
        Assert.Equal(NowStamp, created.CreateTime);
        Assert.Equal(NowStamp, created.UpdateTime);
        Assert.Null(created.RetireTime);
        Assert.False(string.IsNullOrEmpty(created.Etag));

        Assert.Equal(created, await Reader.GetMeasureAsync(new GetMeasureRequest { Name = created.Name }));
    }

    [Fact]
    public async Task GetMeasure_of_an_unknown_measure_is_NOT_FOUND()
    {
        var e = await Rpc.FailsAsync(StatusCode.NotFound, () => Reader.GetMeasureAsync(new GetMeasureRequest { Name = "measures/999999" }));
        Rpc.AssertErrorInfo(e, "RESOURCE_NOT_FOUND");
        Assert.Contains("measures/999999", e.Status.Detail);
    }

    [Theory]
    [InlineData("")]
    [InlineData("measures/abc")]
    [InlineData("measures/0")]
    [InlineData("measures/-4")]
    [InlineData("measure/1")]
    [InlineData("measures/1/statusEvents/2")]
    [InlineData("measures/99999999999999999999999")]
    public async Task GetMeasure_with_a_malformed_name_is_INVALID_ARGUMENT_naming_name(string name)
    {
        await Rpc.InvalidAsync(() => Reader.GetMeasureAsync(new GetMeasureRequest { Name = name }), "name");
    }

    [Fact]
    public async Task ListMeasures_lists_the_measures_of_the_selection_in_creation_order()
    {
        var slice = await NewSliceAsync();
        var other = await NewSliceAsync();
        var a = await CreateAsync(slice);
        await CreateAsync(other);
        var b = await CreateAsync(slice);
        var c = await CreateAsync(slice);

        var page = await Reader.ListMeasuresAsync(new ListMeasuresRequest { Filter = UnitFilter(slice) });

        Assert.Equal([a, b, c], page.Measures);
        Assert.Equal("", page.NextPageToken);
    }

    [Fact]
    public async Task A_duplicate_code_is_ALREADY_EXISTS_on_create_and_on_update()
    {
        var slice = await NewSliceAsync();
        var code = Unique("DUP");
        await CreateAsync(slice, code: code);
        var other = await CreateAsync(slice);

        var e = await Rpc.FailsAsync(StatusCode.AlreadyExists, () => Admin.CreateMeasureAsync(new CreateMeasureRequest { Measure = Draft(slice, code: code) }));
        Rpc.AssertErrorInfo(e, "RESOURCE_ALREADY_EXISTS");
        await Rpc.FailsAsync(StatusCode.AlreadyExists, () => Admin.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = other.Name, Code = code }, UpdateMask = Mask("code"),
        }));

        Assert.Equal(2, (await ListAllAsync(new ListMeasuresRequest { Filter = UnitFilter(slice) })).Count);
        Assert.Equal(other, await Admin.GetMeasureAsync(new GetMeasureRequest { Name = other.Name }));
    }

    [Fact]
    public async Task A_code_given_up_by_an_update_can_be_used_again()
    {
        var slice = await NewSliceAsync();
        var code = Unique("FREE");
        var first = await CreateAsync(slice, code: code);
        await Admin.UpdateMeasureAsync(new UpdateMeasureRequest { Measure = new Measure { Name = first.Name, Code = code + "-alt" }, UpdateMask = Mask("code") });

        var second = await CreateAsync(slice, code: code);

        Assert.Equal(code, second.Code);
    }

    // ---- request ids ------------------------------------------------------------------------------

    [Fact]
    public async Task CreateMeasure_retried_with_the_same_request_id_creates_one_measure()
    {
        var slice = await NewSliceAsync();
        var requestId = Guid.NewGuid().ToString();
        var draft = Draft(slice, title: "Erster Versuch");
        var first = await CreateAsync(draft, requestId);
        Advance(TimeSpan.FromSeconds(3));

        var retry = await CreateAsync(draft, requestId);

        Assert.Equal(first.Name, retry.Name);
        Assert.Equal("Erster Versuch", retry.Title);
        var listed = await ListAllAsync(new ListMeasuresRequest { Filter = UnitFilter(slice) });
        Assert.Equal([first.Name], listed.Select(m => m.Name));
        Assert.Single(await AuditOfAsync(first.Name));

        // The same UUID in its canonical and upper-case spelling is the same request.
        var again = await CreateAsync(draft, requestId.ToUpperInvariant());
        Assert.Equal(first.Name, again.Name);

        // The same id with another payload is another request: refused, nothing created.
        var other = draft.Clone();
        other.Title = "Wiederholung";
        await Rpc.InvalidAsync(() => Admin.CreateMeasureAsync(new CreateMeasureRequest { Measure = other, RequestId = requestId }), "request_id");
        Assert.Single(await ListAllAsync(new ListMeasuresRequest { Filter = UnitFilter(slice) }));
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("12345")]
    [InlineData("00000000-0000-0000-0000-00000000000g")]
    public async Task A_request_id_that_is_not_a_UUID_is_INVALID_ARGUMENT(string requestId)
    {
        var slice = await NewSliceAsync();
        await Rpc.InvalidAsync(() => Admin.CreateMeasureAsync(new CreateMeasureRequest { Measure = Draft(slice), RequestId = requestId }), "request_id");
        await Rpc.InvalidAsync(() => Admin.RecordStatusAsync(new RecordStatusRequest
        {
            Parent = "measures/1", Status = MeasureStatus.InProgress, ProgressPercent = 5, EffectiveDate = D(2020, 1, 1), RequestId = requestId,
        }), "request_id");
        Assert.Empty(await ListAllAsync(new ListMeasuresRequest { Filter = UnitFilter(slice) }));
    }

    [Fact]
    public async Task RecordStatus_retried_with_the_same_request_id_records_one_event()
    {
        var slice = await NewSliceAsync();
        var measure = await CreateAsync(slice);
        var request = new RecordStatusRequest
        {
            Parent = measure.Name, Status = MeasureStatus.InProgress, ProgressPercent = 30, EffectiveDate = D(2021, 4, 1),
            Note = "Start", RequestId = Guid.NewGuid().ToString(),
        };
        var first = await Admin.RecordStatusAsync(request);
        Advance(TimeSpan.FromSeconds(2));

        var retry = await Admin.RecordStatusAsync(request);

        Assert.Equal(first, retry);
        var events = await Reader.ListStatusEventsAsync(new ListStatusEventsRequest { Parent = measure.Name });
        Assert.Equal([first], events.StatusEvents);
        Assert.Single(await AuditOfAsync(first.Name));
    }

    // ---- validation -------------------------------------------------------------------------------

    public static TheoryData<string, string> InvalidMeasures => new()
    {
        { "field_of_action=9", "measure.field_of_action" },
        { "field_of_action=0", "measure.field_of_action" },
        { "title=", "measure.title" },
        { "title=long", "measure.title" },
        { "code=", "measure.code" },
        { "code=long", "measure.code" },
        { "description=long", "measure.description" },
        { "adopted_on=", "measure.adopted_on" },
        { "adopted_on=2019-02-30", "measure.adopted_on" },
        { "adopted_on=2019-00-00", "measure.adopted_on" },
        { "action_concept=", "measure.action_concept" },
        { "action_concept=concepts/idk", "measure.action_concept" },
        { "action_concept=actionConcepts/unknown-concept", "measure.action_concept" },
        { "responsible_unit=units/", "measure.responsible_unit" },
        { "responsible_unit=50", "measure.responsible_unit" },
        { "responsible_unit=units/no-such-unit", "measure.responsible_unit" },
        { "parent=measures/abc", "measure.parent" },
        { "parent=units/50", "measure.parent" },
        { "parent=measures/999999", "measure.parent" },
    };

    [Theory]
    [MemberData(nameof(InvalidMeasures))]
    public async Task CreateMeasure_with_an_invalid_field_is_INVALID_ARGUMENT_naming_it(string change, string field)
    {
        var slice = await NewSliceAsync();
        var draft = Apply(Draft(slice), change);

        await Rpc.InvalidAsync(() => Admin.CreateMeasureAsync(new CreateMeasureRequest { Measure = draft }), field);

        Assert.Empty(await ListAllAsync(new ListMeasuresRequest { Filter = UnitFilter(slice) }));
    }

    [Fact]
    public async Task CreateMeasure_reports_every_bad_field_once()
    {
        var slice = await NewSliceAsync();
        var draft = Apply(Apply(Apply(Apply(Apply(Draft(slice), "title=long"), "field_of_action=9"), "adopted_on="), "responsible_unit=50"), "parent=measures/x");

        await Rpc.InvalidAsync(() => Admin.CreateMeasureAsync(new CreateMeasureRequest { Measure = draft }),
            "measure.title", "measure.field_of_action", "measure.adopted_on", "measure.responsible_unit", "measure.parent");

        // Unknown references are reported together as well.
        var unknown = Apply(Apply(Apply(Draft(slice), "action_concept=actionConcepts/nope"), "responsible_unit=units/nope"), "parent=measures/999998");
        await Rpc.InvalidAsync(() => Admin.CreateMeasureAsync(new CreateMeasureRequest { Measure = unknown }),
            "measure.action_concept", "measure.responsible_unit", "measure.parent");
    }

    [Fact]
    public async Task CreateMeasure_without_a_measure_is_INVALID_ARGUMENT()
    {
        await Rpc.InvalidAsync(() => Admin.CreateMeasureAsync(new CreateMeasureRequest()), "measure");
    }

    /// <summary>Applies "field=value" to a draft; "long" means one character more than allowed.</summary>
    private static Measure Apply(Measure m, string change)
    {
        var (field, value) = (change[..change.IndexOf('=')], change[(change.IndexOf('=') + 1)..]);
        m = m.Clone();
        switch (field)
        {
            case "field_of_action": m.FieldOfAction = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "title": m.Title = value == "long" ? new string('T', MeasuresService.MaxTitle + 1) : value; break;
            case "code": m.Code = value == "long" ? new string('C', MeasuresService.MaxCode + 1) : value; break;
            case "description": m.Description = value == "long" ? new string('D', MeasuresService.MaxDescription + 1) : value; break;
            case "adopted_on":
                m.AdoptedOn = value == "" ? null : new Google.Type.Date
                {
                    Year = int.Parse(value[..4], System.Globalization.CultureInfo.InvariantCulture),
                    Month = int.Parse(value[5..7], System.Globalization.CultureInfo.InvariantCulture),
                    Day = int.Parse(value[8..], System.Globalization.CultureInfo.InvariantCulture),
                };
                break;
            case "action_concept": m.ActionConcept = value; break;
            case "responsible_unit": m.ResponsibleUnit = value; break;
            case "parent": m.Parent = value; break;
            default: throw new ArgumentException(change);
        }
        return m;
    }

    // ---- UpdateMeasure ----------------------------------------------------------------------------

    protected static FieldMask Mask(params string[] paths)
    {
        var mask = new FieldMask();
        mask.Paths.AddRange(paths);
        return mask;
    }

    [Fact]
    public async Task UpdateMeasure_changes_only_the_masked_fields_and_keeps_an_audit_record()
    {
        var slice = await NewSliceAsync();
        var measure = await CreateAsync(slice, field: 2, title: "Alter Titel");
        var updatedAt = Advance(TimeSpan.FromMinutes(5));
        var change = measure.Clone();
        change.Title = "Neuer Titel";
        change.Description = "must not be written";
        change.FieldOfAction = 7;
        change.Status = MeasureStatus.Implemented;

        var updated = await Admin.UpdateMeasureAsync(new UpdateMeasureRequest { Measure = change, UpdateMask = Mask("title") });

        var expected = measure.Clone();
        expected.Title = "Neuer Titel";
        expected.UpdateTime = Timestamp.FromDateTime(updatedAt);
        expected.Etag = updated.Etag;
        Assert.Equal(expected, updated);
        Assert.NotEqual(measure.Etag, updated.Etag);
        Assert.Equal(updated, await Reader.GetMeasureAsync(new GetMeasureRequest { Name = measure.Name }));

        var audit = await AuditOfAsync(measure.Name);
        Assert.Equal(2, audit.Count);
        var record = audit[1];
        Assert.Equal(Service + "UpdateMeasure", record.Method);
        Assert.Equal("admin-user", record.Subject);
        Assert.Equal(Timestamp.FromDateTime(updatedAt), record.Time);
        using var json = JsonDocument.Parse(record.Change);
        Assert.Equal(["title"], json.RootElement.GetProperty("update_mask").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Alter Titel", json.RootElement.GetProperty("old").GetProperty("title").GetString());
        Assert.Equal("Neuer Titel", json.RootElement.GetProperty("new").GetProperty("title").GetString());
    }

    [Fact]
    public async Task UpdateMeasure_can_change_every_mutable_field()
    {
        var slice = await NewSliceAsync();
        var target = await NewSliceAsync();
        var parent = await CreateAsync(target);
        var measure = await CreateAsync(slice);
        var change = new Measure
        {
            Name = measure.Name, Code = Unique("NEW"), Title = "Alles neu", Description = "Neue Beschreibung", ActionConcept = target.Concept,
            FieldOfAction = 8, ResponsibleUnit = target.Unit, Parent = parent.Name, AdoptedOn = D(2018, 5, 6),
        };

        var updated = await Admin.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = change,
            UpdateMask = Mask("code", "title", "description", "action_concept", "field_of_action", "responsible_unit", "parent", "adopted_on"),
        });

        Assert.Equal((change.Code, change.Title, change.Description, change.ActionConcept, change.FieldOfAction, change.ResponsibleUnit, change.Parent, change.AdoptedOn),
            (updated.Code, updated.Title, updated.Description, updated.ActionConcept, updated.FieldOfAction, updated.ResponsibleUnit, updated.Parent, updated.AdoptedOn));

        // And back: clearing the optional parent.
        var cleared = await Admin.UpdateMeasureAsync(new UpdateMeasureRequest { Measure = new Measure { Name = measure.Name }, UpdateMask = Mask("parent") });
        Assert.Equal("", cleared.Parent);
        Assert.Equal("Alles neu", cleared.Title);
    }

    [Theory]
    [InlineData("colour")]
    [InlineData("status")]
    [InlineData("progress_percent")]
    [InlineData("etag")]
    [InlineData("create_time")]
    [InlineData("retire_time")]
    [InlineData("name")]
    public async Task UpdateMeasure_with_an_unknown_or_output_only_path_is_INVALID_ARGUMENT_naming_update_mask(string path)
    {
        var slice = await NewSliceAsync();
        var measure = await CreateAsync(slice);
        var change = measure.Clone();
        change.Title = "Darf nicht geschrieben werden";

        await Rpc.InvalidAsync(() => Admin.UpdateMeasureAsync(new UpdateMeasureRequest { Measure = change, UpdateMask = Mask("title", path) }), "update_mask");

        Assert.Equal(measure, await Admin.GetMeasureAsync(new GetMeasureRequest { Name = measure.Name }));
        Assert.Single(await AuditOfAsync(measure.Name));
    }

    [Fact]
    public async Task UpdateMeasure_validates_the_merged_measure()
    {
        var slice = await NewSliceAsync();
        var measure = await CreateAsync(slice);

        await Rpc.InvalidAsync(() => Admin.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = measure.Name, Title = "", FieldOfAction = 12 }, UpdateMask = Mask("title", "field_of_action"),
        }), "measure.title", "measure.field_of_action");
        await Rpc.InvalidAsync(() => Admin.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = measure.Name, ResponsibleUnit = "units/not-there" }, UpdateMask = Mask("responsible_unit"),
        }), "measure.responsible_unit");
        await Rpc.InvalidAsync(() => Admin.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = measure.Name, Parent = measure.Name }, UpdateMask = Mask("parent"),
        }), "measure.parent");
        await Rpc.InvalidAsync(() => Admin.UpdateMeasureAsync(new UpdateMeasureRequest { Measure = new Measure { Name = "measures/x" }, UpdateMask = Mask("title") }),
            "measure.name");

        Assert.Equal(measure, await Admin.GetMeasureAsync(new GetMeasureRequest { Name = measure.Name }));
    }

    [Fact]
    public async Task UpdateMeasure_refuses_a_parent_cycle()
    {
        var slice = await NewSliceAsync();
        var top = await CreateAsync(slice);
        var middle = await CreateAsync(slice, parent: top.Name);
        var bottom = await CreateAsync(slice, parent: middle.Name);

        await Rpc.InvalidAsync(() => Admin.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = top.Name, Parent = bottom.Name }, UpdateMask = Mask("parent"),
        }), "measure.parent");

        Assert.Equal(top, await Admin.GetMeasureAsync(new GetMeasureRequest { Name = top.Name }));
    }

    [Fact]
    public async Task UpdateMeasure_with_a_stale_etag_is_ABORTED_and_writes_nothing()
    {
        var slice = await NewSliceAsync();
        var measure = await CreateAsync(slice, title: "Version 1");
        var current = await Admin.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = measure.Name, Title = "Version 2", Etag = measure.Etag }, UpdateMask = Mask("title"),
        });
        var auditBefore = await AuditOfAsync(measure.Name);
        Advance(TimeSpan.FromMinutes(1));

        var e = await Rpc.FailsAsync(StatusCode.Aborted, () => Admin.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = measure.Name, Title = "Version 3", Etag = measure.Etag }, UpdateMask = Mask("title"),
        }));

        Rpc.AssertErrorInfo(e, "ETAG_MISMATCH");
        Assert.Equal(current, await Admin.GetMeasureAsync(new GetMeasureRequest { Name = measure.Name }));
        Assert.Equal(auditBefore, await AuditOfAsync(measure.Name));
        // No hidden version either: as known now, the measure is still the one of the last good update.
        Assert.Equal(current, await Admin.GetMeasureAsync(new GetMeasureRequest { Name = measure.Name, KnownAt = NowStamp }));
    }

    [Fact]
    public async Task UpdateMeasure_with_the_current_etag_succeeds()
    {
        var slice = await NewSliceAsync();
        var measure = await CreateAsync(slice);

        var updated = await Admin.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = measure.Name, Title = "Mit Etag", Etag = measure.Etag }, UpdateMask = Mask("title"),
        });

        Assert.Equal("Mit Etag", updated.Title);
    }

    [Fact]
    public async Task UpdateMeasure_of_an_unknown_measure_is_NOT_FOUND()
    {
        await Rpc.FailsAsync(StatusCode.NotFound, () => Admin.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = "measures/999999", Title = "x" }, UpdateMask = Mask("title"),
        }));
        await Rpc.InvalidAsync(() => Admin.UpdateMeasureAsync(new UpdateMeasureRequest { UpdateMask = Mask("title") }), "measure");
    }

    // ---- DeleteMeasure ----------------------------------------------------------------------------

    [Fact]
    public async Task DeleteMeasure_retires_the_measure_and_keeps_its_history()
    {
        var slice = await NewSliceAsync();
        var keep = await CreateAsync(slice);
        var measure = await CreateAsync(slice);
        var @event = await RecordAsync(measure.Name, MeasureStatus.InProgress, 40, D(2020, 1, 1));
        var retiredAt = Advance(TimeSpan.FromMinutes(3));

        var retired = await Coordinator.DeleteMeasureAsync(new DeleteMeasureRequest { Name = measure.Name, Etag = measure.Etag });

        Assert.Equal(Timestamp.FromDateTime(retiredAt), retired.RetireTime);
        Assert.NotEqual(measure.Etag, retired.Etag);
        Assert.Equal(measure.Title, retired.Title);
        Assert.Equal(retired, await Reader.GetMeasureAsync(new GetMeasureRequest { Name = measure.Name }));
        Assert.Equal([keep.Name], (await ListAllAsync(new ListMeasuresRequest { Filter = UnitFilter(slice) })).Select(m => m.Name));
        Assert.Equal([keep.Name], (await StreamAllAsync(new StreamMeasuresRequest { Filter = UnitFilter(slice) })).Select(m => m.Name));
        Assert.Equal([keep.Name, measure.Name], (await ListAllAsync(new ListMeasuresRequest { Filter = UnitFilter(slice), ShowRetired = true })).Select(m => m.Name));
        Assert.Equal([keep.Name, measure.Name], (await StreamAllAsync(new StreamMeasuresRequest { Filter = UnitFilter(slice), ShowRetired = true })).Select(m => m.Name));
        Assert.Equal([@event], (await Reader.ListStatusEventsAsync(new ListStatusEventsRequest { Parent = measure.Name })).StatusEvents);
        Assert.Equal(MeasureStatus.InProgress, retired.Status);

        var audit = await AuditOfAsync(measure.Name);
        Assert.Equal(Service + "DeleteMeasure", audit[^1].Method);
        Assert.Equal("coordinator-user", audit[^1].Subject);
        Assert.Equal(Timestamp.FromDateTime(retiredAt), audit[^1].Time);
    }

    [Fact]
    public async Task DeleteMeasure_with_a_stale_etag_is_ABORTED_and_writes_nothing()
    {
        var slice = await NewSliceAsync();
        var measure = await CreateAsync(slice);
        var current = await Admin.UpdateMeasureAsync(new UpdateMeasureRequest { Measure = new Measure { Name = measure.Name, Title = "Geändert" }, UpdateMask = Mask("title") });
        var auditBefore = await AuditOfAsync(measure.Name);

        var e = await Rpc.FailsAsync(StatusCode.Aborted, () => Admin.DeleteMeasureAsync(new DeleteMeasureRequest { Name = measure.Name, Etag = measure.Etag }));

        Rpc.AssertErrorInfo(e, "ETAG_MISMATCH");
        Assert.Equal(current, await Admin.GetMeasureAsync(new GetMeasureRequest { Name = measure.Name }));
        Assert.Null(current.RetireTime);
        Assert.Equal(auditBefore, await AuditOfAsync(measure.Name));
        Assert.Equal([measure.Name], (await ListAllAsync(new ListMeasuresRequest { Filter = UnitFilter(slice) })).Select(m => m.Name));
    }

    [Fact]
    public async Task DeleteMeasure_of_a_retired_measure_is_FAILED_PRECONDITION_and_of_an_unknown_one_NOT_FOUND()
    {
        var slice = await NewSliceAsync();
        var measure = await CreateAsync(slice);
        var retired = await Admin.DeleteMeasureAsync(new DeleteMeasureRequest { Name = measure.Name });

        var e = await Rpc.FailsAsync(StatusCode.FailedPrecondition, () => Admin.DeleteMeasureAsync(new DeleteMeasureRequest { Name = measure.Name }));
        Rpc.AssertErrorInfo(e, "MEASURE_RETIRED");
        await Rpc.FailsAsync(StatusCode.FailedPrecondition, () => Admin.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = measure.Name, Title = "x" }, UpdateMask = Mask("title"),
        }));
        await Rpc.FailsAsync(StatusCode.NotFound, () => Admin.DeleteMeasureAsync(new DeleteMeasureRequest { Name = "measures/999999" }));
        await Rpc.InvalidAsync(() => Admin.DeleteMeasureAsync(new DeleteMeasureRequest { Name = "measures/" }), "name");
        Assert.Equal(retired, await Admin.GetMeasureAsync(new GetMeasureRequest { Name = measure.Name }));
    }

    // ---- RecordStatus / ListStatusEvents ----------------------------------------------------------

    [Fact]
    public async Task RecordStatus_appends_an_event_and_sets_the_measures_status()
    {
        var slice = await NewSliceAsync();
        var measure = await CreateAsync(slice);
        var recordedAt = Advance(TimeSpan.FromSeconds(90));

        var @event = await Coordinator.RecordStatusAsync(new RecordStatusRequest
        {
            Parent = measure.Name, Status = MeasureStatus.InProgress, ProgressPercent = 45, EffectiveDate = D(2024, 2, 29), Note = "Zwischenstand",
        });

        Assert.Matches($"^{measure.Name}/statusEvents/[1-9][0-9]*$", @event.Name);
        Assert.Equal(MeasureStatus.InProgress, @event.Status);
        Assert.Equal(45, @event.ProgressPercent);
        Assert.Equal(D(2024, 2, 29), @event.EffectiveDate);
        Assert.Equal("Zwischenstand", @event.Note);
        Assert.Equal(Timestamp.FromDateTime(recordedAt), @event.RecordTime);
        Assert.Equal("coordinator-user", @event.RecordedBy);

        var now = await Reader.GetMeasureAsync(new GetMeasureRequest { Name = measure.Name });
        Assert.Equal((MeasureStatus.InProgress, 45, D(2024, 2, 29)), (now.Status, now.ProgressPercent, now.StatusEffectiveDate));
        Assert.Equal(measure.Etag, now.Etag);

        var audit = await AuditOfAsync(@event.Name);
        var record = Assert.Single(audit);
        Assert.Equal(Service + "RecordStatus", record.Method);
        Assert.Equal("coordinator-user", record.Subject);
        using var json = JsonDocument.Parse(record.Change);
        Assert.Equal("IN_PROGRESS", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(45, json.RootElement.GetProperty("progress_percent").GetInt32());
        Assert.Equal("2024-02-29", json.RootElement.GetProperty("effective_date").GetString());
    }

    public static TheoryData<string, string> InvalidStatusRequests => new()
    {
        { "status=UNSPECIFIED", "status" },
        { "status=42", "status" },
        { "progress=101", "progress_percent" },
        { "progress=-1", "progress_percent" },
        { "effective_date=missing", "effective_date" },
        { "effective_date=empty", "effective_date" },
        { "effective_date=2023-02-29", "effective_date" },
        { "effective_date=2023-13-01", "effective_date" },
        { "note=long", "note" },
        { "parent=", "parent" },
        { "parent=measures/abc", "parent" },
    };

    [Theory]
    [MemberData(nameof(InvalidStatusRequests))]
    public async Task RecordStatus_with_an_invalid_field_is_INVALID_ARGUMENT_naming_it(string change, string field)
    {
        var slice = await NewSliceAsync();
        var measure = await CreateAsync(slice);
        var request = new RecordStatusRequest
        {
            Parent = measure.Name, Status = MeasureStatus.InProgress, ProgressPercent = 50, EffectiveDate = D(2022, 6, 1),
        };
        switch (change)
        {
            case "status=UNSPECIFIED": request.Status = MeasureStatus.Unspecified; break;
            case "status=42": request.Status = (MeasureStatus)42; break;
            case "progress=101": request.ProgressPercent = 101; break;
            case "progress=-1": request.ProgressPercent = -1; break;
            case "effective_date=missing": request.EffectiveDate = null; break;
            case "effective_date=empty": request.EffectiveDate = new Google.Type.Date(); break;
            case "effective_date=2023-02-29": request.EffectiveDate = D(2023, 2, 29); break;
            case "effective_date=2023-13-01": request.EffectiveDate = D(2023, 13, 1); break;
            case "note=long": request.Note = new string('n', MeasuresService.MaxNote + 1); break;
            case "parent=": request.Parent = ""; break;
            case "parent=measures/abc": request.Parent = "measures/abc"; break;
            default: throw new ArgumentException(change);
        }

        await Rpc.InvalidAsync(() => Admin.RecordStatusAsync(request), field);

        Assert.Empty((await Reader.ListStatusEventsAsync(new ListStatusEventsRequest { Parent = measure.Name })).StatusEvents);
    }

    [Fact]
    public async Task RecordStatus_reports_every_bad_field_once()
    {
        var slice = await NewSliceAsync();
        var measure = await CreateAsync(slice);

        await Rpc.InvalidAsync(() => Admin.RecordStatusAsync(new RecordStatusRequest
        {
            Parent = measure.Name, Status = MeasureStatus.Unspecified, ProgressPercent = 150, Note = new string('n', MeasuresService.MaxNote + 1),
        }), "status", "progress_percent", "effective_date", "note");
    }

    [Fact]
    public async Task RecordStatus_on_an_unknown_measure_is_NOT_FOUND_for_a_coordinator()
    {
        await Rpc.FailsAsync(StatusCode.NotFound, () => Coordinator.RecordStatusAsync(new RecordStatusRequest
        {
            Parent = "measures/999999", Status = MeasureStatus.InProgress, ProgressPercent = 10, EffectiveDate = D(2022, 1, 1),
        }));
    }

    [Fact]
    public async Task RecordStatus_on_a_retired_measure_is_FAILED_PRECONDITION()
    {
        var slice = await NewSliceAsync();
        var measure = await CreateAsync(slice);
        await Admin.DeleteMeasureAsync(new DeleteMeasureRequest { Name = measure.Name });

        var e = await Rpc.FailsAsync(StatusCode.FailedPrecondition, () => Admin.RecordStatusAsync(new RecordStatusRequest
        {
            Parent = measure.Name, Status = MeasureStatus.Implemented, ProgressPercent = 100, EffectiveDate = D(2022, 1, 1),
        }));

        Rpc.AssertErrorInfo(e, "MEASURE_RETIRED");
        Assert.Empty((await Reader.ListStatusEventsAsync(new ListStatusEventsRequest { Parent = measure.Name })).StatusEvents);
    }

    [Fact]
    public async Task ListStatusEvents_pages_through_the_history_in_recording_order()
    {
        var slice = await NewSliceAsync();
        var measure = await CreateAsync(slice);
        var other = await CreateAsync(slice);
        var recorded = new List<StatusEvent>();
        for (var i = 0; i < 5; i++)
        {
            recorded.Add(await RecordAsync(measure.Name, MeasureStatus.InProgress, i * 10, D(2020 - i, 1, 1), $"Schritt {i}"));
            await RecordAsync(other.Name, MeasureStatus.Ongoing, 100, D(2020, 1, 1));
            Advance(TimeSpan.FromSeconds(1));
        }

        var seen = new List<StatusEvent>();
        var request = new ListStatusEventsRequest { Parent = measure.Name, PageSize = 2 };
        var sizes = new List<int>();
        while (true)
        {
            var page = await Reader.ListStatusEventsAsync(request);
            sizes.Add(page.StatusEvents.Count);
            seen.AddRange(page.StatusEvents);
            if (page.NextPageToken == "") break;
            request.PageToken = page.NextPageToken;
        }

        Assert.Equal([2, 2, 1], sizes);
        Assert.Equal(recorded, seen);

        var foreign = (await Reader.ListStatusEventsAsync(new ListStatusEventsRequest { Parent = measure.Name, PageSize = 2 })).NextPageToken;
        await Rpc.InvalidAsync(() => Reader.ListStatusEventsAsync(new ListStatusEventsRequest { Parent = other.Name, PageSize = 2, PageToken = foreign }), "page_token");
    }

    [Fact]
    public async Task ListStatusEvents_of_an_unknown_measure_is_NOT_FOUND()
    {
        await Rpc.FailsAsync(StatusCode.NotFound, () => Reader.ListStatusEventsAsync(new ListStatusEventsRequest { Parent = "measures/999999" }));
        await Rpc.InvalidAsync(() => Reader.ListStatusEventsAsync(new ListStatusEventsRequest { Parent = "units/50" }), "parent");
    }

    // ---- StreamMeasures ---------------------------------------------------------------------------

    [Fact]
    public async Task StreamMeasures_streams_the_same_selection_as_ListMeasures()
    {
        var slice = await NewSliceAsync();
        var before = Now;
        var a = await CreateAsync(slice, field: 1, adopted: D(2015, 1, 1));
        var b = await CreateAsync(slice, field: 2, adopted: D(2019, 1, 1));
        var c = await CreateAsync(slice, field: 2, adopted: D(2016, 1, 1));
        await RecordAsync(a.Name, MeasureStatus.InProgress, 20, D(2017, 1, 1));
        await RecordAsync(c.Name, MeasureStatus.Implemented, 100, D(2018, 1, 1));
        Advance(TimeSpan.FromSeconds(10));
        var d = await CreateAsync(slice, field: 3);
        await Admin.DeleteMeasureAsync(new DeleteMeasureRequest { Name = b.Name });

        (string Filter, bool Retired, Google.Type.Date? AsOf, Timestamp? KnownAt)[] selections =
        [
            (UnitFilter(slice), false, null, null),
            (UnitFilter(slice), true, null, null),
            (UnitFilter(slice) + " AND field_of_action = 2", true, null, null),
            (UnitFilter(slice) + " AND status = IMPLEMENTED", false, null, null),
            (UnitFilter(slice), false, D(2018, 6, 30), Timestamp.FromDateTime(before.AddSeconds(5))),
            (UnitFilter(slice), true, D(2019, 6, 30), null),
        ];
        foreach (var (filter, retired, asOf, knownAt) in selections)
        {
            var listed = await ListAllAsync(new ListMeasuresRequest { Filter = filter, ShowRetired = retired, AsOf = asOf, KnownAt = knownAt, PageSize = 1 });
            var streamed = await StreamAllAsync(new StreamMeasuresRequest { Filter = filter, ShowRetired = retired, AsOf = asOf, KnownAt = knownAt }, Worker);
            Assert.Equal(listed, streamed);
        }
        Assert.Equal([a.Name, c.Name, d.Name], (await StreamAllAsync(new StreamMeasuresRequest { Filter = UnitFilter(slice) })).Select(m => m.Name));
        Assert.Equal([c.Name], (await StreamAllAsync(new StreamMeasuresRequest { Filter = UnitFilter(slice) + " AND status = IMPLEMENTED" })).Select(m => m.Name));
    }

    [Fact]
    public async Task StreamMeasures_with_a_malformed_filter_is_INVALID_ARGUMENT_naming_filter()
    {
        await Rpc.InvalidAsync(() => StreamAllAsync(new StreamMeasuresRequest { Filter = "colour = red" }), "filter");
    }

    // ---- catalogues -------------------------------------------------------------------------------

    [Fact]
    public async Task ListFieldsOfAction_returns_the_eight_seeded_fields_with_their_German_titles()
    {
        string[] titles =
        [
            "Bildung und Sprachförderung",
            "Ausbildung und Arbeitsmarkt",
            "Interkulturelle Öffnung der Verwaltung",
            "Demokratieförderung und Abbau von Diskriminierung",
            "Gesundheit",
            "Kultur, Freizeit und Sport",
            "Wohnen und Zusammenleben im Quartier",
            "Geflüchtete in städtischer Unterbringung",
        ];

        var all = await Reader.ListFieldsOfActionAsync(new ListFieldsOfActionRequest());

        Assert.Equal("", all.NextPageToken);
        Assert.Equal(Enumerable.Range(1, 8), all.FieldsOfAction.Select(f => f.Number));
        Assert.Equal(Enumerable.Range(1, 8).Select(n => $"fieldsOfAction/{n}"), all.FieldsOfAction.Select(f => f.Name));
        Assert.Equal(titles, all.FieldsOfAction.Select(f => f.Title));
        Assert.All(all.FieldsOfAction, f => Assert.False(string.IsNullOrWhiteSpace(f.Description)));

        var paged = new List<FieldOfAction>();
        var request = new ListFieldsOfActionRequest { PageSize = 3 };
        var sizes = new List<int>();
        while (true)
        {
            var page = await Reader.ListFieldsOfActionAsync(request);
            sizes.Add(page.FieldsOfAction.Count);
            paged.AddRange(page.FieldsOfAction);
            if (page.NextPageToken == "") break;
            request.PageToken = page.NextPageToken;
        }
        Assert.Equal([3, 3, 2], sizes);
        Assert.Equal(all.FieldsOfAction, paged);
    }

    [Fact]
    public async Task CreateActionConcept_stores_the_concept_and_ListActionConcepts_lists_it()
    {
        var id = Unique("konzept");
        var created = await Coordinator.CreateActionConceptAsync(new CreateActionConceptRequest
        {
            ActionConceptId = id,
            ActionConcept = new ActionConcept { Title = "Konzept zur Integration von Flüchtlingen", CouncilPaper = "16-01642", Note = "Beschlussdatum offen" },
        });

        Assert.Equal($"actionConcepts/{id}", created.Name);
        Assert.Equal("Konzept zur Integration von Flüchtlingen", created.Title);
        Assert.Null(created.AdoptedOn);
        Assert.Equal("16-01642", created.CouncilPaper);
        Assert.Equal("Beschlussdatum offen", created.Note);
        Assert.Equal(NowStamp, created.CreateTime);

        var withDate = await NewConceptAsync();
        Assert.Equal(D(2016, 1, 1), withDate.AdoptedOn);

        var listed = await ListAllConceptsAsync(pageSize: 1);
        Assert.Contains(created, listed);
        Assert.Contains(withDate, listed);
        Assert.Equal(listed.Select(c => c.Name).Distinct(), listed.Select(c => c.Name));
        Assert.Equal(listed.Select(c => c.Name).Order(StringComparer.Ordinal), listed.Select(c => c.Name));

        var audit = Assert.Single(await AuditOfAsync(created.Name));
        Assert.Equal(Service + "CreateActionConcept", audit.Method);
        Assert.Equal("coordinator-user", audit.Subject);
        Assert.Contains("16-01642", audit.Change);
    }

    [Fact]
    public async Task CreateActionConcept_refuses_duplicates_and_invalid_input()
    {
        var existing = await NewConceptAsync();
        var id = existing.Name["actionConcepts/".Length..];

        var e = await Rpc.FailsAsync(StatusCode.AlreadyExists, () => Admin.CreateActionConceptAsync(new CreateActionConceptRequest
        {
            ActionConceptId = id, ActionConcept = new ActionConcept { Title = "Noch einmal" },
        }));
        Rpc.AssertErrorInfo(e, "RESOURCE_ALREADY_EXISTS");
        await Rpc.InvalidAsync(() => Admin.CreateActionConceptAsync(new CreateActionConceptRequest
        {
            ActionConceptId = "Bad_Id", ActionConcept = new ActionConcept { Title = "" , AdoptedOn = D(2019, 2, 31) },
        }), "action_concept_id", "action_concept.title", "action_concept.adopted_on");
        await Rpc.InvalidAsync(() => Admin.CreateActionConceptAsync(new CreateActionConceptRequest()), "action_concept");
        await Rpc.InvalidAsync(() => Admin.CreateActionConceptAsync(new CreateActionConceptRequest
        {
            ActionConcept = new ActionConcept { Title = new string('t', MeasuresService.MaxTitle + 1), CouncilPaper = new string('p', MeasuresService.MaxCouncilPaper + 1) },
        }), "action_concept.title", "action_concept.council_paper");
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => As("editor-c", [Roles.Editor]).CreateActionConceptAsync(new CreateActionConceptRequest
        {
            ActionConcept = new ActionConcept { Title = "Nicht erlaubt" },
        }));
        Assert.Equal("Testkonzept", (await ListAllConceptsAsync(1000)).Single(c => c.Name == existing.Name).Title);
    }

    [Fact]
    public async Task CreateActionConcept_retried_with_the_same_request_id_creates_one_concept()
    {
        var before = await ListAllConceptsAsync(1000);
        var request = new CreateActionConceptRequest { RequestId = Guid.NewGuid().ToString(), ActionConcept = new ActionConcept { Title = "Einmalig" } };

        var first = await Admin.CreateActionConceptAsync(request);
        var retry = await Admin.CreateActionConceptAsync(request);

        Assert.Equal(first, retry);
        Assert.Equal(before.Count + 1, (await ListAllConceptsAsync(1000)).Count);
    }

    private async Task<List<ActionConcept>> ListAllConceptsAsync(int pageSize)
    {
        var all = new List<ActionConcept>();
        var request = new ListActionConceptsRequest { PageSize = pageSize };
        while (true)
        {
            var page = await Reader.ListActionConceptsAsync(request);
            all.AddRange(page.ActionConcepts);
            if (page.NextPageToken == "") return all;
            request.PageToken = page.NextPageToken;
        }
    }

    private async Task<List<OrganizationalUnit>> ListAllUnitsAsync(int pageSize)
    {
        var all = new List<OrganizationalUnit>();
        var request = new ListOrganizationalUnitsRequest { PageSize = pageSize };
        while (true)
        {
            var page = await Reader.ListOrganizationalUnitsAsync(request);
            all.AddRange(page.OrganizationalUnits);
            if (page.NextPageToken == "") return all;
            request.PageToken = page.NextPageToken;
        }
    }

    [Fact]
    public async Task CreateOrganizationalUnit_stores_the_unit_below_its_parent_and_ListOrganizationalUnits_lists_it()
    {
        var parentId = Unique("dezernat");
        var parent = await Coordinator.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest
        {
            OrganizationalUnitId = parentId, OrganizationalUnit = new OrganizationalUnit { Title = "Dezernat V" },
        });
        var child = await Coordinator.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest
        {
            OrganizationalUnitId = Unique("fb50"),
            OrganizationalUnit = new OrganizationalUnit { Title = "50 Fachbereich Soziales und Gesundheit", Parent = parent.Name },
        });

        Assert.Equal($"units/{parentId}", parent.Name);
        Assert.Equal("", parent.Parent);
        Assert.Equal(parent.Name, child.Parent);
        Assert.Equal("50 Fachbereich Soziales und Gesundheit", child.Title);
        Assert.Equal(NowStamp, child.CreateTime);

        var listed = await ListAllUnitsAsync(pageSize: 2);
        Assert.Contains(parent, listed);
        Assert.Contains(child, listed);
        Assert.Equal(listed.Select(u => u.Name).Distinct(), listed.Select(u => u.Name));

        var audit = Assert.Single(await AuditOfAsync(child.Name));
        Assert.Equal(Service + "CreateOrganizationalUnit", audit.Method);
        Assert.Contains("50 Fachbereich Soziales und Gesundheit", audit.Change);
    }

    [Fact]
    public async Task CreateOrganizationalUnit_refuses_duplicates_unknown_parents_and_invalid_input()
    {
        var unit = await NewUnitAsync();
        var before = await ListAllUnitsAsync(1000);

        await Rpc.FailsAsync(StatusCode.AlreadyExists, () => Admin.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest
        {
            OrganizationalUnitId = unit.Name["units/".Length..], OrganizationalUnit = new OrganizationalUnit { Title = "Doppelt" },
        }));
        await Rpc.InvalidAsync(() => Admin.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest
        {
            OrganizationalUnit = new OrganizationalUnit { Title = "Ohne Eltern", Parent = "units/does-not-exist" },
        }), "organizational_unit.parent");
        await Rpc.InvalidAsync(() => Admin.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest
        {
            OrganizationalUnitId = "-bad-", OrganizationalUnit = new OrganizationalUnit { Title = " ", Parent = "departments/5" },
        }), "organizational_unit_id", "organizational_unit.title", "organizational_unit.parent");
        await Rpc.InvalidAsync(() => Admin.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest()), "organizational_unit");
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => Reader.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest
        {
            OrganizationalUnit = new OrganizationalUnit { Title = "Nicht erlaubt" },
        }));

        Assert.Equal(before, await ListAllUnitsAsync(1000));
    }

    [Fact]
    public async Task CreateOrganizationalUnit_retried_with_the_same_request_id_creates_one_unit()
    {
        var before = await ListAllUnitsAsync(1000);
        var request = new CreateOrganizationalUnitRequest { RequestId = Guid.NewGuid().ToString(), OrganizationalUnit = new OrganizationalUnit { Title = "Einmalig" } };

        var first = await Admin.CreateOrganizationalUnitAsync(request);
        var retry = await Admin.CreateOrganizationalUnitAsync(request);

        Assert.Equal(first, retry);
        Assert.Equal(before.Count + 1, (await ListAllUnitsAsync(1000)).Count);
    }
}

public sealed class SqliteMeasureApiTests(SqliteFixture fixture) : MeasureApiTests(fixture), IClassFixture<SqliteFixture>;

public sealed class SqlServerMeasureApiTests(SqlServerFixture fixture) : MeasureApiTests(fixture), IClassFixture<SqlServerFixture>;
