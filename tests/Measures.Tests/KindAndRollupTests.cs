using Google.Protobuf.WellKnownTypes;

namespace IntegrationServices.Measures.Tests;

/// <summary>
/// Release 2 fields of a measure (API.md): the kind (further activities need neither concept nor
/// adoption date), the status note in force, and the roll-up of direct children — each with the same
/// as_of/known_at as the rest of the answer, on GetMeasure, ListMeasures and StreamMeasures alike.
/// </summary>
public abstract class KindAndRollupTests(MeasuresFixture fixture) : MeasuresTestBase(fixture)
{
    private static Measure FurtherActivity(Slice slice) => new(Draft(slice)) { ActionConcept = "", AdoptedOn = null, Kind = MeasureKind.FurtherActivity };

    private Task<Measure> GetAsync(string name, Google.Type.Date? asOf = null, DateTime? knownAt = null) =>
        Reader.GetMeasureAsync(new GetMeasureRequest { Name = name, AsOf = asOf, KnownAt = knownAt is { } k ? Timestamp.FromDateTime(k) : null }).ResponseAsync;

    [Fact]
    public async Task A_further_activity_needs_no_concept_and_no_adoption_date_and_is_filtered_by_kind()
    {
        var slice = await NewSliceAsync();
        var activity = await CreateAsync(FurtherActivity(slice));
        var adopted = await CreateAsync(new Measure(Draft(slice)) { Kind = MeasureKind.Unspecified });

        Assert.Equal(MeasureKind.FurtherActivity, activity.Kind);
        Assert.Equal("", activity.ActionConcept);
        Assert.Null(activity.AdoptedOn);
        Assert.Equal(MeasureKind.CouncilAdopted, adopted.Kind);
        Assert.Equal([activity.Name], (await ListAllAsync(new ListMeasuresRequest { Filter = UnitFilter(slice) + " AND kind = FURTHER_ACTIVITY" })).Select(m => m.Name));
        Assert.Equal([adopted.Name], (await ListAllAsync(new ListMeasuresRequest { Filter = UnitFilter(slice) + " AND kind = COUNCIL_ADOPTED" })).Select(m => m.Name));
        // Without an adoption date it belongs to every as_of once it is known.
        Assert.Contains(activity.Name, (await ListAllAsync(new ListMeasuresRequest { Filter = UnitFilter(slice), AsOf = D(2000, 1, 1) })).Select(m => m.Name));
        var created = Assert.Single(await AuditOfAsync(activity.Name));
        var kind = System.Text.Json.JsonDocument.Parse(created.Change).RootElement.GetProperty("fields").GetProperty("kind").GetProperty("new");
        Assert.Equal("FURTHER_ACTIVITY", kind.GetString());
    }

