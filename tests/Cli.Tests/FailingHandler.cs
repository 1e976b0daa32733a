namespace IntegrationServices.Cli.Tests;

/// <summary>Refuses a request as a closed port would, while <c>fail()</c> says so.</summary>
internal sealed class FailingHandler(HttpMessageHandler inner, Func<bool> fail) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
        fail()
            ? Task.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (test)",
                new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused)))
            : base.SendAsync(request, ct);
}
