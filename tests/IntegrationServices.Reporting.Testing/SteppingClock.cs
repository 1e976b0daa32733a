using Microsoft.Extensions.Time.Testing;

namespace IntegrationServices.Reporting.Testing;

/// <summary>
/// A fake clock that tells when someone starts waiting on it (a timer was created), so tests can
/// move time exactly when the worker (poll loop, retry backoff) waits, instead of sleeping.
/// </summary>
public sealed class SteppingClock(DateTimeOffset start) : FakeTimeProvider(start), IDisposable
{
    private readonly SemaphoreSlim _timers = new(0);

    public void Dispose() => _timers.Dispose();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan) _timers.Release();
        return timer;
    }

    /// <summary>Completes when a timer has been created (or after a real-time safety limit).</summary>
    public Task<bool> TimerCreatedAsync() => _timers.WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Runs <paramref name="work"/>, moving the clock by <paramref name="step"/> whenever it waits.</summary>
    public async Task<T> DriveAsync<T>(Task<T> work, TimeSpan step)
    {
        while (!work.IsCompleted)
        {
            var timer = TimerCreatedAsync();
            if (await Task.WhenAny(work, timer) == timer && await timer) Advance(step);
        }
        return await work;
    }

    /// <summary>Moves the clock forward to <paramref name="instant"/> (never back).</summary>
    public void MoveTo(DateTimeOffset instant)
    {
        if (instant > GetUtcNow()) SetUtcNow(instant);
    }
}
