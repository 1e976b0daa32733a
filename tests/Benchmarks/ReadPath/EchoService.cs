using Grpc.Core;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;

namespace IntegrationServices.Benchmarks.ReadPath;

/// <summary>The transport's limit on this machine: no authentication, no interceptors, no database.</summary>
public sealed class BareEchoService : EchoService.EchoServiceBase
{
    public override Task<EchoMessage> Echo(EchoMessage request, ServerCallContext context) => Task.FromResult(request);
}

/// <summary>
/// The floor of every authenticated call of the Measures service: the same echo, mapped into the Measures host
/// and authorized like its reads, so it passes the service's whole pipeline (authentication, authorization,
/// interceptors, metrics, tracing, logging) but does no work of its own.
/// </summary>
[Authorize(Policy = Policies.Read)]
public sealed class AuthenticatedEchoService : EchoService.EchoServiceBase
{
    public override Task<EchoMessage> Echo(EchoMessage request, ServerCallContext context) => Task.FromResult(request);
}
