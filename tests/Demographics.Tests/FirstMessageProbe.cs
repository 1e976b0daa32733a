using Grpc.Core;
using Grpc.Core.Interceptors;

namespace IntegrationServices.Demographics.Tests;

/// <summary>
/// A test's window into the server: completes <see cref="Received"/> once a client-streaming handler has
/// read the first message of its stream, so that a test knows the server holds a client's first batch
/// (instead of guessing with a pause). Added to the host under test by the test, never to the service.
/// </summary>
public sealed class FirstMessageProbe : Interceptor
{
    public TaskCompletionSource Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new Reader<TRequest>(requestStream, Received), context);

    private sealed class Reader<T>(IAsyncStreamReader<T> inner, TaskCompletionSource received) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken ct)
        {
            var more = await inner.MoveNext(ct);
            if (more) received.TrySetResult();
            return more;
        }
    }
}
