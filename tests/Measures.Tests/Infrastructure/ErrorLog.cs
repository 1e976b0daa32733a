using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace IntegrationServices.Measures.Tests.Infrastructure;

/// <summary>
/// Collects what the host logs at Error level (unexpected failures behind INTERNAL), so that a test
/// failing on INTERNAL can say what went wrong on the server.
/// </summary>
public sealed class ErrorLog : ILoggerProvider
{
    public ConcurrentQueue<string> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(ErrorLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) log.Entries.Enqueue($"{category}: {formatter(state, exception)}\n{exception}");
        }
    }
}

/// <summary>Adds the server's error log to INTERNAL failures seen by the tests' clients.</summary>
public sealed class ServerErrorsInMessages(ErrorLog log) : Grpc.Core.Interceptors.Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request,
        Grpc.Core.Interceptors.ClientInterceptorContext<TRequest, TResponse> context,
        Grpc.Core.Interceptors.Interceptor.AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, context);
        return new AsyncUnaryCall<TResponse>(WithServerErrors(call.ResponseAsync), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    private async Task<T> WithServerErrors<T>(Task<T> response)
    {
        try { return await response; }
        catch (RpcException e) when (e.StatusCode == StatusCode.Internal)
        {
            throw new RpcException(e.Status, e.Trailers, e.Message + "\nServer errors:\n" + string.Join("\n", log.Entries));
        }
    }
}
