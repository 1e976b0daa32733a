using Google.Protobuf.WellKnownTypes;

namespace IntegrationServices.Measures.Tests;

/// <summary>DeleteMeasure: retiring a measure keeps its history; etags and retired measures.</summary>
public abstract class RetireMeasureTests(MeasuresFixture fixture) : MeasuresTestBase(fixture)
{
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

        Rpc.ErrorInfo(e, "ETAG_MISMATCH");
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
        Rpc.ErrorInfo(e, "MEASURE_RETIRED");
        await Rpc.FailsAsync(StatusCode.FailedPrecondition, () => Admin.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = measure.Name, Title = "x" }, UpdateMask = Mask("title"),
        }));
        await Rpc.FailsAsync(StatusCode.NotFound, () => Admin.DeleteMeasureAsync(new DeleteMeasureRequest { Name = "measures/999999" }));
        await Rpc.InvalidAsync(() => Admin.DeleteMeasureAsync(new DeleteMeasureRequest { Name = "measures/" }), "name");
        Assert.Equal(retired, await Admin.GetMeasureAsync(new GetMeasureRequest { Name = measure.Name }));
    }
}

public sealed class SqliteRetireMeasureTests(SqliteFixture fixture) : RetireMeasureTests(fixture), IClassFixture<SqliteFixture>;

public sealed class SqlServerRetireMeasureTests(SqlServerFixture fixture) : RetireMeasureTests(fixture), IClassFixture<SqlServerFixture>;
