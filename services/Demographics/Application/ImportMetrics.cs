using System.Diagnostics;
using System.Diagnostics.Metrics;
using IntegrationServices.ServiceDefaults.Observability;

namespace IntegrationServices.Demographics.Application;

/// <summary>
/// How long each phase of an import took, in <c>demographics.import.duration</c> (seconds) with the attribute
/// <c>demographics.import.phase</c>: <c>receive</c> (rows received, validated and spooled; no lock held),
/// <c>store</c> (from the moment the write transaction holds the lock until the rows are in and stamped) and
/// <c>commit</c> (of an import committed on its own; the administrative path commits several together). Every
/// writer of the service waits during the last two, so they are what an operator watches. A phase is recorded
/// once it has succeeded: a refused import records none.
/// </summary>
public sealed class ImportMetrics(ServiceMetrics metrics)
{
    public const string Instrument = "demographics.import.duration";

    public const string PhaseAttribute = "demographics.import.phase";

    public enum Phase { Receive, Store, Commit }

    private readonly Histogram<double> _duration =
        metrics.Meter.CreateHistogram<double>(Instrument, "s", "How long each phase of an import of observations took (receive, store, commit).");

    /// <summary>Records <paramref name="phase"/> as having taken the time since <paramref name="started"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void Record(Phase phase, long started) =>
        _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>(PhaseAttribute, phase switch
            {
                Phase.Receive => "receive",
                Phase.Store => "store",
                _ => "commit",
            }));
}
