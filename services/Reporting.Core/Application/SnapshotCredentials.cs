using Grpc.Core;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace IntegrationServices.Reporting.Core.Application;

/// <summary>
/// The bearer token the snapshot computation presents to Measures and Demographics, from the first of:
/// a fixed token (<c>Snapshots:AccessToken</c>); one obtained with the client credentials
/// <c>Snapshots:ClientId</c>/<c>ClientSecret</c> from the identity provider at <c>Auth:Authority</c>; one
/// minted with <c>Auth:SigningKey</c> (role <c>worker</c>); none (Development mode). Obtained and minted
/// tokens are kept and renewed before they run out, one renewal at a time.
/// </summary>
public sealed class SnapshotCredentials : IDisposable
{
    /// <summary>
    /// Token lifetimes are checked by the receiving services against their wall clocks, so they are
    /// measured with the system clock, never with a test's fake business clock.
    /// </summary>
    private static readonly TimeProvider WallClock = TimeProvider.System;

    private readonly AuthOptions _auth;
    private readonly SnapshotOptions _options;
    private readonly ClientCredentialsTokens? _provider;
    private readonly string _subject;
    private readonly SemaphoreSlim _renewal = new(1, 1);
    private volatile IssuedToken? _token;

    /// <summary>The container disposes the singleton after the worker has stopped, so no renewal is waiting.</summary>
    public void Dispose() => _renewal.Dispose();

    public SnapshotCredentials(IOptions<AuthOptions> auth, IOptions<SnapshotOptions> options, IHttpClientFactory http, string subject)
    {
        _auth = auth.Value;
        _options = options.Value;
        _subject = subject;
        if (string.IsNullOrWhiteSpace(_options.AccessToken) && !string.IsNullOrWhiteSpace(_options.ClientId) && !string.IsNullOrWhiteSpace(_auth.Authority))
            _provider = new ClientCredentialsTokens(http, _auth.Authority, _options);
    }

    /// <summary>Where the token comes from, for the log and the readiness check.</summary>
    public string Source =>
        !string.IsNullOrWhiteSpace(_options.AccessToken) ? "Snapshots:AccessToken"
        : _provider is not null ? $"client credentials of '{_options.ClientId}' at {_auth.Authority}"
        : !string.IsNullOrWhiteSpace(_auth.SigningKey) ? "minted with Auth:SigningKey"
        : "none (calls carry no token)";

    /// <summary>The current token (renewed first when it is about to run out), or null when calls go without one.</summary>
    public async ValueTask<string?> TokenAsync(CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(_options.AccessToken)) return _options.AccessToken;
        if (_provider is null && string.IsNullOrWhiteSpace(_auth.SigningKey)) return null;
        if (_token is { } current && WallClock.GetUtcNow() < current.RenewAt) return current.Value;
        await _renewal.WaitAsync(ct);
        try
        {
            if (_token is { } renewed && WallClock.GetUtcNow() < renewed.RenewAt) return renewed.Value;
            var obtained = _provider is not null ? await _provider.RequestAsync(ct) : Mint();
            _token = obtained;
            return obtained.Value;
        }
        finally
        {
            _renewal.Release();
        }
    }

    /// <summary>Call options with the token and a deadline of <see cref="SnapshotOptions.CallTimeout"/>.</summary>
    public async ValueTask<CallOptions> CallOptionsAsync(CancellationToken ct)
    {
        var headers = new Metadata();
        if (await TokenAsync(ct) is { } token) headers.Add("authorization", "Bearer " + token);
        // gRPC compares deadlines with the wall clock, too.
        return new CallOptions(headers, WallClock.GetUtcNow().UtcDateTime + _options.CallTimeout, ct);
    }

    private IssuedToken Mint()
    {
        var now = WallClock.GetUtcNow();
        var token = TokenIssuer.Create(_auth, _subject, [Roles.Worker], name: "Snapshot worker", lifetime: _options.TokenLifetime, now: now.UtcDateTime);
        return IssuedToken.Of(token, now, _options.TokenLifetime, _options.CallTimeout);
    }
}

/// <summary>A token and when to renew it.</summary>
internal sealed record IssuedToken(string Value, DateTimeOffset RenewAt)
{
    /// <summary>
    /// Renewed when less than a third of its lifetime is left, and never later than a call's deadline
    /// before it runs out, so that no call starts with a token that could expire while it runs.
    /// </summary>
    public static IssuedToken Of(string value, DateTimeOffset obtained, TimeSpan lifetime, TimeSpan callTimeout)
    {
        var margin = lifetime / 3 > callTimeout ? lifetime / 3 : callTimeout;
        return new IssuedToken(value, obtained + lifetime - margin);
    }
}
