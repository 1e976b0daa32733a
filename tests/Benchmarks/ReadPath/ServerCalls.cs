using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using IntegrationServices.ServiceDefaults.Observability;

namespace IntegrationServices.Benchmarks.ReadPath;

/// <summary>
/// What the servers of this process report through their own instruments: the gRPC status of every call
/// (<c>rpc.server.duration</c>; h2load sees only HTTP statuses, and a gRPC error is an HTTP 200), and the
/// requests still in flight (<c>http.server.active_requests</c>), so that one run's stragglers are not
/// counted against the next, and the requests completed (<c>http.server.request.duration</c>), by which
/// the process's CPU time is divided: CPU per call holds still on a busy machine where req/s does not.
/// </summary>
public sealed class ServerCalls : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Method, string Status), long> _counts = new();
    private long _active;
    private long _completed;

    public ServerCalls()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if ((instrument.Meter.Name == ServiceMetrics.MeterName && instrument.Name == "rpc.server.duration")
                || (instrument.Meter.Name == "Microsoft.AspNetCore.Hosting" && instrument.Name is "http.server.active_requests" or "http.server.request.duration"))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
        {
            if (instrument.Name == "http.server.request.duration")
            {
                Interlocked.Increment(ref _completed);
                return;
            }
            string? method = null, status = null;
            foreach (var tag in tags)
                if (tag.Key == "rpc.method") method = tag.Value as string;
                else if (tag.Key == "rpc.grpc.status_code") status = tag.Value as string;
            _counts.AddOrUpdate((method ?? "", status ?? ""), 1, (_, n) => n + 1);
        });
        _listener.SetMeasurementEventCallback<long>((_, delta, _, _) => Interlocked.Add(ref _active, delta));
        _listener.Start();
    }

    /// <summary>Requests the servers of this process completed so far.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Calls of <paramref name="method"/> answered with another status than OK since the last time asked, by status.</summary>
    public IReadOnlyDictionary<string, long> TakeFailures(string method)
    {
        var failures = new Dictionary<string, long>();
        foreach (var key in _counts.Keys.Where(k => k.Method == method && k.Status != "OK"))
            if (_counts.TryRemove(key, out var count)) failures[key.Status] = count;
        return failures;
    }

    /// <summary>Waits (at most <paramref name="limit"/>) until no request is in flight; false if some still are.</summary>
    public async Task<bool> WaitUntilIdleAsync(TimeSpan limit)
    {
        var started = Stopwatch.GetTimestamp();
        while (Interlocked.Read(ref _active) > 0)
        {
            if (Stopwatch.GetElapsedTime(started) > limit) return false;
            await Task.Delay(50);
        }
        return true;
    }

    public void Dispose() => _listener.Dispose();
}
