namespace IntegrationServices.ServiceDefaults.Hosting;

/// <summary>Who a component is: its gRPC service name (health) and the name of its database.</summary>
public sealed record ServiceIdentity(string GrpcServiceName, string StorageName)
{
    /// <summary>The proto package, the <c>domain</c> of every error the service reports ("integration.measures.v1").</summary>
    public string ErrorDomain => GrpcServiceName[..Math.Max(0, GrpcServiceName.LastIndexOf('.'))];
}
