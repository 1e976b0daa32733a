namespace IntegrationServices.SnapshotWorker.Tests;

/// <summary>
/// Runs a test's step when a worker's call of one method is about to be sent (numbered from 1, per
/// hook): to edit a cycle mid-attempt, hold an attempt, or fail one call as an unreachable service would.
/// </summary>
public sealed class CallHook(string method, Func<int, CancellationToken, Task> step)
{
    private readonly string _path = "/" + method;
    private int _calls;

    private Task StepAsync(HttpRequestMessage request, CancellationToken ct) =>
        request.RequestUri!.AbsolutePath.EndsWith(_path, StringComparison.Ordinal) ? step(Interlocked.Increment(ref _calls), ct) : Task.CompletedTask;

    /// <summary>The handler wrap for <c>SnapshotEnvironment.StartWorkerAsync</c>.</summary>
    public Func<HttpMessageHandler, HttpMessageHandler> Handler() => inner => new HookHandler(this, inner);

    /// <summary>What a step throws to fail the call as a refused connection does (UNAVAILABLE).</summary>
    public static Exception Unreachable() => new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (the test's hook)",
        new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused));

    private sealed class HookHandler(CallHook hook, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            await hook.StepAsync(request, ct);
            return await base.SendAsync(request, ct);
        }
    }
}
