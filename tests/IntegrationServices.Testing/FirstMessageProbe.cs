using Grpc.Core;
using Grpc.AspNetCore.Server;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.Testing;

/// <summary>
/// A test's window into the server: completes <see cref="Received"/> once a client-streaming handler has
/// read the first message of its stream, so that a test knows the server holds a client's first batch
/// (instead of guessing with a pause). Added to the host under test by the test, never to the service.
/// </summary>
public sealed class FirstMessageProbe : Interceptor
{
    public TaskCompletionSource Received { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Adds this probe to the gRPC interceptors of the host being built.</summary>
    public void AddTo(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(this);
        builder.Services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<FirstMessageProbe>());
    }

    /// <summary>Forgets the streams seen so far (a test's set-up imports too): <see cref="Received"/> waits for the next.</summary>
    public void Rearm() => Received = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
