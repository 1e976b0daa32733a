using Google.Protobuf.WellKnownTypes;
using IntegrationServices.Contracts.Common.V1;

namespace IntegrationServices.Measures.Tests;

/// <summary>Authentication, role policies and the editors' unit scope (API.md "Security").</summary>
public abstract class SecurityTests(MeasuresFixture fixture) : MeasuresTestBase(fixture)
{
    /// <summary>dezernat-x ⊃ amt ⊃ team, and an unrelated unit; one measure in each.</summary>
    private sealed record Units(string Top, string Amt, string Team, string Other, Measure InTop, Measure InAmt, Measure InTeam, Measure InOther);

    private async Task<Units> UnitsAsync()
    {
        var concept = (await NewConceptAsync()).Name;
        var top = await NewUnitAsync(id: Unique("dezernat-x"), title: "Dezernat X");
        var amt = await NewUnitAsync(parent: top.Name, title: "Amt unter Dezernat X");
        var team = await NewUnitAsync(parent: amt.Name, title: "Team unter dem Amt");
        var other = await NewUnitAsync(title: "Anderes Dezernat");
        return new Units(top.Name, amt.Name, team.Name, other.Name,
            await CreateAsync(new Slice(top.Name, concept)), await CreateAsync(new Slice(amt.Name, concept)),
            await CreateAsync(new Slice(team.Name, concept)), await CreateAsync(new Slice(other.Name, concept)));
    }

    private static RecordStatusRequest Status(string measure) => new()
    {
        Parent = measure, Status = MeasureStatus.InProgress, ProgressPercent = 25, EffectiveDate = D(2025, 1, 1),
    };

    private static UpdateMeasureRequest Rename(string measure, string title) => new()
    {
        Measure = new Measure { Name = measure, Title = title }, UpdateMask = new FieldMask { Paths = { "title" } },
    };

    [Fact]
    public async Task Calls_without_a_valid_token_are_UNAUTHENTICATED()
    {
        var slice = await NewSliceAsync();
        var measure = await CreateAsync(slice);

        await Rpc.FailsAsync(StatusCode.Unauthenticated, () => Anonymous.GetMeasureAsync(new GetMeasureRequest { Name = measure.Name }));
        await Rpc.FailsAsync(StatusCode.Unauthenticated, () => Anonymous.ListMeasuresAsync(new ListMeasuresRequest()));
        await Rpc.FailsAsync(StatusCode.Unauthenticated, () => Anonymous.ListFieldsOfActionAsync(new ListFieldsOfActionRequest()));
        await Rpc.FailsAsync(StatusCode.Unauthenticated, () => StreamAllAsync(new StreamMeasuresRequest(), Anonymous));
        await Rpc.FailsAsync(StatusCode.Unauthenticated, () => Anonymous.CreateMeasureAsync(new CreateMeasureRequest { Measure = Draft(slice) }));
        await Rpc.FailsAsync(StatusCode.Unauthenticated, () => Anonymous.RecordStatusAsync(Status(measure.Name)));
        await Rpc.FailsAsync(StatusCode.Unauthenticated, () => Anonymous.ListAuditRecordsAsync(new ListAuditRecordsRequest()));

        foreach (var (key, token) in new[]
                 {
                     ("expired", TestTokens.Expired(Roles.Admin)),
                     ("not-yet-valid", TestTokens.NotYetValid(Roles.Admin)),
                     ("wrong-audience", TestTokens.WrongAudience(Roles.Admin)),
                     ("wrongly-signed", TestTokens.WronglySigned(Roles.Admin)),
                     ("garbage", "not.a.jwt"),
                 })
        {
            var client = Client(key, token);
            await Rpc.FailsAsync(StatusCode.Unauthenticated, () => client.ListFieldsOfActionAsync(new ListFieldsOfActionRequest()));
            await Rpc.FailsAsync(StatusCode.Unauthenticated, () => client.RecordStatusAsync(Status(measure.Name)));
        }

        Assert.Equal([measure], await ListAllAsync(new ListMeasuresRequest { Filter = UnitFilter(slice) }));
        Assert.Empty((await Reader.ListStatusEventsAsync(new ListStatusEventsRequest { Parent = measure.Name })).StatusEvents);
    }

