using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace IntegrationServices.Benchmarks;

/// <summary>
/// Where a snapshot's time goes (<c>-- snapshot … --spans</c>): the suite's own spans (each storage
/// operation), ASP.NET Core's server requests and grpc-dotnet's client calls, summed by name while
/// <see cref="Recording"/> is on. Off by default, since listening makes every span cost its activity.
/// </summary>
public sealed class SnapshotSpans : IDisposable
{
    private readonly ConcurrentDictionary<string, (int Count, TimeSpan Total)> _spans = new(StringComparer.Ordinal);
    private readonly ActivityListener _listener;

    public SnapshotSpans()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name.StartsWith("IntegrationServices", StringComparison.Ordinal)
                                  || s.Name is "Microsoft.AspNetCore" or "Grpc.Net.Client",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a =>
            {
                if (Recording)
                    _spans.AddOrUpdate($"{a.Source.Name}: {a.DisplayName}{(a.GetTagItem("grpc.method") is string method ? " " + method : "")}",
                        (1, a.Duration), (_, s) => (s.Count + 1, s.Total + a.Duration));
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public bool Recording { get; set; }

    /// <summary>Prints the spans recorded so far, longest total first, and forgets them.</summary>
    public void Print(TextWriter output)
    {
        foreach (var (name, (count, total)) in _spans.OrderByDescending(s => s.Value.Total))
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      {total.TotalMilliseconds,9:F1} ms {count,6}× {name}"));
        _spans.Clear();
    }

    public void Dispose() => _listener.Dispose();
}
