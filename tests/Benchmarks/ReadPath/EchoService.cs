using Grpc.Core;

namespace IntegrationServices.Benchmarks.ReadPath;

/// <summary>The transport's limit on this machine: no authentication, no interceptors, no database.</summary>
public sealed class BareEchoService : EchoService.EchoServiceBase
{
    public override Task<EchoMessage> Echo(EchoMessage request, ServerCallContext context) => Task.FromResult(request);
}
