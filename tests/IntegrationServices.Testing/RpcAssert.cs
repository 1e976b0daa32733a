using Google.Rpc;
using Grpc.Core;
using Xunit;

namespace IntegrationServices.Testing;

/// <summary>
/// Assertions on gRPC failures and their rich details (google.rpc.Status), for one service: every
/// ErrorInfo must name <paramref name="domain"/> (the service's proto package).
/// </summary>
public sealed class RpcAssert(string domain)
{
    public string Domain => domain;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static",
        Justification = "Tests call every assertion through their service's RpcAssert instance.")]
    public async Task<RpcException> FailsAsync(StatusCode code, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(e.StatusCode == code, $"expected {code}, got {e.StatusCode}: {e.Status.Detail}");
        return e;
    }

    public Task<RpcException> FailsAsync<T>(StatusCode code, Func<AsyncUnaryCall<T>> call) =>
        FailsAsync(code, async () => await call());

    /// <summary>INVALID_ARGUMENT with exactly one BadRequest violation per named field (in any order), and the service's ErrorInfo.</summary>
    public async Task<IReadOnlyList<BadRequest.Types.FieldViolation>> InvalidAsync<T>(Func<AsyncUnaryCall<T>> call, params string[] fields) =>
        Violations(await FailsAsync(StatusCode.InvalidArgument, call), fields);

    public async Task<IReadOnlyList<BadRequest.Types.FieldViolation>> InvalidAsync(Func<Task> call, params string[] fields) =>
        Violations(await FailsAsync(StatusCode.InvalidArgument, call), fields);

    public IReadOnlyList<BadRequest.Types.FieldViolation> Violations(RpcException e, params string[] fields)
    {
        var badRequest = e.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.True(badRequest is not null, $"no BadRequest detail in: {e.Status.Detail}");
        var violations = badRequest.FieldViolations.ToList();
        Assert.Equal(fields.Order(StringComparer.Ordinal), violations.Select(v => v.Field).Order(StringComparer.Ordinal));
        Assert.All(violations, v => Assert.False(string.IsNullOrWhiteSpace(v.Description), $"violation of {v.Field} has no description"));
        ErrorInfo(e, "INVALID_ARGUMENT");
        return violations;
    }

    public ErrorInfo ErrorInfo(RpcException e, string reason)
    {
        var info = e.GetRpcStatus()?.GetDetail<ErrorInfo>();
        Assert.True(info is not null, $"no ErrorInfo detail in: {e.Status.Detail}");
        Assert.Equal(domain, info.Domain);
        Assert.Equal(reason, info.Reason);
        return info;
    }
}
