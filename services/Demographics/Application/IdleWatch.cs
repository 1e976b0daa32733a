namespace IntegrationServices.Demographics.Application;

/// <summary>
/// Notices an import whose client has gone quiet: <see cref="Token"/> is cancelled once no
/// <see cref="Progress"/> was reported for the timeout. The watch looks four times per timeout on the
/// service's clock (so tests move a fake clock instead of waiting), which ends a quiet import between one
/// and one and a quarter timeouts after its last row. A row only sets a flag; the watch reads the clock
/// when it looks, and counts the quiet time from the first look that found no row since the one before
/// (reading the clock for each of a million rows cost more than the whole watch).
/// </summary>
internal sealed class IdleWatch : IDisposable
{
    private readonly TimeProvider _clock;
    private readonly TimeSpan _timeout;
    private readonly CancellationTokenSource _expired = new();
    private readonly ITimer _timer;
    private long _lastSeen; // when the watch last found progress (or a suspension)
    private bool _progressed, _suspended;

    public IdleWatch(TimeProvider clock, TimeSpan timeout)
    {
        (_clock, _timeout) = (clock, timeout);
        _lastSeen = clock.GetTimestamp();
        var period = timeout / 4;
        _timer = clock.CreateTimer(_ => Check(), null, period, period);
    }

    /// <summary>Cancelled once the client has been quiet for the timeout.</summary>
    public CancellationToken Token => _expired.Token;

    public bool Expired => _expired.IsCancellationRequested;

    public TimeSpan Timeout => _timeout;

    /// <summary>The client did something: the quiet time starts again at the watch's next look (and the watch runs again, after <see cref="Suspend"/>).</summary>
    public void Progress()
    {
        Volatile.Write(ref _progressed, true);
        Volatile.Write(ref _suspended, false);
    }

    /// <summary>Stops the watch until the next <see cref="Progress"/>: the wait that follows is the service's, not the client's.</summary>
    public void Suspend() => Volatile.Write(ref _suspended, true);

    private void Check()
    {
        // Only the looks write _lastSeen; two looks at once (a periodic timer may overlap them) both write about now.
        if (Interlocked.Exchange(ref _progressed, false) || Volatile.Read(ref _suspended))
        {
            _lastSeen = _clock.GetTimestamp();
            return;
        }
        if (_clock.GetElapsedTime(_lastSeen) < _timeout) return;
        try { _expired.Cancel(); }
        catch (ObjectDisposedException) { } // the import ended meanwhile
    }

    public void Dispose()
    {
        _timer.Dispose();
        _expired.Dispose();
    }
}
