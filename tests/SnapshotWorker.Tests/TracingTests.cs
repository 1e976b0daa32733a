using System.Diagnostics;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace IntegrationServices.SnapshotWorker.Tests;

/// <summary>
/// One snapshot is one trace across the components: the worker's cycle and attempt spans, its gRPC client
/// spans, the server spans of Measures and Demographics (parented through the W3C traceparent the client
/// sent, since a test server does not flow the caller's context), and the storage spans of every database.
/// Every host traces into the SDK's in-memory exporter, as an OTLP exporter would export it.
/// </summary>
public sealed class TracingTests
{
    [Fact]
    public async Task A_snapshot_is_one_trace_from_the_worker_through_Measures_and_Demographics_to_the_storage()
    {
        var spans = new Spans();
        await using var env = await StartAsync(b => b.Services.AddOpenTelemetry().WithTracing(t => t.AddProcessor(new TestRunMarker()).AddInMemoryExporter(spans)));
        await env.SeedUntilAsync(Utc(2025, 4, 3, 8)); // q1 is due
        var worker = await env.StartWorkerAsync();

        // The sources are process-wide: other tests' workers running in parallel trace their own q1 into these
        // providers too. This test's pass is the one started under its marker.
        var marker = Guid.NewGuid().ToString();
        Baggage.SetBaggage(TestRunMarker.Key, marker);
        var attempt = Assert.Single(await Worker(worker).RunOnceAsync(CancellationToken.None));
        Assert.Equal(Outcome.Succeeded, attempt.Outcome);

        var cycle = spans.Unique().Single(s => s.OperationName == "snapshot cycle" && (string?)s.GetTagItem(TestRunMarker.Key) == marker);
        Assert.Equal("reportingCycles/q1", cycle.GetTagItem(SnapshotWorkerService.CycleAttribute));
        Assert.Equal(default, cycle.ParentSpanId);
        // Server spans end after the response has reached the client: wait (bounded) until they are exported.
        var trace = await spans.TraceAsync(cycle.TraceId, t =>
            t.Any(s => IsServer(s, "MeasuresService/StreamMeasures")) && t.Any(s => IsServer(s, "DemographicsService/SummarizeAreas")));

        var attemptSpan = trace.Single(s => s.OperationName == "snapshot attempt");
        Assert.Equal(cycle.SpanId, attemptSpan.ParentSpanId);
        Assert.Equal("reportingCycles/q1", attemptSpan.GetTagItem(SnapshotWorkerService.CycleAttribute));
        Assert.Equal("SUCCEEDED", attemptSpan.GetTagItem("integration.outcome"));

        foreach (var (service, database) in new[] { ("integration.measures.v1.MeasuresService/", "measures"), ("integration.demographics.v1.DemographicsService/", "demographics") })
        {
            var servers = trace.Where(s => IsServer(s, service)).ToList();
            Assert.NotEmpty(servers);
            foreach (var server in servers)
            {
                var client = trace.Single(s => s.SpanId == server.ParentSpanId);
                Assert.Equal(ActivityKind.Client, client.Kind);
                Assert.True(Descends(trace, client, attemptSpan), $"the client span of {server.DisplayName} is not below the attempt");
            }
            var storage = trace.Where(s => s.Source.Name == Database.ActivitySource.Name && (string?)s.GetTagItem("db.namespace") == database).ToList();
            Assert.NotEmpty(storage);
            Assert.All(storage, s => Assert.True(servers.Any(server => Descends(trace, s, server)), $"storage span {s.DisplayName} is not below a server span of {service}"));
            Assert.All(storage, s => Assert.Equal("sqlite", s.GetTagItem("db.system.name")));
        }
        // The worker's own writes into the reporting database (run record, snapshot) are in the same trace.
        Assert.Contains(trace, s => s.Source.Name == Database.ActivitySource.Name && (string?)s.GetTagItem("db.namespace") == "reporting"
                                    && Descends(trace, s, attemptSpan) && s.DisplayName.StartsWith("StoreAsync", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_an_OTLP_endpoint_no_tracer_provider_exists_and_with_one_it_does()
    {
        await using var off = await IntegrationServices.Testing.TestHost.StartAsync(IntegrationServices.Suite.SuiteComponents.Measures);
        Assert.Null(off.Services.GetService<TracerProvider>());

        await using var on = await IntegrationServices.Testing.TestHost.StartAsync(IntegrationServices.Suite.SuiteComponents.Measures,
            new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317" });
        Assert.NotNull(on.Services.GetService<TracerProvider>());

        await using var disabled = await IntegrationServices.Testing.TestHost.StartAsync(IntegrationServices.Suite.SuiteComponents.Measures,
            new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317", ["OTEL_TRACES_EXPORTER"] = "none" });
        Assert.Null(disabled.Services.GetService<TracerProvider>());
    }

    /// <summary>Tags each span started in the async flow of a test with that test's marker (baggage flows with the flow).</summary>
    private sealed class TestRunMarker : BaseProcessor<Activity>
    {
        public const string Key = "test.run";

        public override void OnStart(Activity data)
        {
            if (Baggage.GetBaggage(Key) is { } marker) data.SetTag(Key, marker);
        }
    }

    /// <summary>A server span of a gRPC call whose path contains <paramref name="path"/> (e.g. "MeasuresService/StreamMeasures").</summary>
    private static bool IsServer(Activity span, string path) =>
        span.Kind == ActivityKind.Server && ((string?)span.GetTagItem("url.path"))?.Contains(path, StringComparison.Ordinal) == true;

    private static bool Descends(IReadOnlyList<Activity> trace, Activity span, Activity ancestor)
    {
        for (var current = span; current is not null; current = trace.FirstOrDefault(s => s.SpanId == current.ParentSpanId))
            if (current.SpanId == ancestor.SpanId) return true;
        return false;
    }

    /// <summary>
    /// The exported spans. Every host of the process has its own tracer provider, and each listens to every
    /// source, so one span arrives once per host: <see cref="Unique"/> keeps one of each.
    /// </summary>
    private sealed class Spans : ICollection<Activity>
    {
        private readonly List<Activity> _spans = [];

        public List<Activity> Unique()
        {
            lock (_spans) return _spans.DistinctBy(s => s.SpanId).ToList();
        }

        /// <summary>The spans of one trace, once <paramref name="complete"/> holds for them (within a generous real-time limit).</summary>
        public async Task<IReadOnlyList<Activity>> TraceAsync(ActivityTraceId trace, Func<IReadOnlyList<Activity>, bool> complete)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                var spans = Unique().Where(s => s.TraceId == trace).ToList();
                if (complete(spans) || DateTime.UtcNow > deadline) return spans;
                await Task.Delay(20);
            }
        }

        public void Add(Activity item) { lock (_spans) _spans.Add(item); }
        public void Clear() { lock (_spans) _spans.Clear(); }
        public bool Contains(Activity item) { lock (_spans) return _spans.Contains(item); }
        public void CopyTo(Activity[] array, int arrayIndex) { lock (_spans) _spans.CopyTo(array, arrayIndex); }
        public bool Remove(Activity item) { lock (_spans) return _spans.Remove(item); }
        public int Count { get { lock (_spans) return _spans.Count; } }
        public bool IsReadOnly => false;
        public IEnumerator<Activity> GetEnumerator() => Unique().GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
