using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace IntegrationServices.ServiceDefaults.Observability;

/// <summary>
/// Logs, metrics and traces of a component, configured by the standard <c>OTEL_*</c> variables:
/// <list type="bullet">
/// <item>Console logs, simple single lines by default, JSON with <c>Logging:Console:FormatterName=json</c>; every
/// line carries the trace and span id of the request in its scopes.</item>
/// <item>Metrics on <c>/metrics</c> (Prometheus) always.</item>
/// <item>OTLP export of traces, metrics and logs only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or a per-signal
/// endpoint) is set; <c>OTEL_{TRACES,METRICS,LOGS}_EXPORTER=none</c> turns one signal off and
/// <c>OTEL_SDK_DISABLED=true</c> all of them. Without an exporter no tracer provider exists, so no span is
/// recorded and an <see cref="System.Diagnostics.ActivitySource"/> of the suite costs a null check.</item>
/// </list>
/// </summary>
public static class Telemetry
{
    /// <summary>The suite's own activity sources are named below this prefix (storage, snapshot worker).</summary>
    public const string SourcePrefix = "IntegrationServices";

    /// <summary>The signals <c>OTEL_*_EXPORTER</c> names, each exported over OTLP unless set to <c>none</c>.</summary>
    public enum Signal { Traces, Metrics, Logs }

    public static void AddTelemetry(this WebApplicationBuilder builder, string defaultServiceName)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole();
        // Both formatters read Logging:Console:FormatterOptions; the simple one's timestamp ends in a space.
        builder.Services.PostConfigure<JsonConsoleFormatterOptions>(o => o.TimestampFormat = o.TimestampFormat?.TrimEnd());
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } named ? named : defaultServiceName;
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(m => m
                .AddMeter(ServiceMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        // Takes effect only where a tracer provider is built: with an OTLP exporter below, or a test's own.
        builder.Services.ConfigureOpenTelemetryTracerProvider(ConfigureTracing);

        if (Exports(builder.Configuration, Signal.Traces)) otel.WithTracing(t => t.AddOtlpExporter());
        if (Exports(builder.Configuration, Signal.Metrics)) otel.WithMetrics(m => m.AddOtlpExporter());
        if (Exports(builder.Configuration, Signal.Logs))
            builder.Logging.AddOpenTelemetry(o =>
            {
                o.IncludeScopes = true;
                o.IncludeFormattedMessage = true;
                o.AddOtlpExporter();
            });
    }

    /// <summary>
    /// What every component traces: server spans for gRPC and HTTP (not the probes), client spans for outgoing
    /// gRPC calls with the W3C trace context injected, SqlClient commands, and the suite's own sources.
    /// </summary>
    public static void ConfigureTracing(TracerProviderBuilder tracing) => tracing
        .AddSource(SourcePrefix + ".*")
        .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsProbe(http.Request.Path))
        // The gRPC span is the client span; it injects traceparent itself, which also works over handlers
        // other than SocketsHttpHandler (e.g. a test server's), where HttpClient would not.
        .AddGrpcClientInstrumentation(o => o.SuppressDownstreamInstrumentation = true)
        .AddSqlClientInstrumentation();

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/metrics")
        || path.StartsWithSegments("/grpc.health.v1.Health");

    /// <summary>Whether <paramref name="signal"/> is exported over OTLP: an endpoint is configured and nothing turns it off.</summary>
    public static bool Exports(IConfiguration configuration, Signal signal)
    {
        if (string.Equals(configuration["OTEL_SDK_DISABLED"], "true", StringComparison.OrdinalIgnoreCase)) return false;
        var name = signal.ToString().ToUpperInvariant();
        if (string.Equals(configuration[$"OTEL_{name}_EXPORTER"], "none", StringComparison.OrdinalIgnoreCase)) return false;
        return !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
               || !string.IsNullOrWhiteSpace(configuration[$"OTEL_EXPORTER_OTLP_{name}_ENDPOINT"]);
    }
}
