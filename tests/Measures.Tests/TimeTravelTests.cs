using Google.Protobuf.WellKnownTypes;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.Measures.Storage;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.Measures.Tests;

/// <summary>
/// as_of / known_at: what the system knew at known_at about the state on as_of (API.md "Time travel").
/// Record times come from the fake clock, which the tests move forward between writes.
/// </summary>
public abstract class TimeTravelTests(MeasuresFixture fixture) : MeasuresTestBase(fixture)
{
    private static Timestamp T(DateTime instant) => Timestamp.FromDateTime(instant);

    private Task<Measure> GetAsync(string name, Google.Type.Date? asOf = null, DateTime? knownAt = null) =>
        Reader.GetMeasureAsync(new GetMeasureRequest { Name = name, AsOf = asOf, KnownAt = knownAt is { } k ? T(k) : null }).ResponseAsync;

    /// <summary>ListMeasures (two per page) and StreamMeasures of one selection; asserts they agree.</summary>
    private async Task<List<Measure>> SelectAsync(Slice slice, Google.Type.Date? asOf = null, DateTime? knownAt = null, bool showRetired = false, string? and = null)
    {
        var filter = UnitFilter(slice) + (and is null ? "" : " AND " + and);
        var known = knownAt is { } k ? T(k) : null;
        var listed = await ListAllAsync(new ListMeasuresRequest { Filter = filter, AsOf = asOf, KnownAt = known, ShowRetired = showRetired, PageSize = 2 });
        var streamed = await StreamAllAsync(new StreamMeasuresRequest { Filter = filter, AsOf = asOf, KnownAt = known, ShowRetired = showRetired }, Worker);
        Assert.Equal(listed, streamed);
        return listed;
    }

    private static (MeasureStatus, int, Google.Type.Date?) StatusOf(Measure m) => (m.Status, m.ProgressPercent, m.StatusEffectiveDate);

    [Fact]
    public async Task The_status_as_of_a_date_is_that_of_the_latest_event_effective_by_then()
    {
        var slice = await NewSliceAsync();
        var m = await CreateAsync(slice, adopted: D(2016, 1, 1));
        await RecordAsync(m.Name, MeasureStatus.InProgress, 20, D(2017, 3, 1));
        await RecordAsync(m.Name, MeasureStatus.Implemented, 100, D(2019, 5, 1));

        Assert.Equal((MeasureStatus.InProgress, 20, D(2017, 3, 1)), StatusOf(await GetAsync(m.Name, D(2018, 6, 30))));
        Assert.Equal((MeasureStatus.NotStarted, 0, (Google.Type.Date?)null), StatusOf(await GetAsync(m.Name, D(2017, 2, 28))));
        Assert.Equal((MeasureStatus.InProgress, 20, D(2017, 3, 1)), StatusOf(await GetAsync(m.Name, D(2017, 3, 1))));
        Assert.Equal((MeasureStatus.Implemented, 100, D(2019, 5, 1)), StatusOf(await GetAsync(m.Name, D(2019, 5, 1))));
        Assert.Equal((MeasureStatus.Implemented, 100, D(2019, 5, 1)), StatusOf(await GetAsync(m.Name)));

        Assert.Equal((MeasureStatus.InProgress, 20, D(2017, 3, 1)), StatusOf(Assert.Single(await SelectAsync(slice, D(2018, 6, 30)))));
        Assert.Single(await SelectAsync(slice, D(2018, 6, 30), and: "status = IN_PROGRESS"));
        Assert.Empty(await SelectAsync(slice, D(2018, 6, 30), and: "status = IMPLEMENTED"));
        Assert.Single(await SelectAsync(slice, and: "status = IMPLEMENTED"));
    }

