using Google.Protobuf.WellKnownTypes;

namespace IntegrationServices.Measures.Tests;

/// <summary>GetMeasure, ListMeasures and StreamMeasures: reading measures (paging, filters and time travel have their own classes).</summary>
public abstract class GetAndListMeasureTests(MeasuresFixture fixture) : MeasuresTestBase(fixture)
{
    [Fact]
    public async Task GetMeasure_of_an_unknown_measure_is_NOT_FOUND()
    {
        var e = await Rpc.FailsAsync(StatusCode.NotFound, () => Reader.GetMeasureAsync(new GetMeasureRequest { Name = "measures/999999" }));
        Rpc.ErrorInfo(e, "RESOURCE_NOT_FOUND");
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
}

public sealed class SqliteGetAndListMeasureTests(SqliteFixture fixture) : GetAndListMeasureTests(fixture), IClassFixture<SqliteFixture>;

public sealed class SqlServerGetAndListMeasureTests(SqlServerFixture fixture) : GetAndListMeasureTests(fixture), IClassFixture<SqlServerFixture>;
