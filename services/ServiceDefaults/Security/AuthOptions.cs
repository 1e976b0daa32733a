namespace IntegrationServices.ServiceDefaults.Security;

public enum AuthMode
{
    /// <summary>Bearer tokens required (default for every production host).</summary>
    Jwt,
    /// <summary>Loopback-only local runs: calls without a token act as a development identity with all roles.</summary>
    Development,
}

/// <summary>Section "Auth".</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public AuthMode Mode { get; set; } = AuthMode.Jwt;

    /// <summary>OpenID Connect authority (issuer URL) whose signing keys validate tokens.</summary>
    public string? Authority { get; set; }

    /// <summary>Expected <c>aud</c>.</summary>
    public string Audience { get; set; } = "integration-services";

    /// <summary>Expected <c>iss</c> when validating with a signing key (defaults to the authority).</summary>
    public string? Issuer { get; set; } = "integration-services";

    /// <summary>Symmetric HS256 key (at least 32 bytes) for small installations and tests.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Allowed clock skew in seconds for exp/nbf.</summary>
    public int ClockSkewSeconds { get; set; } = 30;
}