    [Fact]
    public async Task A_late_recorded_event_is_seen_only_with_a_known_at_at_or_after_its_recording()
    {
        var slice = await NewSliceAsync();
        var m = await CreateAsync(slice, adopted: D(2016, 1, 1));
        await RecordAsync(m.Name, MeasureStatus.InProgress, 10, D(2017, 2, 15));
        await RecordAsync(m.Name, MeasureStatus.Ongoing, 100, D(2019, 9, 30));
        var beforeLate = Advance(TimeSpan.FromHours(1));
        var lateAt = Advance(TimeSpan.FromHours(1));

        var late = await RecordAsync(m.Name, MeasureStatus.InProgress, 50, D(2018, 1, 15), "nachgetragen");

        Assert.Equal(T(lateAt), late.RecordTime);
        var asOf = D(2018, 6, 30);
        Assert.Equal((MeasureStatus.InProgress, 10, D(2017, 2, 15)), StatusOf(await GetAsync(m.Name, asOf, beforeLate)));
        Assert.Equal((MeasureStatus.InProgress, 10, D(2017, 2, 15)), StatusOf(await GetAsync(m.Name, asOf, lateAt.AddTicks(-1))));
        Assert.Equal((MeasureStatus.InProgress, 50, D(2018, 1, 15)), StatusOf(await GetAsync(m.Name, asOf, lateAt)));
        Assert.Equal((MeasureStatus.InProgress, 50, D(2018, 1, 15)), StatusOf(await GetAsync(m.Name, asOf, Advance(TimeSpan.FromDays(1)))));
        Assert.Equal((MeasureStatus.InProgress, 50, D(2018, 1, 15)), StatusOf(await GetAsync(m.Name, asOf)));

        Assert.Equal(10, Assert.Single(await SelectAsync(slice, asOf, beforeLate)).ProgressPercent);
        Assert.Equal(50, Assert.Single(await SelectAsync(slice, asOf, lateAt)).ProgressPercent);
        // Today, the 2019 event is the latest whatever was recorded late.
        Assert.Equal(MeasureStatus.Ongoing, Assert.Single(await SelectAsync(slice)).Status);
    }

    [Fact]
    public async Task On_a_tie_of_effective_date_the_later_recorded_event_wins()
    {
        var slice = await NewSliceAsync();
        var m = await CreateAsync(slice, adopted: D(2016, 1, 1));
        var first = Advance(TimeSpan.FromMinutes(1));
        await RecordAsync(m.Name, MeasureStatus.Discontinued, 30, D(2020, 2, 1));
        Advance(TimeSpan.FromMinutes(1));
        await RecordAsync(m.Name, MeasureStatus.Ongoing, 100, D(2020, 2, 1));

        Assert.Equal(MeasureStatus.Ongoing, (await GetAsync(m.Name, D(2020, 6, 30))).Status);
        Assert.Equal(MeasureStatus.Discontinued, (await GetAsync(m.Name, D(2020, 6, 30), first)).Status);

        // An imported historical event on the same date with an older record time (but a newer id) does not win.
        var repository = Host.Services.GetRequiredService<MeasureRepository>();
        await Host.Services.GetRequiredService<Database>().WriteAsync(async db =>
        {
            await repository.InsertStatusEventAsync(db, long.Parse(IdOf(m.Name), System.Globalization.CultureInfo.InvariantCulture),
                new StatusChange(MeasureStatus.Implemented, 100, new DateOnly(2020, 2, 1), "historisch"), first.AddSeconds(-30), "import", CancellationToken.None);
        }, CancellationToken.None);

        Assert.Equal(MeasureStatus.Ongoing, (await GetAsync(m.Name, D(2020, 6, 30))).Status);
        Assert.Equal(MeasureStatus.Discontinued, (await GetAsync(m.Name, D(2020, 6, 30), first)).Status);
        Assert.Equal(MeasureStatus.Implemented, (await GetAsync(m.Name, D(2020, 6, 30), first.AddSeconds(-10))).Status);
    }

