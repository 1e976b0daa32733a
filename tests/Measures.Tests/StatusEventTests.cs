using System.Text.Json;
using Google.Protobuf.WellKnownTypes;

namespace IntegrationServices.Measures.Tests;

/// <summary>RecordStatus and ListStatusEvents: the append-only status history of a measure.</summary>
public abstract class StatusEventTests(MeasuresFixture fixture) : MeasuresTestBase(fixture)
{
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
        var fields = json.RootElement.GetProperty("fields");
        Assert.Equal("recorded", json.RootElement.GetProperty("action").GetString());
        Assert.Equal("IN_PROGRESS", fields.GetProperty("status").GetProperty("new").GetString());
        Assert.Equal(45, fields.GetProperty("progress_percent").GetProperty("new").GetInt32());
        Assert.Equal("2024-02-29", fields.GetProperty("effective_date").GetProperty("new").GetString());
        Assert.Equal("Zwischenstand", fields.GetProperty("note").GetProperty("new").GetString());
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
            case "note=long": request.Note = new string('n', StatusChange.MaxNote + 1); break;
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
            Parent = measure.Name, Status = MeasureStatus.Unspecified, ProgressPercent = 150, Note = new string('n', StatusChange.MaxNote + 1),
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

        Rpc.ErrorInfo(e, "MEASURE_RETIRED");
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

        var (seen, sizes) = await PagesAsync<StatusEvent>(async token =>
        {
            var page = await Reader.ListStatusEventsAsync(new ListStatusEventsRequest { Parent = measure.Name, PageSize = 2, PageToken = token });
            return (page.StatusEvents, page.NextPageToken);
        });

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
}

public sealed class SqliteStatusEventTests(SqliteFixture fixture) : StatusEventTests(fixture), IClassFixture<SqliteFixture>;

public sealed class SqlServerStatusEventTests(SqlServerFixture fixture) : StatusEventTests(fixture), IClassFixture<SqlServerFixture>;
