using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationServices.ServiceDefaults.Hosting;

/// <summary>
/// Ends every server stream of the suite's APIs that runs longer than <see cref="ApiOptions.MaxStreamDuration"/>:
/// the handler sees its call's cancellation token fire (which stops its database reads and releases the
/// connection), and the caller gets DEADLINE_EXCEEDED saying why — or CANCELLED when it had stopped reading
/// (see <see cref="ResetIfStalled"/>). Health and reflection (packages <c>grpc.*</c>) are left alone: a health
/// Watch is meant to stay open.
/// </summary>
public sealed partial class StreamDurationInterceptor(IOptions<ApiOptions> options, TimeProvider clock, ILogger<StreamDurationInterceptor> logger)
    : Interceptor
{
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (!Applies(context)) { await continuation(request, responseStream, context); return; }
        using var limit = new LimitedCallContext(context, options.Value.MaxStreamDuration, clock);
        var writer = new WatchedWriter<TResponse>(responseStream);
        using var stalled = limit.OnExpiry(() => ResetIfStalled(writer, context));
        try { await continuation(request, writer, limit); }
        catch (Exception e) when (limit.Expired && e is not RpcException) { throw Exceeded(context); }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (!Applies(context)) { await continuation(requestStream, responseStream, context); return; }
        using var limit = new LimitedCallContext(context, options.Value.MaxStreamDuration, clock);
        var writer = new WatchedWriter<TResponse>(responseStream);
        using var stalled = limit.OnExpiry(() => ResetIfStalled(writer, context));
        try { await continuation(requestStream, writer, limit); }
        catch (Exception e) when (limit.Expired && e is not RpcException) { throw Exceeded(context); }
    }

    /// <summary>
    /// A write still waiting when the limit passes waits for a client that stopped reading: trailers with
    /// DEADLINE_EXCEEDED would queue behind the unread messages and never arrive, and the cancelled write would
    /// end in an abort the caller reads as INTERNAL. The stream is reset with CANCEL instead, which the caller
    /// reads as CANCELLED — deliberate, and it frees the handler at once.
    /// </summary>
    private void ResetIfStalled<TResponse>(WatchedWriter<TResponse> writer, ServerCallContext context)
    {
        if (!writer.Writing) return;
        LogReset(logger, context.Method, options.Value.MaxStreamDuration);
        context.GetHttpContext().Features.Get<IHttpResetFeature>()?.Reset(Http2CancelCode);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} reset after Api:MaxStreamDuration ({Limit}): the client stopped reading")]
    private static partial void LogReset(ILogger logger, string method, TimeSpan limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} ended after Api:MaxStreamDuration ({Limit})")]
    private static partial void LogEnded(ILogger logger, string method, TimeSpan limit);

    /// <summary>HTTP/2 (and HTTP/3 maps it) error code CANCEL: the stream is no longer needed.</summary>
    private const int Http2CancelCode = 0x8;

    private static bool Applies(ServerCallContext context) => !context.Method.StartsWith("/grpc.", StringComparison.Ordinal);

    private RpcException Exceeded(ServerCallContext context)
    {
        var limit = options.Value.MaxStreamDuration;
        LogEnded(logger, context.Method, limit);
        return new RpcException(new Status(StatusCode.DeadlineExceeded,
            $"The stream ran longer than this server allows (Api:MaxStreamDuration = {limit}) and was ended; " +
            "read it faster, or narrow the selection and read it in parts."));
    }

    /// <summary>
    /// The call's context with a cancellation token that also fires when the time limit has passed; everything
    /// else is the original's. The HttpContext is handed on through the user state, where grpc-dotnet's
    /// <c>GetHttpContext</c> looks for it on a context of its own making.
    /// </summary>
    /// <summary>The handler's response stream, knowing whether a write is still waiting for the client.</summary>
    private sealed class WatchedWriter<T>(IServerStreamWriter<T> inner) : IServerStreamWriter<T>
    {
        private int _writing;

        public bool Writing => Volatile.Read(ref _writing) > 0;

        public WriteOptions? WriteOptions { get => inner.WriteOptions; set => inner.WriteOptions = value; }

        public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

        public async Task WriteAsync(T message, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _writing);
            try { await inner.WriteAsync(message, cancellationToken); }
            finally { Interlocked.Decrement(ref _writing); }
        }
    }

    private sealed class LimitedCallContext : ServerCallContext, IDisposable
    {
        private const string HttpContextKey = "__HttpContext";
        private readonly ServerCallContext _inner;
        private readonly CancellationTokenSource _timer;
        private readonly CancellationTokenSource _linked;

        public LimitedCallContext(ServerCallContext inner, TimeSpan limit, TimeProvider clock)
        {
            _inner = inner;
            _timer = new CancellationTokenSource(limit, clock);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(inner.CancellationToken, _timer.Token);
            inner.UserState[HttpContextKey] = inner.GetHttpContext();
        }

        public bool Expired => _timer.IsCancellationRequested;

        /// <summary>
        /// Runs <paramref name="action"/> when the limit passes, before the handler's token fires (a token runs
        /// its callbacks in reverse order of registration, and the handler's was registered first).
        /// </summary>
        public CancellationTokenRegistration OnExpiry(Action action) => _timer.Token.Register(action);

        protected override string MethodCore => _inner.Method;
        protected override string HostCore => _inner.Host;
        protected override string PeerCore => _inner.Peer;
        protected override DateTime DeadlineCore => _inner.Deadline;
        protected override Metadata RequestHeadersCore => _inner.RequestHeaders;
        protected override CancellationToken CancellationTokenCore => _linked.Token;
        protected override Metadata ResponseTrailersCore => _inner.ResponseTrailers;
        protected override Status StatusCore { get => _inner.Status; set => _inner.Status = value; }
        protected override WriteOptions? WriteOptionsCore { get => _inner.WriteOptions; set => _inner.WriteOptions = value; }
        protected override AuthContext AuthContextCore => _inner.AuthContext;
        protected override IDictionary<object, object> UserStateCore => _inner.UserState;
        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => _inner.CreatePropagationToken(options);
        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => _inner.WriteResponseHeadersAsync(responseHeaders);

        public void Dispose()
        {
            _linked.Dispose();
            _timer.Dispose();
        }
    }
}
