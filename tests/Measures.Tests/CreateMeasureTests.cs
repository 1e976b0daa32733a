namespace IntegrationServices.Measures.Tests;

/// <summary>CreateMeasure: what it stores, its unique code, its request id and its validation.</summary>
public abstract class CreateMeasureTests(MeasuresFixture fixture) : MeasuresTestBase(fixture)
{
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
    public async Task A_duplicate_code_is_ALREADY_EXISTS_on_create_and_on_update()
    {
        var slice = await NewSliceAsync();
        var code = Unique("DUP");
        await CreateAsync(slice, code: code);
        var other = await CreateAsync(slice);

        var e = await Rpc.FailsAsync(StatusCode.AlreadyExists, () => Admin.CreateMeasureAsync(new CreateMeasureRequest { Measure = Draft(slice, code: code) }));
        Rpc.ErrorInfo(e, "RESOURCE_ALREADY_EXISTS");
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
            case "title": m.Title = value == "long" ? new string('T', MeasureFields.MaxTitle + 1) : value; break;
            case "code": m.Code = value == "long" ? new string('C', MeasureFields.MaxCode + 1) : value; break;
            case "description": m.Description = value == "long" ? new string('D', MeasureFields.MaxDescription + 1) : value; break;
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
}

public sealed class SqliteCreateMeasureTests(SqliteFixture fixture) : CreateMeasureTests(fixture), IClassFixture<SqliteFixture>;

public sealed class SqlServerCreateMeasureTests(SqlServerFixture fixture) : CreateMeasureTests(fixture), IClassFixture<SqlServerFixture>;
