using System.Net;
using System.Text;
using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.SnapshotWorker.Tests;

/// <summary>
/// The worker's own token with only <c>Auth:Authority</c> (no signing key): OAuth 2.0 client credentials
/// at the token endpoint the provider's discovery document names, renewed before it runs out; while the
/// provider refuses, the worker is not ready.
/// </summary>
public sealed class TokenTests
{
    [Fact]
    public async Task With_only_an_authority_the_worker_obtains_its_token_by_client_credentials_uses_it_and_renews_it()
    {
        await using var env = await StartAsync();
        await env.SeedUntilAsync(Utc(2025, 4, 3));
        // Tokens the provider issues live 2 s: shorter than a call's deadline, so each is renewed before the next use.
        await using var provider = await FakeProvider.StartAsync(lifetimeSeconds: 2);
        var worker = await env.StartWorkerAsync(provider.WorkerSettings("s3cret"));

        using var http = worker.Http();
        using var ready = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(1, provider.Issued);

        // The services accept the obtained token (role worker): the snapshot is taken.
        Assert.Equal(Outcome.Succeeded, Assert.Single(await Worker(worker).RunOnceAsync(CancellationToken.None)).Outcome);
        Assert.True(provider.Issued >= 2, $"the token was not renewed ({provider.Issued} issued)");
        Assert.Equal(1, provider.Discoveries);
        Assert.All(provider.Requests, r => Assert.Equal(("client_credentials", "snapshot-worker:s3cret"), r));
    }

    [Fact]
    public async Task A_token_is_kept_while_it_is_fresh()
    {
        await using var env = await StartAsync();
        await using var provider = await FakeProvider.StartAsync(lifetimeSeconds: 3600);
        var worker = await env.StartWorkerAsync(provider.WorkerSettings("s3cret"));
        var credentials = worker.Services.GetRequiredService<SnapshotCredentials>();

        var first = await credentials.TokenAsync(CancellationToken.None);
        var second = await credentials.TokenAsync(CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(1, provider.Issued);
    }

    [Fact]
    public async Task While_the_token_endpoint_refuses_the_worker_is_not_ready_and_says_why()
    {
        await using var env = await StartAsync();
        await using var provider = await FakeProvider.StartAsync(lifetimeSeconds: 3600);
        var worker = await env.StartWorkerAsync(provider.WorkerSettings("wrong-secret"));

        using var http = worker.Http();
        using var ready = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var health = await new Grpc.Health.V1.Health.HealthClient(worker.Invoker()).CheckAsync(new Grpc.Health.V1.HealthCheckRequest { Service = "" });
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.NotServing, health.Status);
        Assert.Equal(0, provider.Issued);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => worker.Services.GetRequiredService<SnapshotCredentials>().TokenAsync(CancellationToken.None).AsTask());
        Assert.Contains("refused the client credentials of Snapshots:ClientId 'snapshot-worker': HTTP 401 invalid_client", refused.Message);
    }

    /// <summary>
    /// An OpenID Connect provider on a real socket: a discovery document and a token endpoint that grants
    /// client_credentials to "snapshot-worker"/"s3cret" with tokens the test services accept (their signing key).
    /// </summary>
    private sealed class FakeProvider : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly List<(string Grant, string Client)> _requests = [];
        private int _issued;
        private int _discoveries;

        private FakeProvider(WebApplication app) => _app = app;

        public string Authority { get; private set; } = "";
        public int Issued => Volatile.Read(ref _issued);
        public int Discoveries => Volatile.Read(ref _discoveries);
        public IReadOnlyList<(string Grant, string Client)> Requests { get { lock (_requests) return [.. _requests]; } }

        public static async Task<FakeProvider> StartAsync(int lifetimeSeconds)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var provider = new FakeProvider(app);
            app.MapGet("/.well-known/openid-configuration", () =>
            {
                Interlocked.Increment(ref provider._discoveries);
                return Results.Json(new Dictionary<string, string> { ["issuer"] = provider.Authority, ["token_endpoint"] = provider.Authority + "/connect/token" });
            });
            app.MapPost("/connect/token", async (HttpRequest request) =>
            {
                var form = await request.ReadFormAsync();
                var basic = request.Headers.Authorization.ToString();
                var client = basic.StartsWith("Basic ", StringComparison.Ordinal) ? Encoding.UTF8.GetString(Convert.FromBase64String(basic["Basic ".Length..])) : "";
                lock (provider._requests) provider._requests.Add((form["grant_type"].ToString(), client));
                if (client != "snapshot-worker:s3cret")
                    return Results.Json(new Dictionary<string, string> { ["error"] = "invalid_client", ["error_description"] = "unknown client or wrong secret" }, statusCode: 401);
                Interlocked.Increment(ref provider._issued);
                var token = TokenIssuer.Create(TestTokens.Options, "snapshot-worker", [Roles.Worker], lifetime: TimeSpan.FromSeconds(lifetimeSeconds));
                return Results.Json(new Dictionary<string, object> { ["access_token"] = token, ["token_type"] = "Bearer", ["expires_in"] = lifetimeSeconds });
            });
            await app.StartAsync();
            provider.Authority = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
            return provider;
        }

        /// <summary>A worker that knows the provider and its client credentials, and no signing key.</summary>
        public Dictionary<string, string?> WorkerSettings(string secret) => new()
        {
            ["Auth:SigningKey"] = "",
            ["Auth:Authority"] = Authority,
            ["Snapshots:ClientId"] = "snapshot-worker",
            ["Snapshots:ClientSecret"] = secret,
        };

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
