using System.Text.Json;
using Google.Protobuf.WellKnownTypes;

namespace IntegrationServices.Measures.Tests;

/// <summary>UpdateMeasure: field masks (AIP-134), validation of the changed measure, etags.</summary>
public abstract class UpdateMeasureTests(MeasuresFixture fixture) : MeasuresTestBase(fixture)
{
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
        Assert.Equal("updated", json.RootElement.GetProperty("action").GetString());
        var title = Assert.Single(json.RootElement.GetProperty("fields").EnumerateObject());
        Assert.Equal("title", title.Name);
        Assert.Equal("Alter Titel", title.Value.GetProperty("old").GetString());
        Assert.Equal("Neuer Titel", title.Value.GetProperty("new").GetString());
    }

    [Fact]
    public async Task An_empty_mask_updates_the_populated_fields_and_a_star_mask_clears_the_unset_ones()
    {
        var slice = await NewSliceAsync();
        var parent = await CreateAsync(slice);
        var measure = await CreateAsync(slice, field: 2, title: "Alter Titel", parent: parent.Name);
        var renamedAt = Advance(TimeSpan.FromMinutes(1));

        // No mask (AIP-134): exactly the fields the request sets; the description, the parent and the rest stay.
        var renamed = await Admin.UpdateMeasureAsync(new UpdateMeasureRequest { Measure = new Measure { Name = measure.Name, Title = "Neuer Titel", FieldOfAction = 5 } });

        var expected = measure.Clone();
        expected.Title = "Neuer Titel";
        expected.FieldOfAction = 5;
        expected.UpdateTime = Timestamp.FromDateTime(renamedAt);
        expected.Etag = renamed.Etag;
        Assert.Equal(expected, renamed);
        using (var json = JsonDocument.Parse((await AuditOfAsync(measure.Name))[^1].Change))
            Assert.Equal(["title", "field_of_action"], json.RootElement.GetProperty("update_mask").EnumerateArray().Select(e => e.GetString()));

        // No mask and nothing updatable set: there is nothing to do, and the caller hears so.
        await Rpc.InvalidAsync(() => Admin.UpdateMeasureAsync(new UpdateMeasureRequest { Measure = new Measure { Name = measure.Name, Etag = renamed.Etag } }), "update_mask");

        // "*": every updatable field, so the ones left unset are cleared ...
        var replacement = renamed.Clone();
        replacement.Description = "";
        replacement.Parent = "";
        var replaced = await Admin.UpdateMeasureAsync(new UpdateMeasureRequest { Measure = replacement, UpdateMask = Mask("*") });
        Assert.Equal(("", "", "Neuer Titel", 5, renamed.Code), (replaced.Description, replaced.Parent, replaced.Title, replaced.FieldOfAction, replaced.Code));

        // ... and required ones left unset are violations, each of its own field; nothing is written.
        await Rpc.InvalidAsync(() => Admin.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = measure.Name, Title = "Nur der Titel" }, UpdateMask = Mask("*"),
        }), "measure.code", "measure.action_concept", "measure.field_of_action", "measure.responsible_unit", "measure.adopted_on");
        Assert.Equal(replaced, await Admin.GetMeasureAsync(new GetMeasureRequest { Name = measure.Name }));
        Assert.Equal(3, (await AuditOfAsync(measure.Name)).Count);
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
        // Read after its children exist (its roll-up counts them).
        top = await Admin.GetMeasureAsync(new GetMeasureRequest { Name = top.Name });

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

        Rpc.ErrorInfo(e, "ETAG_MISMATCH");
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
}

public sealed class SqliteUpdateMeasureTests(SqliteFixture fixture) : UpdateMeasureTests(fixture), IClassFixture<SqliteFixture>;

public sealed class SqlServerUpdateMeasureTests(SqlServerFixture fixture) : UpdateMeasureTests(fixture), IClassFixture<SqlServerFixture>;
