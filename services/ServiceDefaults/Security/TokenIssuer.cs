using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IntegrationServices.ServiceDefaults.Security;

/// <summary>
/// Signs HS256 tokens with the configured <c>Auth:SigningKey</c>: for small installations without an
/// OpenID Connect provider (the worker's own service token), for trying Jwt mode locally, and for tests.
/// </summary>
public static class TokenIssuer
{
    public static string Create(AuthOptions auth, string subject, IEnumerable<string> roles, IEnumerable<string>? units = null,
        string? name = null, TimeSpan? lifetime = null, DateTime? now = null, string? audience = null, string? signingKey = null)
    {
        var key = signingKey ?? auth.SigningKey ?? throw new InvalidOperationException("Auth:SigningKey is not configured.");
        var issuedAt = now ?? DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (name is not null) claims["name"] = name;
        claims["roles"] = roles.ToArray();
        var unitList = units?.ToArray() ?? [];
        if (unitList.Length > 0) claims["unit"] = unitList;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer ?? auth.Authority,
            Audience = audience ?? auth.Audience,
            Claims = claims,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + (lifetime ?? TimeSpan.FromHours(1)),
            SigningCredentials = new SigningCredentials(SecurityExtensions.SigningKey(key), SecurityAlgorithms.HmacSha256),
        });
    }
}
