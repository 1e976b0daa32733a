namespace IntegrationServices.Demographics.Application;

/// <summary>
/// Notices an import whose client has gone quiet: <see cref="Token"/> is cancelled once no
/// <see cref="Progress"/> was reported for the timeout. The watch looks four times per timeout on the
/// service's clock (so tests move a fake clock instead of waiting) and ends the import at the fourth look
/// in a row that found no progress: between one and one and a quarter timeouts after its last row (a look
/// that runs late only makes it later). A row only sets a flag, so no row reads the clock (for a million
/// rows that cost more than the whole watch).
/// </summary>
internal sealed class IdleWatch : IDisposable
{
    private const int LooksPerTimeout = 4;

    private readonly TimeSpan _timeout;
    private readonly CancellationTokenSource _expired = new();
    private readonly ITimer _timer;
    private bool _progressed, _suspended;
    private int _looking, _quietLooks;

    public IdleWatch(TimeProvider clock, TimeSpan timeout)
    {
        _timeout = timeout;
        var period = timeout / LooksPerTimeout;
        _timer = clock.CreateTimer(_ => Look(), null, period, period);
    }

    /// <summary>Cancelled once the client has been quiet for the timeout.</summary>
    public CancellationToken Token => _expired.Token;

    public bool Expired => _expired.IsCancellationRequested;

    public TimeSpan Timeout => _timeout;

    /// <summary>The client did something: the quiet time starts again (and the watch runs again, after <see cref="Suspend"/>).</summary>
    public void Progress()
    {
        Volatile.Write(ref _progressed, true);
        Volatile.Write(ref _suspended, false);
    }

    /// <summary>Stops the watch until the next <see cref="Progress"/>: the wait that follows is the service's, not the client's.</summary>
    public void Suspend() => Volatile.Write(ref _suspended, true);

    private void Look()
    {
        // A periodic timer may run two looks at once (when its threads are late); the second one skips.
        if (Interlocked.Exchange(ref _looking, 1) == 1) return;
        try
        {
            if (Interlocked.Exchange(ref _progressed, false) || Volatile.Read(ref _suspended)) _quietLooks = 0;
            else if (++_quietLooks >= LooksPerTimeout) _expired.Cancel();
        }
        catch (ObjectDisposedException) { } // the import ended meanwhile
        finally
        {
            Volatile.Write(ref _looking, 0);
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _expired.Dispose();
    }
}
