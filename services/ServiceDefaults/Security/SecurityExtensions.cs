using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace IntegrationServices.ServiceDefaults.Security;

public static class SecurityExtensions
{
    private const string SelectorScheme = "Integration";
    private const string DevelopmentScheme = "Development";

    /// <summary>JWT bearer authentication (or loopback development mode) and the role policies.</summary>
    public static WebApplicationBuilder AddIntegrationSecurity(this WebApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        Validate(auth, builder.Configuration);
        builder.Services.AddSingleton(Options.Create(auth));

        builder.Services.AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, SelectorScheme, o => o.ForwardDefaultSelector = context =>
                auth.Mode == AuthMode.Development && context.Request.Headers.Authorization.Count == 0
                    ? DevelopmentScheme
                    : JwtBearerDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, DevelopmentIdentityHandler>(DevelopmentScheme, _ => { })
            .AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                if (!string.IsNullOrWhiteSpace(auth.Authority))
                {
                    o.Authority = auth.Authority;
                    o.RequireHttpsMetadata = !auth.Authority.StartsWith("http://", StringComparison.OrdinalIgnoreCase);
                }
                o.Audience = auth.Audience;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidateAudience = true,
                    ValidAudience = auth.Audience,
                    ValidateIssuer = !string.IsNullOrWhiteSpace(auth.Issuer) || !string.IsNullOrWhiteSpace(auth.Authority),
                    ValidIssuer = string.IsNullOrWhiteSpace(auth.Issuer) ? auth.Authority : auth.Issuer,
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    ClockSkew = TimeSpan.FromSeconds(auth.ClockSkewSeconds),
                    NameClaimType = "name",
                    RoleClaimType = "roles",
                    IssuerSigningKey = string.IsNullOrWhiteSpace(auth.SigningKey) ? null : SigningKey(auth.SigningKey),
                    ValidateIssuerSigningKey = true,
                };
            });

        var corsOrigins = CorsOrigins(builder.Configuration);
        if (corsOrigins.Length > 0)
            builder.Services.AddCors(o => o.AddDefaultPolicy(p => p.WithOrigins(corsOrigins).AllowAnyHeader().AllowAnyMethod()));

        builder.Services.AddAuthorization(o =>
        {
            foreach (var (policy, roles) in Policies.RolesOf)
                o.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
            // Endpoints that declare nothing are refused; health, reflection and metrics opt out explicitly.
            o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireAssertion(_ => false).Build();
        });
        return builder;
    }

    public static SymmetricSecurityKey SigningKey(string key) => new(Encoding.UTF8.GetBytes(key));

    /// <summary>
    /// Development mode only: every request must be local (<see cref="LoopbackRequestGuard"/>). Goes first in the
    /// pipeline, so that a foreign page learns nothing, not even which paths exist.
    /// </summary>
    public static WebApplication UseDevelopmentRequestGuard(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Mode == AuthMode.Development)
            app.UseMiddleware<LoopbackRequestGuard>();
        return app;
    }

    /// <summary>Browsers may read answers cross-origin only for the origins in <c>Cors:AllowedOrigins</c> (none by default: CORS stays closed).</summary>
    public static WebApplication UseConfiguredCors(this WebApplication app)
    {
        if (CorsOrigins(app.Configuration).Length > 0) app.UseCors();
        return app;
    }

    /// <summary><c>Cors:AllowedOrigins</c>: exact origins (<c>https://app.example.org</c>); a wildcard is refused on start.</summary>
    private static string[] CorsOrigins(IConfiguration configuration)
    {
        var origins = configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [];
        foreach (var origin in origins)
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || origin.EndsWith('/'))
                throw new OptionsValidationException("Cors", typeof(AuthOptions),
                    [$"Cors:AllowedOrigins must list origins such as https://app.example.org (scheme, host, optional port; no path, no wildcard); '{origin}' is not one."]);
        return origins;
    }

    private static void Validate(AuthOptions auth, IConfiguration configuration)
    {
        if (auth.Mode == AuthMode.Development)
        {
            var exposed = EndpointUrls(configuration).Where(u => !IsLoopback(u)).ToList();
            if (exposed.Count > 0)
                throw new OptionsValidationException(AuthOptions.Section, typeof(AuthOptions),
                    [$"Auth:Mode=Development serves every caller as an all-roles identity, so it is only allowed when every endpoint is bound to loopback; these are not: {string.Join(", ", exposed)}. Use Auth:Mode=Jwt or bind to 127.0.0.1."]);
            return;
        }
        if (string.IsNullOrWhiteSpace(auth.Authority) && string.IsNullOrWhiteSpace(auth.SigningKey))
            throw new OptionsValidationException(AuthOptions.Section, typeof(AuthOptions),
                ["Auth:Mode=Jwt needs Auth:Authority (an OpenID Connect provider) or Auth:SigningKey (HS256, at least 32 bytes)."]);
        if (!string.IsNullOrWhiteSpace(auth.SigningKey) && Encoding.UTF8.GetByteCount(auth.SigningKey) < 32)
            throw new OptionsValidationException(AuthOptions.Section, typeof(AuthOptions),
                ["Auth:SigningKey must be at least 32 bytes long (HS256)."]);
        if (string.IsNullOrWhiteSpace(auth.Audience))
            throw new OptionsValidationException(AuthOptions.Section, typeof(AuthOptions), ["Auth:Audience is required."]);
    }

    private static IEnumerable<string> EndpointUrls(IConfiguration configuration)
    {
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
            if (endpoint["Url"] is { } url) yield return url;
        if (configuration["urls"] is { } urls)
            foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries)) yield return url;
    }

    private static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var uri)) return false;
        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>The identity of token-less calls in Development mode: every role.</summary>
    private sealed class DevelopmentIdentityHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var claims = new List<Claim> { new("sub", "development"), new("name", "Development user") };
            claims.AddRange(Roles.All.Select(r => new Claim("roles", r)));
            var identity = new ClaimsIdentity(claims, DevelopmentScheme, "name", "roles");
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), DevelopmentScheme)));
        }
    }
}
