using Grpc.Core;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http;

namespace IntegrationServices.ServiceDefaults.Auditing;

/// <summary>Who writes, and through which method: what the audit trail and the request ids record of every write.</summary>
public sealed record WriteContext(Caller Caller, string Method)
{
    public static WriteContext Of(ServerCallContext context) => new(Caller.From(context), context.Method);

    public static WriteContext Of(HttpContext http, string method) => new(Caller.From(http.User), method);

    /// <summary>The administrative path of the service itself (demo seeding, historical imports, the snapshot worker).</summary>
    public static WriteContext System(string subject, string name, string method, params string[] roles) =>
        new(new Caller(subject, name, roles.ToHashSet(StringComparer.Ordinal), []), method);
}