    [Fact]
    public async Task An_update_is_invisible_with_a_known_at_before_it()
    {
        var slice = await NewSliceAsync();
        var moved = await NewUnitAsync();
        var original = await CreateAsync(slice, field: 2, title: "Alter Titel");
        var updatedAt = Advance(TimeSpan.FromMinutes(2));
        var updated = await Admin.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = original.Name, Title = "Neuer Titel", FieldOfAction = 6 },
            UpdateMask = new FieldMask { Paths = { "title", "field_of_action" } },
        });
        var movedAt = Advance(TimeSpan.FromMinutes(2));
        await Admin.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = original.Name, ResponsibleUnit = moved.Name }, UpdateMask = new FieldMask { Paths = { "responsible_unit" } },
        });

        Assert.Equal(original, await GetAsync(original.Name, knownAt: updatedAt.AddTicks(-1)));
        Assert.Equal(updated, await GetAsync(original.Name, knownAt: updatedAt));
        Assert.Equal("Neuer Titel", (await GetAsync(original.Name)).Title);
        Assert.Equal(moved.Name, (await GetAsync(original.Name)).ResponsibleUnit);

        Assert.Equal([original], await SelectAsync(slice, knownAt: updatedAt.AddTicks(-1)));
        Assert.Equal([original], await SelectAsync(slice, knownAt: updatedAt.AddTicks(-1), and: "field_of_action = 2"));
        Assert.Empty(await SelectAsync(slice, knownAt: updatedAt, and: "field_of_action = 2"));
        Assert.Equal([updated], await SelectAsync(slice, knownAt: movedAt.AddTicks(-1), and: "field_of_action = 6"));
        Assert.Empty(await SelectAsync(slice, knownAt: movedAt));
        Assert.Empty(await SelectAsync(slice));
    }

    [Fact]
    public async Task Measures_created_after_known_at_are_left_out()
    {
        var slice = await NewSliceAsync();
        var early = await CreateAsync(slice);
        var between = Advance(TimeSpan.FromSeconds(1));
        var laterAt = Advance(TimeSpan.FromSeconds(1));
        var later = await CreateAsync(slice);

        Assert.Equal([early.Name], (await SelectAsync(slice, knownAt: between)).Select(m => m.Name));
        Assert.Equal([early.Name], (await SelectAsync(slice, D(2020, 1, 1), laterAt.AddTicks(-1))).Select(m => m.Name));
        Assert.Equal([early.Name, later.Name], (await SelectAsync(slice, knownAt: laterAt)).Select(m => m.Name));
        await Rpc.FailsAsync(StatusCode.NotFound, () => GetAsync(later.Name, knownAt: between));
        await Rpc.FailsAsync(StatusCode.NotFound, () => GetAsync(later.Name, D(2020, 1, 1), between));
        Assert.Equal(early, await GetAsync(early.Name, knownAt: between));
        Assert.Equal(later, await GetAsync(later.Name, knownAt: laterAt));
    }

    [Fact]
    public async Task Measures_adopted_after_as_of_are_left_out()
    {
        var slice = await NewSliceAsync();
        var old = await CreateAsync(slice, adopted: D(2016, 1, 1));
        var young = await CreateAsync(slice, adopted: D(2019, 1, 1));

        Assert.Equal([old.Name], (await SelectAsync(slice, D(2018, 6, 30))).Select(m => m.Name));
        Assert.Equal([old.Name], (await SelectAsync(slice, D(2018, 12, 31))).Select(m => m.Name));
        Assert.Equal([old.Name, young.Name], (await SelectAsync(slice, D(2019, 1, 1))).Select(m => m.Name));
        Assert.Equal([old.Name, young.Name], (await SelectAsync(slice)).Select(m => m.Name));
        Assert.Empty(await SelectAsync(slice, D(2015, 12, 31)));
    }

    [Fact]
    public async Task Measures_retired_on_or_before_as_of_are_left_out_as_known_at_known_at()
    {
        var slice = await NewSliceAsync();
        var keep = await CreateAsync(slice);
        var gone = await CreateAsync(slice);
        var beforeRetirement = Advance(TimeSpan.FromMinutes(1));
        var retiredAt = Advance(TimeSpan.FromMinutes(1));
        await Admin.DeleteMeasureAsync(new DeleteMeasureRequest { Name = gone.Name });
        var day = BusinessCalendar.DateOfInstant(retiredAt);
        var today = day.ToProto();
        var yesterday = day.AddDays(-1).ToProto();

        Assert.Equal([keep.Name], (await SelectAsync(slice, today)).Select(m => m.Name));
        Assert.Equal([keep.Name], (await SelectAsync(slice, D(2099, 1, 1))).Select(m => m.Name));
        Assert.Equal([keep.Name], (await SelectAsync(slice)).Select(m => m.Name));
        var dayBefore = await SelectAsync(slice, yesterday);
        Assert.Equal([keep.Name, gone.Name], dayBefore.Select(m => m.Name));
        Assert.Equal(T(retiredAt), dayBefore[1].RetireTime);

        var asKnownBefore = await SelectAsync(slice, today, beforeRetirement);
        Assert.Equal([keep.Name, gone.Name], asKnownBefore.Select(m => m.Name));
        Assert.Null(asKnownBefore[1].RetireTime);
        Assert.Equal(gone, asKnownBefore[1]);
        Assert.Equal([keep.Name, gone.Name], (await SelectAsync(slice, D(2099, 1, 1), beforeRetirement)).Select(m => m.Name));
        Assert.Equal([keep.Name, gone.Name], (await SelectAsync(slice, today, showRetired: true)).Select(m => m.Name));

        Assert.Equal(gone, await GetAsync(gone.Name, today, beforeRetirement));
        Assert.Equal(T(retiredAt), (await GetAsync(gone.Name, today)).RetireTime);
    }

    [Fact]
    public async Task A_measure_without_events_is_NOT_STARTED_with_progress_0()
    {
        var slice = await NewSliceAsync();
        var m = await CreateAsync(slice);
        Assert.Equal((MeasureStatus.NotStarted, 0, (Google.Type.Date?)null), StatusOf(await GetAsync(m.Name)));
        Assert.Equal((MeasureStatus.NotStarted, 0, (Google.Type.Date?)null), StatusOf(await GetAsync(m.Name, D(2018, 6, 30))));

        // An event that takes effect only tomorrow does not count today.
        var tomorrow = BusinessCalendar.DateOfInstant(Now).AddDays(1).ToProto();
        await RecordAsync(m.Name, MeasureStatus.InProgress, 5, tomorrow);
        Assert.Equal((MeasureStatus.NotStarted, 0, (Google.Type.Date?)null), StatusOf(await GetAsync(m.Name)));
        Assert.Equal(MeasureStatus.NotStarted, Assert.Single(await SelectAsync(slice)).Status);
        Assert.Single(await SelectAsync(slice, and: "status = NOT_STARTED"));
        Assert.Equal((MeasureStatus.InProgress, 5, tomorrow), StatusOf(await GetAsync(m.Name, tomorrow)));
    }

    [Fact]
    public async Task The_same_as_of_and_known_at_give_the_same_answer_whatever_is_recorded_later()
    {
        var slice = await NewSliceAsync();
        var m1 = await CreateAsync(slice, field: 1, adopted: D(2016, 1, 1));
        var m2 = await CreateAsync(slice, field: 2, adopted: D(2017, 1, 1));
        var m3 = await CreateAsync(slice, field: 3, adopted: D(2016, 6, 1));
        await RecordAsync(m1.Name, MeasureStatus.InProgress, 30, D(2017, 5, 1));
        await RecordAsync(m3.Name, MeasureStatus.Implemented, 100, D(2018, 3, 1));
        var asOf = D(2018, 6, 30);
        var knownAt = Advance(TimeSpan.FromSeconds(30));

        async Task<(List<Measure>, List<Measure>, List<Measure>)> AskAsync() =>
            (await SelectAsync(slice, asOf, knownAt),
             await SelectAsync(slice, asOf, knownAt, showRetired: true),
             [await GetAsync(m1.Name, asOf, knownAt), await GetAsync(m2.Name, asOf, knownAt), await GetAsync(m3.Name, asOf, knownAt)]);

        var before = await AskAsync();
        var currentBefore = await SelectAsync(slice);

        Advance(TimeSpan.FromMinutes(5));
        await RecordAsync(m1.Name, MeasureStatus.Implemented, 100, D(2018, 1, 1), "nachgetragen");
        await RecordAsync(m2.Name, MeasureStatus.Ongoing, 100, D(2016, 1, 1));
        await Admin.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = m2.Name, Title = "Umbenannt", FieldOfAction = 5 }, UpdateMask = new FieldMask { Paths = { "title", "field_of_action" } },
        });
        await Admin.DeleteMeasureAsync(new DeleteMeasureRequest { Name = m3.Name });
        await CreateAsync(slice, adopted: D(2010, 1, 1));
        Advance(TimeSpan.FromMinutes(5));

        var after = await AskAsync();
        Assert.Equal(before.Item1, after.Item1);
        Assert.Equal(before.Item2, after.Item2);
        Assert.Equal(before.Item3, after.Item3);
        // ... while the present has changed, so the comparison above is not vacuous.
        Assert.NotEqual(currentBefore, await SelectAsync(slice));
        Assert.Equal(3, before.Item1.Count);
    }

    [Fact]
    public async Task The_extreme_dates_and_instants_are_answered()
    {
        var slice = await NewSliceAsync();
        var m = await CreateAsync(slice, adopted: D(2016, 1, 1));
        await RecordAsync(m.Name, MeasureStatus.Ongoing, 100, D(2017, 1, 1));
        var retired = await CreateAsync(slice, adopted: D(2016, 1, 1));
        await Admin.DeleteMeasureAsync(new DeleteMeasureRequest { Name = retired.Name });
        var endOfTime = Timestamp.FromDateTime(new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc));
        var startOfTime = Timestamp.FromDateTime(new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        Assert.Equal([m.Name], (await SelectAsync(slice, D(9999, 12, 31))).Select(x => x.Name));
        Assert.Equal([m.Name], (await SelectAsync(slice, D(9999, 12, 31), endOfTime.ToDateTime())).Select(x => x.Name));
        Assert.Equal([m.Name, retired.Name], (await SelectAsync(slice, D(9999, 12, 31), showRetired: true)).Select(x => x.Name));
        Assert.Empty(await SelectAsync(slice, D(1, 1, 1)));
        Assert.Empty(await SelectAsync(slice, knownAt: startOfTime.ToDateTime()));
        Assert.Equal(MeasureStatus.Ongoing, (await GetAsync(m.Name, D(9999, 12, 31), endOfTime.ToDateTime())).Status);
        Assert.Equal(MeasureStatus.NotStarted, (await GetAsync(m.Name, D(1, 1, 1))).Status);
    }

    [Fact]
    public async Task An_invalid_as_of_or_known_at_is_INVALID_ARGUMENT_naming_it()
    {
        var slice = await NewSliceAsync();
        var m = await CreateAsync(slice);

        await Rpc.InvalidAsync(() => Reader.GetMeasureAsync(new GetMeasureRequest { Name = m.Name, AsOf = D(2018, 2, 30) }), "as_of");
        await Rpc.InvalidAsync(() => Reader.GetMeasureAsync(new GetMeasureRequest { Name = m.Name, AsOf = D(2018, 0, 1) }), "as_of");
        await Rpc.InvalidAsync(() => Reader.ListMeasuresAsync(new ListMeasuresRequest { AsOf = D(2018, 13, 1) }), "as_of");
        await Rpc.InvalidAsync(() => Reader.ListMeasuresAsync(new ListMeasuresRequest { KnownAt = new Timestamp { Seconds = long.MaxValue } }), "known_at");
        await Rpc.InvalidAsync(() => Reader.GetMeasureAsync(new GetMeasureRequest { Name = m.Name, KnownAt = new Timestamp { Seconds = 1, Nanos = -5 } }), "known_at");
        await Rpc.InvalidAsync(() => StreamAllAsync(new StreamMeasuresRequest { AsOf = D(2018, 4, 31) }), "as_of");
    }
}

public sealed class SqliteTimeTravelTests(SqliteFixture fixture) : TimeTravelTests(fixture), IClassFixture<SqliteFixture>;

public sealed class SqlServerTimeTravelTests(SqlServerFixture fixture) : TimeTravelTests(fixture), IClassFixture<SqlServerFixture>;
