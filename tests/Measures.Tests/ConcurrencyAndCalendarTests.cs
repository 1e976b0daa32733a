using Google.Protobuf.WellKnownTypes;
using IntegrationServices.ServiceDefaults.Api;

namespace IntegrationServices.Measures.Tests;

/// <summary>Concurrent writers (etags, request ids) and business dates in Europe/Berlin.</summary>
public abstract class ConcurrencyAndCalendarTests(MeasuresFixture fixture) : MeasuresTestBase(fixture)
{
    [Fact]
    public async Task Of_concurrent_updates_with_the_same_etag_exactly_one_wins_and_the_others_are_ABORTED()
    {
        var slice = await NewSliceAsync();
        var measure = await CreateAsync(slice);

        var attempts = Enumerable.Range(0, 6).Select(async i =>
        {
            try
            {
                return (Winner: await Admin.UpdateMeasureAsync(new UpdateMeasureRequest
                {
                    Measure = new Measure { Name = measure.Name, Title = $"Version {i}", Etag = measure.Etag }, UpdateMask = new FieldMask { Paths = { "title" } },
                }), Code: StatusCode.OK);
            }
            catch (RpcException e) { return (Winner: (Measure?)null, Code: e.StatusCode); }
        }).ToList();
        var results = await Task.WhenAll(attempts);

        var winner = Assert.Single(results, r => r.Code == StatusCode.OK).Winner!;
        Assert.All(results.Where(r => r.Code != StatusCode.OK), r => Assert.Equal(StatusCode.Aborted, r.Code));
        Assert.Equal(winner, await Admin.GetMeasureAsync(new GetMeasureRequest { Name = measure.Name }));
        Assert.Equal(2, (await AuditOfAsync(measure.Name)).Count);
    }

