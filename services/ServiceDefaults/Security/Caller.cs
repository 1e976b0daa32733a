using System.Security.Claims;
using Grpc.Core;

namespace IntegrationServices.ServiceDefaults.Security;

/// <summary>The authenticated caller of a gRPC method, read from the validated token's claims.</summary>
public sealed record Caller(string Subject, string? Name, IReadOnlySet<string> Roles, IReadOnlyList<string> Units)
{
    public static Caller From(ServerCallContext context) => From(context.GetHttpContext().User);

    public static Caller From(ClaimsPrincipal user) => new(
        user.FindFirst("sub")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? "anonymous",
        user.FindFirst("name")?.Value,
        user.FindAll("roles").Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
        user.FindAll("unit").Select(c => c.Value).ToList());

    public bool HasAnyRole(params string[] roles) => roles.Any(Roles.Contains);
}