    [Fact]
    public async Task A_reader_may_read_everything_public_but_write_nothing()
    {
        var slice = await NewSliceAsync();
        var measure = await CreateAsync(slice);

        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => Reader.CreateMeasureAsync(new CreateMeasureRequest { Measure = Draft(slice) }));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => Reader.UpdateMeasureAsync(Rename(measure.Name, "Leser")));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => Reader.DeleteMeasureAsync(new DeleteMeasureRequest { Name = measure.Name }));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => Reader.RecordStatusAsync(Status(measure.Name)));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => Reader.CreateActionConceptAsync(new CreateActionConceptRequest { ActionConcept = new ActionConcept { Title = "x" } }));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => Reader.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest { OrganizationalUnit = new OrganizationalUnit { Title = "x" } }));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => Reader.ListAuditRecordsAsync(new ListAuditRecordsRequest()));

        Assert.Equal(measure, await Reader.GetMeasureAsync(new GetMeasureRequest { Name = measure.Name }));
        Assert.Equal([measure], (await Reader.ListMeasuresAsync(new ListMeasuresRequest { Filter = UnitFilter(slice) })).Measures);
        Assert.Equal([measure], await StreamAllAsync(new StreamMeasuresRequest { Filter = UnitFilter(slice) }, Reader));
        Assert.Empty((await Reader.ListStatusEventsAsync(new ListStatusEventsRequest { Parent = measure.Name })).StatusEvents);
        Assert.Equal(8, (await Reader.ListFieldsOfActionAsync(new ListFieldsOfActionRequest())).FieldsOfAction.Count);
        Assert.NotEmpty((await Reader.ListActionConceptsAsync(new ListActionConceptsRequest())).ActionConcepts);
        Assert.NotEmpty((await Reader.ListOrganizationalUnitsAsync(new ListOrganizationalUnitsRequest())).OrganizationalUnits);
        Assert.Single(await AuditOfAsync(measure.Name));
    }

    [Fact]
    public async Task Editors_workers_and_coordinators_have_exactly_their_rights()
    {
        var units = await UnitsAsync();
        var editor = As("editor-rights", [Roles.Editor], [units.Top]);
        var slice = new Slice(units.Top, units.InTop.ActionConcept);

        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => editor.CreateMeasureAsync(new CreateMeasureRequest { Measure = Draft(slice) }));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => editor.DeleteMeasureAsync(new DeleteMeasureRequest { Name = units.InTop.Name }));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => editor.ListAuditRecordsAsync(new ListAuditRecordsRequest()));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => Worker.GetMeasureAsync(new GetMeasureRequest { Name = units.InTop.Name }));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => Worker.ListMeasuresAsync(new ListMeasuresRequest()));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => Worker.RecordStatusAsync(Status(units.InTop.Name)));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => Coordinator.ListAuditRecordsAsync(new ListAuditRecordsRequest()));
        Assert.Equal([units.InTop], await StreamAllAsync(new StreamMeasuresRequest { Filter = UnitFilter(slice) }, Worker));

        // Coordinators are not scoped to units.
        await Coordinator.RecordStatusAsync(Status(units.InOther.Name));
        await Coordinator.UpdateMeasureAsync(Rename(units.InOther.Name, "vom Koordinator"));
        Assert.Equal(units.InTop, await editor.GetMeasureAsync(new GetMeasureRequest { Name = units.InTop.Name }));
    }

    [Fact]
    public async Task An_editor_may_change_measures_of_their_unit_and_of_units_below_it()
    {
        var units = await UnitsAsync();
        var editor = As("anna.editor", [Roles.Editor], [units.Top]);

        foreach (var measure in new[] { units.InTop, units.InAmt, units.InTeam })
        {
            var @event = await editor.RecordStatusAsync(Status(measure.Name));
            Assert.Equal("anna.editor", @event.RecordedBy);
            var renamed = await editor.UpdateMeasureAsync(Rename(measure.Name, "von Anna geändert"));
            Assert.Equal("von Anna geändert", renamed.Title);
        }

        // Moving a measure within the editor's units is allowed.
        var moved = await editor.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = units.InTeam.Name, ResponsibleUnit = units.Amt }, UpdateMask = new FieldMask { Paths = { "responsible_unit" } },
        });
        Assert.Equal(units.Amt, moved.ResponsibleUnit);

        // A claim on the middle unit covers the team below it.
        var amtEditor = As("amt.editor", [Roles.Editor], [units.Amt]);
        await amtEditor.RecordStatusAsync(Status(units.InAmt.Name));
    }

    [Fact]
    public async Task An_editor_is_PERMISSION_DENIED_outside_their_units_and_for_unknown_measures()
    {
        var units = await UnitsAsync();
        var editor = As("bert.editor", [Roles.Editor], [units.Top]);
        var amtEditor = As("carla.editor", [Roles.Editor], [units.Amt]);
        var unitless = As("dora.editor", [Roles.Editor]);

        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => editor.RecordStatusAsync(Status(units.InOther.Name)));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => editor.UpdateMeasureAsync(Rename(units.InOther.Name, "fremd")));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => editor.RecordStatusAsync(Status("measures/999999")));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => editor.UpdateMeasureAsync(Rename("measures/999999", "unbekannt")));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => editor.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = units.InTeam.Name, ResponsibleUnit = units.Other }, UpdateMask = new FieldMask { Paths = { "responsible_unit" } },
        }));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => amtEditor.RecordStatusAsync(Status(units.InTop.Name)));
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => unitless.RecordStatusAsync(Status(units.InTop.Name)));

        foreach (var measure in new[] { units.InTop, units.InTeam, units.InOther })
        {
            Assert.Equal(measure, await Reader.GetMeasureAsync(new GetMeasureRequest { Name = measure.Name }));
            Assert.Empty((await Reader.ListStatusEventsAsync(new ListStatusEventsRequest { Parent = measure.Name })).StatusEvents);
            Assert.Single(await AuditOfAsync(measure.Name));
        }
    }

    [Fact]
    public async Task The_recorder_of_a_status_event_is_the_token_subject()
    {
        var units = await UnitsAsync();
        var editor = Client("subject-test", TestTokens.For([Roles.Editor], [units.Top], subject: "emil.sub-4711", name: "Emil Beispiel"));

        var @event = await editor.RecordStatusAsync(Status(units.InTeam.Name));

        Assert.Equal("emil.sub-4711", @event.RecordedBy);
        Assert.Equal(@event, Assert.Single((await Reader.ListStatusEventsAsync(new ListStatusEventsRequest { Parent = units.InTeam.Name })).StatusEvents));
        var audit = Assert.Single(await AuditOfAsync(@event.Name));
        Assert.Equal("emil.sub-4711", audit.Subject);
        Assert.Equal("Emil Beispiel", audit.SubjectName);
    }
}

public sealed class SqliteSecurityTests(SqliteFixture fixture) : SecurityTests(fixture), IClassFixture<SqliteFixture>;

public sealed class SqlServerSecurityTests(SqlServerFixture fixture) : SecurityTests(fixture), IClassFixture<SqlServerFixture>;
