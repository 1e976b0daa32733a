using System.Diagnostics;
using Grpc.Core;
using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Observability;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;

namespace IntegrationServices.SnapshotWorker;

/// <summary>
/// Polls for cycles whose knowledge cut-off has passed and that have no snapshot, oldest first (so
/// missed cycles are caught up after downtime), and produces each one's snapshot. A dependency that
/// is UNAVAILABLE or DEADLINE_EXCEEDED is retried with exponential backoff and jitter; every attempt
/// leaves a run record; a cycle that keeps failing is left for the next pass and never blocks the
/// others; nothing a pass throws stops the worker. Each cycle of a pass is one trace: a span
/// "snapshot cycle" with a child span per attempt, and below them the calls to Measures and Demographics
/// and the storage.
/// </summary>
public sealed class SnapshotWorkerService : BackgroundService
{
    /// <summary>The worker's spans (traced only where a tracer provider listens).</summary>
    public static readonly ActivitySource ActivitySource = new(Telemetry.SourcePrefix + ".SnapshotWorker");

    /// <summary>Span attribute: the cycle's name (<c>reportingCycles/{id}</c>).</summary>
    public const string CycleAttribute = "integration.reporting_cycle";

    private readonly SnapshotProducer _producer;
    private readonly WorkerOptions _options;
    private readonly SnapshotWorkerMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly ILogger<SnapshotWorkerService> _logger;
    private readonly ResiliencePipeline _retry;

    public SnapshotWorkerService(SnapshotProducer producer, IOptions<WorkerOptions> options,
        SnapshotWorkerMetrics metrics, TimeProvider clock, ILogger<SnapshotWorkerService> logger)
    {
        _producer = producer;
        _options = options.Value;
        _metrics = metrics;
        _clock = clock;
        _logger = logger;
        WorkerId = string.IsNullOrWhiteSpace(_options.WorkerId)
            ? $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}"
            : _options.WorkerId;
        var retry = new ResiliencePipelineBuilder { TimeProvider = clock };
        if (_options.MaxRetryAttempts > 0)
            retry.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<RpcException>(IsTransient),
                MaxRetryAttempts = _options.MaxRetryAttempts,
                Delay = _options.RetryBaseDelay,
                MaxDelay = _options.RetryMaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    _logger.LogInformation("Retrying snapshot attempt in {Delay} (retry {Retry} of {Max}) after {Error}",
                        args.RetryDelay, args.AttemptNumber + 1, _options.MaxRetryAttempts,
                        args.Outcome.Exception is { } e ? SnapshotProducer.Describe(e) : "no result");
                    return default;
                },
            });
        _retry = retry.Build();
    }

    /// <summary>This replica's name in run records.</summary>
    public string WorkerId { get; }

    public static bool IsTransient(RpcException e) => e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            _logger.LogInformation("Snapshot worker {Worker}: polling is disabled (Worker:Enabled=false)", WorkerId);
            return;
        }
        _logger.LogInformation("Snapshot worker {Worker} polls every {Interval}", WorkerId, _options.PollInterval);
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
                await Task.Delay(_options.PollInterval, _clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass: every due cycle, oldest first. Returns the final attempt of each cycle that finished.</summary>
    public async Task<IReadOnlyList<SnapshotAttempt>> RunOnceAsync(CancellationToken ct)
    {
        var abandoned = await _producer.AbandonStaleRunsAsync(_options.AbandonAfter, ct);
        if (abandoned > 0) _logger.LogWarning("Closed {Count} snapshot runs left RUNNING by a stopped worker as abandoned", abandoned);
        var due = await _producer.DueCyclesAsync(ct);
        _metrics.CyclesDue = due.Count;
        var finished = new List<SnapshotAttempt>();
        foreach (var cycle in due)
        {
            ct.ThrowIfCancellationRequested();
            using var activity = ActivitySource.StartActivity("snapshot cycle");
            activity?.SetTag(CycleAttribute, ReportingNames.Cycles.Format(cycle.Id));
            try
            {
                var attempt = await _retry.ExecuteAsync(token => AttemptAsync(cycle, token), ct);
                finished.Add(attempt);
                _metrics.CyclesDue = Math.Max(0, _metrics.CyclesDue - 1);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                activity?.SetStatus(ActivityStatusCode.Error, SnapshotProducer.Describe(e));
                _logger.LogWarning("Snapshot of reportingCycles/{CycleId} failed: {Error}; the other cycles go on, the next pass tries again",
                    cycle.Id, SnapshotProducer.Describe(e));
            }
        }
        return finished;
    }

    private async ValueTask<SnapshotAttempt> AttemptAsync(DueCycle cycle, CancellationToken ct)
    {
        using var activity = ActivitySource.StartActivity("snapshot attempt");
        activity?.SetTag(CycleAttribute, ReportingNames.Cycles.Format(cycle.Id));
        try
        {
            var attempt = await _producer.ProduceAsync(cycle, WorkerId, _options.AbandonAfter, ct);
            _metrics.Record(attempt, _clock.GetUtcNow());
            activity?.SetTag("integration.snapshot_run", ReportingNames.Run(cycle.Id, attempt.RunId));
            activity?.SetTag("integration.outcome", ProtoEnum<Outcome>.Name(attempt.Outcome));
            return attempt;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, SnapshotProducer.Describe(e));
            _metrics.Failed.Add(1);
            throw;
        }
    }
}