    [Fact]
    public async Task Concurrent_retries_with_one_request_id_create_one_measure_and_one_event()
    {
        var slice = await NewSliceAsync();
        var requestId = Guid.NewGuid().ToString();
        var draft = Draft(slice);
        var created = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => CreateAsync(draft, requestId)));

        Assert.Single(created.Select(m => m.Name).Distinct());
        Assert.Single(await ListAllAsync(new ListMeasuresRequest { Filter = UnitFilter(slice) }));

        var request = new RecordStatusRequest
        {
            Parent = created[0].Name, Status = MeasureStatus.InProgress, ProgressPercent = 10, EffectiveDate = D(2024, 1, 1), RequestId = Guid.NewGuid().ToString(),
        };
        var events = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Admin.RecordStatusAsync(request).ResponseAsync));

        Assert.Single(events.Distinct());
        Assert.Single((await Reader.ListStatusEventsAsync(new ListStatusEventsRequest { Parent = created[0].Name })).StatusEvents);
    }

    [Fact]
    public async Task Writes_succeed_while_a_bulk_consumer_is_still_reading_a_stream()
    {
        var slice = await NewSliceAsync();
        var prefix = Unique("S");
        await BulkInsertAsync(3000, i => new MeasureFields($"{prefix}-{i:D4}", $"Maßnahme mit einem etwas längeren Titel, damit der Strom groß wird {i}",
            new string('x', 300), IdOf(slice.Concept), 1, IdOf(slice.Unit), null, new DateOnly(2016, 1, 1)));
        var target = await CreateAsync(slice);

        // A slow consumer: it has read one measure and has not finished the stream.
        using var stream = Worker.StreamMeasures(new StreamMeasuresRequest { Filter = UnitFilter(slice) });
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));

        var @event = await RecordAsync(target.Name, MeasureStatus.InProgress, 10, D(2024, 1, 1));
        var renamed = await Admin.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = target.Name, Title = "Während des Streams" }, UpdateMask = new FieldMask { Paths = { "title" } },
        });

        Assert.Equal("Während des Streams", renamed.Title);
        Assert.Equal([@event], (await Reader.ListStatusEventsAsync(new ListStatusEventsRequest { Parent = target.Name })).StatusEvents);
        var rest = 1;
        while (await stream.ResponseStream.MoveNext(CancellationToken.None)) rest++;
        Assert.Equal(3001, rest);
    }

    [Fact]
    public async Task Of_concurrent_creates_with_one_code_or_id_exactly_one_wins_and_the_others_are_ALREADY_EXISTS()
    {
        var slice = await NewSliceAsync();
        var code = Unique("RACE");
        var unitId = Unique("race-unit");
        var conceptId = Unique("race-concept");

        async Task<StatusCode> Outcome(Func<Task> call)
        {
            try { await call(); return StatusCode.OK; }
            catch (RpcException e) { return e.StatusCode; }
        }

        var measures = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Outcome(() => CreateAsync(Draft(slice, code: code)))));
        var units = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Outcome(() => NewUnitAsync(id: unitId))));
        var concepts = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Outcome(() => NewConceptAsync(conceptId))));

        foreach (var outcomes in new[] { measures, units, concepts })
        {
            Assert.Single(outcomes, o => o == StatusCode.OK);
            Assert.All(outcomes.Where(o => o != StatusCode.OK), o => Assert.Equal(StatusCode.AlreadyExists, o));
        }
        Assert.Single(await ListAllAsync(new ListMeasuresRequest { Filter = UnitFilter(slice) }));
    }

    [Fact]
    public async Task A_request_id_used_for_another_method_is_INVALID_ARGUMENT()
    {
        var slice = await NewSliceAsync();
        var requestId = Guid.NewGuid().ToString();
        var measure = await CreateAsync(Draft(slice), requestId);

        await Rpc.InvalidAsync(() => Admin.RecordStatusAsync(new RecordStatusRequest
        {
            Parent = measure.Name, Status = MeasureStatus.InProgress, ProgressPercent = 10, EffectiveDate = D(2024, 1, 1), RequestId = requestId,
        }), "request_id");

        Assert.Empty((await Reader.ListStatusEventsAsync(new ListStatusEventsRequest { Parent = measure.Name })).StatusEvents);
    }

    [Fact]
    public async Task Output_only_fields_of_a_new_measure_are_ignored()
    {
        var slice = await NewSliceAsync();
        var draft = Draft(slice);
        draft.Name = "measures/424242";
        draft.Status = MeasureStatus.Implemented;
        draft.ProgressPercent = 100;
        draft.StatusEffectiveDate = D(2020, 1, 1);
        draft.CreateTime = Timestamp.FromDateTime(new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        draft.RetireTime = Timestamp.FromDateTime(new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        draft.Etag = "\"99\"";

        var created = await CreateAsync(draft);

        Assert.Equal((MeasureStatus.NotStarted, 0, (Google.Type.Date?)null), (created.Status, created.ProgressPercent, created.StatusEffectiveDate));
        Assert.Equal(NowStamp, created.CreateTime);
        Assert.Null(created.RetireTime);
        Assert.NotEqual("\"99\"", created.Etag);
        Assert.Single(await ListAllAsync(new ListMeasuresRequest { Filter = UnitFilter(slice) }));
    }

    [Fact]
    public async Task Business_dates_are_dates_in_Berlin_not_in_UTC()
    {
        var slice = await NewSliceAsync();
        var measure = await CreateAsync(slice);
        var other = await CreateAsync(slice);
        // 23:30 UTC is already the next day in Berlin (CET/CEST).
        var now = Now;
        var lateEvening = now.Date.AddHours(23).AddMinutes(30);
        if (lateEvening <= now) lateEvening = lateEvening.AddDays(1);
        Advance(lateEvening - now);
        var utcDate = DateOnly.FromDateTime(lateEvening);
        var berlinDate = BusinessCalendar.DateOfInstant(lateEvening);
        Assert.Equal(utcDate.AddDays(1), berlinDate);

        // An event effective "today" in Berlin counts today.
        await RecordAsync(measure.Name, MeasureStatus.InProgress, 15, berlinDate.ToProto());
        Assert.Equal(MeasureStatus.InProgress, (await Reader.GetMeasureAsync(new GetMeasureRequest { Name = measure.Name })).Status);

        // Retired at 00:30 Berlin time on berlinDate: still there as of the day before (the UTC date), gone as of berlinDate.
        await Admin.DeleteMeasureAsync(new DeleteMeasureRequest { Name = other.Name });
        var asOfUtcDate = await ListAllAsync(new ListMeasuresRequest { Filter = UnitFilter(slice), AsOf = utcDate.ToProto() });
        var asOfBerlinDate = await ListAllAsync(new ListMeasuresRequest { Filter = UnitFilter(slice), AsOf = berlinDate.ToProto() });
        Assert.Equal([measure.Name, other.Name], asOfUtcDate.Select(m => m.Name));
        Assert.Equal([measure.Name], asOfBerlinDate.Select(m => m.Name));
    }
}

public sealed class SqliteConcurrencyAndCalendarTests(SqliteFixture fixture) : ConcurrencyAndCalendarTests(fixture), IClassFixture<SqliteFixture>;

public sealed class SqlServerConcurrencyAndCalendarTests(SqlServerFixture fixture) : ConcurrencyAndCalendarTests(fixture), IClassFixture<SqlServerFixture>;
