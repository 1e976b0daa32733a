using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace IntegrationServices.ServiceDefaults.Observability;

/// <summary>
/// The suite's own instruments (meter "IntegrationServices"), exported with everything else on
/// <c>/metrics</c>: gRPC calls per method and status code, and database operation durations.
/// </summary>
public sealed class ServiceMetrics : IDisposable
{
    public const string MeterName = "IntegrationServices";

    private readonly Meter _meter;

    public ServiceMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        RpcDuration = _meter.CreateHistogram<double>("rpc.server.duration", "s", "Duration of gRPC calls handled by the server.");
        DbDuration = _meter.CreateHistogram<double>("db.client.operation.duration", "s", "How long a repository operation held its database connection.");
    }

    public Meter Meter => _meter;

    public Histogram<double> RpcDuration { get; }

    public Histogram<double> DbDuration { get; }

    public void Dispose() => _meter.Dispose();
}

/// <summary>Records every gRPC call with its method and final status (outermost interceptor).</summary>
public sealed class MetricsInterceptor(ServiceMetrics metrics) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await continuation(request, context);
            Record(context, started, StatusCode.OK);
            return response;
        }
        catch (RpcException e) { Record(context, started, e.StatusCode); throw; }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await continuation(requestStream, context);
            Record(context, started, StatusCode.OK);
            return response;
        }
        catch (RpcException e) { Record(context, started, e.StatusCode); throw; }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await continuation(request, responseStream, context);
            Record(context, started, StatusCode.OK);
        }
        catch (RpcException e) { Record(context, started, e.StatusCode); throw; }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await continuation(requestStream, responseStream, context);
            Record(context, started, StatusCode.OK);
        }
        catch (RpcException e) { Record(context, started, e.StatusCode); throw; }
    }

    private void Record(ServerCallContext context, long started, StatusCode code)
    {
        // "/package.Service/Method" → service and method tags.
        var slash = context.Method.LastIndexOf('/');
        metrics.RpcDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>("rpc.service", context.Method[1..Math.Max(1, slash)]),
            new KeyValuePair<string, object?>("rpc.method", context.Method[(slash + 1)..]),
            new KeyValuePair<string, object?>("rpc.grpc.status_code", code.ToString()));
    }
}
