using Google.Protobuf.WellKnownTypes;
using IntegrationServices.Contracts.Measures.V1;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationServices.Measures.Tests;

/// <summary>
/// A write becomes known at its commit, so its record time is read as the last step before its inserts:
/// time that passes while it checks (and waits for locks) lies before its record time, never after it.
/// Otherwise a write that waited across a snapshot's cut-off would carry a time before it while the
/// worker could not see it yet, and every later recount would include it.
/// </summary>
public sealed class RecordTimeTests
{
    private static readonly DateTimeOffset Start = new(2025, 4, 2, 21, 59, 0, TimeSpan.Zero);

    /// <summary>
    /// A fake clock that, once armed, moves on by <see cref="Pause"/> right after its next reading: the write
    /// under test reads the time it checks against, and then a pause passes, as a lock wait would.
    /// </summary>
    private sealed class PausingClock(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private int _armed;

        public TimeSpan Pause { get; } = TimeSpan.FromMinutes(10);

        public void Arm() => Volatile.Write(ref _armed, 1);

        public override DateTimeOffset GetUtcNow()
        {
            var now = base.GetUtcNow();
            if (Interlocked.Exchange(ref _armed, 0) == 1) Advance(Pause);
            return now;
        }
    }

    [Fact]
    public async Task Versions_and_status_events_take_their_record_time_after_their_checks()
    {
        var clock = new PausingClock(Start);
        await using var host = await TestHost.StartAsync(b => b.AddMeasuresService(), a => a.MapMeasuresService(), clock: clock);
        var client = new MeasuresService.MeasuresServiceClient(host.As(Roles.Admin));
        await client.CreateActionConceptAsync(new CreateActionConceptRequest { ActionConceptId = "idk", ActionConcept = new ActionConcept { Title = "Integration durch Konsens" } });
        await client.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest { OrganizationalUnitId = "50", OrganizationalUnit = new OrganizationalUnit { Title = "50 Soziales" } });
        var measure = await client.CreateMeasureAsync(new CreateMeasureRequest
        {
            Measure = new Measure
            {
                Code = "RT-1", Title = "Maßnahme (Beispiel)", ActionConcept = "actionConcepts/idk", FieldOfAction = 1,
                ResponsibleUnit = "units/50", AdoptedOn = new Google.Type.Date { Year = 2024, Month = 1, Day = 1 },
            },
        });

        var arrived = clock.GetUtcNow();
        clock.Arm();
        var @event = await client.RecordStatusAsync(new RecordStatusRequest
        {
            Parent = measure.Name, Status = MeasureStatus.InProgress, ProgressPercent = 10,
            EffectiveDate = new Google.Type.Date { Year = 2025, Month = 3, Day = 1 },
        });
        Assert.Equal(Timestamp.FromDateTimeOffset(arrived + clock.Pause), @event.RecordTime);

        arrived = clock.GetUtcNow();
        clock.Arm();
        var updated = await client.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = measure.Name, Title = "Umbenannt (Beispiel)" },
            UpdateMask = new FieldMask { Paths = { "title" } },
        });
        Assert.Equal(Timestamp.FromDateTimeOffset(arrived + clock.Pause), updated.UpdateTime);
    }
}
