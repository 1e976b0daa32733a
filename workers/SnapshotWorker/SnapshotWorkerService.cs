using System.Diagnostics;
using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Observability;
using Microsoft.Extensions.Options;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;

namespace IntegrationServices.SnapshotWorker;

/// <summary>
/// Polls for cycles whose knowledge cut-off lies <c>Worker:SettleDelay</c> in the past and that have no
/// snapshot, oldest first (so missed cycles are caught up after downtime), and produces each one's
/// snapshot. Every attempt leaves a run record; a failed one holds its cycle back for a backoff that
/// doubles per failure in a row (recorded in the run, so it holds across passes, replicas and restarts),
/// and the loop wakes when the first backoff ends if that is before the next poll. A cycle that keeps
/// failing never blocks the others; nothing a pass throws stops the worker. Each attempt is one trace: a
/// span "snapshot cycle" with a child span "snapshot attempt", and below them the calls to Measures and
/// Demographics and the storage.
/// </summary>
public sealed class SnapshotWorkerService : BackgroundService
{
    /// <summary>The worker's spans (traced only where a tracer provider listens).</summary>
    public static readonly ActivitySource ActivitySource = new(Telemetry.SourcePrefix + ".SnapshotWorker");

    /// <summary>Span attribute: the cycle's name (<c>reportingCycles/{id}</c>).</summary>
    public const string CycleAttribute = "integration.reporting_cycle";

    private readonly SnapshotProducer _producer;
    private readonly SnapshotCredentials _credentials;
    private readonly WorkerOptions _options;
    private readonly SnapshotWorkerMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly ILogger<SnapshotWorkerService> _logger;
    private DateTime? _nextAttempt;

    public SnapshotWorkerService(SnapshotProducer producer, SnapshotCredentials credentials, IOptions<WorkerOptions> options,
        SnapshotWorkerMetrics metrics, TimeProvider clock, ILogger<SnapshotWorkerService> logger)
    {
        _producer = producer;
        _credentials = credentials;
        _options = options.Value;
        _metrics = metrics;
        _clock = clock;
        _logger = logger;
        WorkerId = string.IsNullOrWhiteSpace(_options.WorkerId)
            ? $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}"
            : _options.WorkerId;
        Policy = _options.Policy(WorkerId);
    }

    /// <summary>This replica's name in run records.</summary>
    public string WorkerId { get; }

    /// <summary>How this replica makes its attempts.</summary>
    public AttemptPolicy Policy { get; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            _logger.LogInformation("Snapshot worker {Worker}: polling is disabled (Worker:Enabled=false)", WorkerId);
            return;
        }
        _logger.LogInformation("Snapshot worker {Worker} polls every {Interval}, {Settle} past each cut-off, content version {Version}; token: {Token}",
            WorkerId, _options.PollInterval, _options.SettleDelay, _producer.ContentVersion, _credentials.Source);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // E.g. the database is unreachable: health says NOT_SERVING, the next pass tries again.
                _logger.LogError("Snapshot pass failed: {Error}; next pass in {Interval}", SnapshotProducer.Describe(e), _options.PollInterval);
            }
            try
            {
                await Task.Delay(UntilNextPass(), _clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// One pass: closes the runs stopped attempts left RUNNING, then attempts every due cycle, oldest first,
    /// except those whose backoff has not ended. Returns every attempt it made, failed ones included.
    /// </summary>
    public async Task<IReadOnlyList<SnapshotAttempt>> RunOnceAsync(CancellationToken ct)
    {
        _nextAttempt = null;
        var abandoned = await _producer.AbandonLeftoverRunsAsync(Policy, ct);
        if (abandoned > 0) _logger.LogWarning("Closed {Count} snapshot runs left RUNNING by stopped attempts as abandoned", abandoned);
        var due = await _producer.DueCyclesAsync(_options.SettleDelay, ct);
        _metrics.CyclesDue = due.Count;
        var attempts = new List<SnapshotAttempt>();
        foreach (var cycle in due)
        {
            ct.ThrowIfCancellationRequested();
            if (!cycle.IsReadyAt(_clock.GetUtcNow().UtcDateTime))
            {
                Defer(cycle.NextAttemptTime);
                continue;
            }
            using var activity = ActivitySource.StartActivity("snapshot cycle");
            activity?.SetTag(CycleAttribute, ReportingNames.Cycles.Format(cycle.Id));
            try
            {
                var attempt = await AttemptAsync(cycle, ct);
                attempts.Add(attempt);
                if (attempt.Outcome == Outcome.Failed) Defer(attempt.NextAttemptTime);
                else _metrics.CyclesDue = Math.Max(0, _metrics.CyclesDue - 1);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // The attempt could not even open its run (e.g. the database is away): the next pass tries again.
                activity?.SetStatus(ActivityStatusCode.Error, SnapshotProducer.Describe(e));
                _logger.LogWarning("Snapshot of reportingCycles/{CycleId} could not be attempted: {Error}; the other cycles go on, the next pass tries again",
                    cycle.Id, SnapshotProducer.Describe(e));
            }
        }
        return attempts;
    }

    private async Task<SnapshotAttempt> AttemptAsync(DueCycle cycle, CancellationToken ct)
    {
        using var activity = ActivitySource.StartActivity("snapshot attempt");
        activity?.SetTag(CycleAttribute, ReportingNames.Cycles.Format(cycle.Id));
        try
        {
            var attempt = await _producer.ProduceAsync(cycle, Policy, ct);
            _metrics.Record(attempt, _clock.GetUtcNow());
            activity?.SetTag("integration.snapshot_run", ReportingNames.Run(cycle.Id, attempt.RunId));
            activity?.SetTag("integration.outcome", ProtoEnum<Outcome>.Name(attempt.Outcome));
            if (attempt.Outcome == Outcome.Failed) activity?.SetStatus(ActivityStatusCode.Error, attempt.Reason);
            return attempt;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, SnapshotProducer.Describe(e));
            _metrics.Failed.Add(1);
            throw;
        }
    }

    private void Defer(DateTime? until)
    {
        if (until is { } next && (_nextAttempt is null || next < _nextAttempt)) _nextAttempt = next;
    }

    /// <summary>The poll interval, or less when a failed cycle's backoff ends before it (never less than a second).</summary>
    private TimeSpan UntilNextPass()
    {
        if (_nextAttempt is not { } next) return _options.PollInterval;
        var wait = next - _clock.GetUtcNow().UtcDateTime;
        return wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait > _options.PollInterval ? _options.PollInterval : wait;
    }
}