    [Fact]
    public async Task A_council_adopted_measure_without_concept_or_adoption_date_is_refused_field_by_field()
    {
        var slice = await NewSliceAsync();

        var missing = await Rpc.InvalidAsync(() => Admin.CreateMeasureAsync(new CreateMeasureRequest
        {
            Measure = new Measure(Draft(slice)) { ActionConcept = "", AdoptedOn = null },
        }).ResponseAsync, "measure.action_concept", "measure.adopted_on");
        Assert.All(missing, v => Assert.Contains("FURTHER_ACTIVITY", v.Description));

        var activity = await CreateAsync(FurtherActivity(slice));
        // Turning a further activity into a council-adopted measure needs the concept and the date as well.
        var turned = await Rpc.InvalidAsync(() => Admin.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = activity.Name, Kind = MeasureKind.CouncilAdopted }, UpdateMask = Mask("kind"),
        }).ResponseAsync, "measure.action_concept", "measure.adopted_on");
        Assert.All(turned, v => Assert.Contains("FURTHER_ACTIVITY", v.Description));
        var adopted = await Admin.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = activity.Name, Kind = MeasureKind.CouncilAdopted, ActionConcept = slice.Concept, AdoptedOn = D(2019, 1, 1) },
        });
        Assert.Equal((MeasureKind.CouncilAdopted, slice.Concept), (adopted.Kind, adopted.ActionConcept));

        var undefined = await Rpc.InvalidAsync(() => Admin.CreateMeasureAsync(new CreateMeasureRequest
        {
            Measure = new Measure(Draft(slice)) { Kind = (MeasureKind)7 },
        }).ResponseAsync, "measure.kind");
        Assert.Contains("FURTHER_ACTIVITY", Assert.Single(undefined).Description);
    }

    [Fact]
    public async Task The_status_note_is_that_of_the_event_in_force_at_the_point_in_time()
    {
        var slice = await NewSliceAsync();
        var m = await CreateAsync(slice);
        Assert.Equal("", m.StatusNote);
        await RecordAsync(m.Name, MeasureStatus.InProgress, 20, D(2017, 3, 1), "Start mit zwei Gruppen");
        var before = Now;
        Advance(TimeSpan.FromHours(1));
        await RecordAsync(m.Name, MeasureStatus.InProgress, 60, D(2018, 3, 1), "Ausgeweitet auf sechs Gruppen");

        Assert.Equal("Ausgeweitet auf sechs Gruppen", (await GetAsync(m.Name)).StatusNote);
        Assert.Equal("Start mit zwei Gruppen", (await GetAsync(m.Name, D(2017, 12, 31))).StatusNote);
        Assert.Equal("Start mit zwei Gruppen", (await GetAsync(m.Name, D(2018, 6, 30), before)).StatusNote);
        Assert.Equal("Ausgeweitet auf sechs Gruppen",
            Assert.Single(await StreamAllAsync(new StreamMeasuresRequest { Filter = UnitFilter(slice), AsOf = D(2018, 6, 30) }, Worker)).StatusNote);
    }

    [Fact]
    public async Task A_parent_rolls_up_its_direct_living_children_as_of_the_point_in_time()
    {
        var slice = await NewSliceAsync();
        var parent = await CreateAsync(slice);
        var a = await CreateAsync(slice, parent: parent.Name);
        var b = await CreateAsync(slice, parent: parent.Name);
        var grandchild = await CreateAsync(slice, parent: a.Name);
        await RecordAsync(a.Name, MeasureStatus.InProgress, 40, D(2017, 1, 1));
        await RecordAsync(b.Name, MeasureStatus.InProgress, 10, D(2017, 1, 1));
        await RecordAsync(b.Name, MeasureStatus.Implemented, 100, D(2019, 1, 1));
        await RecordAsync(grandchild.Name, MeasureStatus.Implemented, 100, D(2017, 1, 1));
        var twoChildren = Now;
        Advance(TimeSpan.FromHours(1));

        // Unweighted mean of the direct children only (the grandchild counts for a, not for the parent).
        var now = await GetAsync(parent.Name);
        Assert.Equal((2, 70.0), (now.ChildrenCount, now.RollupProgressPercent));
        Assert.Equal((1, 100.0), ((await GetAsync(a.Name)).ChildrenCount, (await GetAsync(a.Name)).RollupProgressPercent));
        var leaf = await GetAsync(b.Name);
        Assert.Equal(0, leaf.ChildrenCount);
        Assert.False(leaf.HasRollupProgressPercent);
        // As of 2018 b had 10 %; a child without events counts with 0 %.
        Assert.Equal(25.0, (await GetAsync(parent.Name, D(2018, 6, 30))).RollupProgressPercent);
        var early = await GetAsync(parent.Name, D(2016, 6, 30));
        Assert.Equal((2, 0.0), (early.ChildrenCount, early.RollupProgressPercent));

        // b moves away, a third child is retired: both leave the roll-up, but not the past.
        await Admin.UpdateMeasureAsync(new UpdateMeasureRequest { Measure = new Measure { Name = b.Name, Parent = "" }, UpdateMask = Mask("parent") });
        var c = await CreateAsync(slice, parent: parent.Name);
        await Admin.DeleteMeasureAsync(new DeleteMeasureRequest { Name = c.Name });

        var after = await GetAsync(parent.Name);
        Assert.Equal((1, 40.0), (after.ChildrenCount, after.RollupProgressPercent));
        var then = await GetAsync(parent.Name, knownAt: twoChildren);
        Assert.Equal((2, 70.0), (then.ChildrenCount, then.RollupProgressPercent));
        var listed = Assert.Single(await ListAllAsync(new ListMeasuresRequest { Filter = UnitFilter(slice) + $" AND code = \"{parent.Code}\"", KnownAt = Timestamp.FromDateTime(twoChildren) }));
        Assert.Equal(then, listed);
    }
}

public sealed class SqliteKindAndRollupTests(SqliteFixture fixture) : KindAndRollupTests(fixture), IClassFixture<SqliteFixture>;

public sealed class SqlServerKindAndRollupTests(SqlServerFixture fixture) : KindAndRollupTests(fixture), IClassFixture<SqlServerFixture>;
