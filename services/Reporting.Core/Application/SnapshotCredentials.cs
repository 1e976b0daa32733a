using Grpc.Core;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace IntegrationServices.Reporting.Core.Application;

/// <summary>
/// The bearer token the snapshot computation presents to Measures and Demographics: a configured
/// token (<c>Snapshots:AccessToken</c>), else a short-lived token with role <c>worker</c> minted with
/// <c>Auth:SigningKey</c> and renewed before it expires, else none (Development mode).
/// </summary>
public sealed class SnapshotCredentials
{
    /// <summary>
    /// Token lifetimes are checked by the receiving services against their wall clocks, so they are
    /// measured with the system clock, never with a test's fake business clock.
    /// </summary>
    private static readonly TimeProvider WallClock = TimeProvider.System;

    private readonly AuthOptions _auth;
    private readonly SnapshotOptions _options;
    private readonly string _subject;
    private readonly Lock _gate = new();
    private string? _token;
    private DateTimeOffset _renewAt;

    public SnapshotCredentials(IOptions<AuthOptions> auth, IOptions<SnapshotOptions> options, string subject)
    {
        _auth = auth.Value;
        _options = options.Value;
        _subject = subject;
    }

    /// <summary>The current token, or null when calls go without one.</summary>
    public string? Token()
    {
        if (!string.IsNullOrWhiteSpace(_options.AccessToken)) return _options.AccessToken;
        if (string.IsNullOrWhiteSpace(_auth.SigningKey)) return null;
        lock (_gate)
        {
            var now = WallClock.GetUtcNow();
            if (_token is null || now >= _renewAt)
            {
                _token = TokenIssuer.Create(_auth, _subject, [Roles.Worker], name: "Snapshot worker",
                    lifetime: _options.TokenLifetime, now: now.UtcDateTime);
                _renewAt = now + _options.TokenLifetime * 2 / 3;
            }
            return _token;
        }
    }

    /// <summary>Call options with the token and a deadline of <see cref="SnapshotOptions.CallTimeout"/>.</summary>
    public CallOptions CallOptions(CancellationToken ct)
    {
        var headers = new Metadata();
        if (Token() is { } token) headers.Add("authorization", "Bearer " + token);
        // gRPC compares deadlines with the wall clock, too.
        return new CallOptions(headers, WallClock.GetUtcNow().UtcDateTime + _options.CallTimeout, ct);
    }
}
