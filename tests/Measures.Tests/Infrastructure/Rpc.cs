namespace IntegrationServices.Measures.Tests.Infrastructure;

/// <summary>Assertions on gRPC failures and their rich error details (google.rpc.Status).</summary>
public static class Rpc
{
    public static async Task<RpcException> FailsAsync(StatusCode code, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(e.StatusCode == code, $"expected {code}, got {e.StatusCode}: {e.Status.Detail}");
        return e;
    }

    public static Task<RpcException> FailsAsync<T>(StatusCode code, Func<AsyncUnaryCall<T>> call) =>
        FailsAsync(code, async () => await call());

    /// <summary>INVALID_ARGUMENT with exactly one BadRequest violation per named field, and ErrorInfo of the service.</summary>
    public static async Task<IReadOnlyList<BadRequest.Types.FieldViolation>> InvalidAsync<T>(Func<AsyncUnaryCall<T>> call, params string[] fields)
    {
        var e = await FailsAsync(StatusCode.InvalidArgument, call);
        return AssertViolations(e, fields);
    }

    public static async Task<IReadOnlyList<BadRequest.Types.FieldViolation>> InvalidAsync(Func<Task> call, params string[] fields)
    {
        var e = await FailsAsync(StatusCode.InvalidArgument, call);
        return AssertViolations(e, fields);
    }

    public static IReadOnlyList<BadRequest.Types.FieldViolation> AssertViolations(RpcException e, params string[] fields)
    {
        var status = e.GetRpcStatus();
        Assert.NotNull(status);
        var badRequest = status.GetDetail<BadRequest>();
        Assert.True(badRequest is not null, $"no BadRequest detail in: {e.Status.Detail}");
        var violations = badRequest.FieldViolations.ToList();
        Assert.Equal(fields.OrderBy(f => f, StringComparer.Ordinal), violations.Select(v => v.Field).OrderBy(f => f, StringComparer.Ordinal));
        Assert.All(violations, v => Assert.False(string.IsNullOrWhiteSpace(v.Description), $"violation of {v.Field} has no description"));
        AssertErrorInfo(e, "INVALID_ARGUMENT");
        return violations;
    }

    public static ErrorInfo AssertErrorInfo(RpcException e, string reason)
    {
        var info = e.GetRpcStatus()?.GetDetail<ErrorInfo>();
        Assert.True(info is not null, $"no ErrorInfo detail in: {e.Status.Detail}");
        Assert.Equal(MeasuresTestBase.Domain, info.Domain);
        Assert.Equal(reason, info.Reason);
        return info;
    }
}
