using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;

namespace IntegrationServices.Suite.Tests.Security;

/// <summary>
/// Calls every public method of every service under every role, without a token and with broken
/// tokens, and checks the outcome against <see cref="AuthorizationMatrix"/>. "Allowed" means the
/// call got past authentication and authorization (an empty request may still be INVALID_ARGUMENT).
/// </summary>
public sealed class AuthorizationMatrixTests(SuiteUnderTest suite) : IClassFixture<SuiteUnderTest>
{
    public static IEnumerable<object[]> Methods() =>
        SuiteUnderTest.Services.SelectMany(s => s.Service.Methods).Select(m => new object[] { m.Service.FullName, m.Name });

    [Fact]
    public void Every_method_has_a_decision()
    {
        var served = SuiteUnderTest.Services.SelectMany(s => s.Service.Methods).Select(Key).ToHashSet();
        Assert.Empty(served.Except(AuthorizationMatrix.Allowed.Keys));
        Assert.Empty(AuthorizationMatrix.Allowed.Keys.Except(served));
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task Each_role_gets_exactly_what_the_matrix_says(string service, string method)
    {
        var descriptor = Find(service, method);
        var allowed = AuthorizationMatrix.Allowed[Key(descriptor)];
        var host = suite.Hosts[service];
        var outcomes = new List<string>();
        foreach (var role in Roles.All)
        {
            var status = await CallAsync(host.Invoker(TestTokens.For([role], ["units/none"])), descriptor);
            var expectAllowed = allowed.Contains(role);
            var ok = expectAllowed
                ? status is not (StatusCode.PermissionDenied or StatusCode.Unauthenticated)
                : status == StatusCode.PermissionDenied;
            if (!ok) outcomes.Add($"{role}: expected {(expectAllowed ? "allowed" : "PERMISSION_DENIED")}, got {status}");
        }
        Assert.True(outcomes.Count == 0, $"{Key(descriptor)}:\n{string.Join("\n", outcomes)}");
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task Missing_or_bad_tokens_are_unauthenticated(string service, string method)
    {
        var descriptor = Find(service, method);
        var host = suite.Hosts[service];
        var tokens = new Dictionary<string, string?>
        {
            ["none"] = null,
            ["expired"] = TestTokens.Expired(Roles.Admin),
            ["not yet valid"] = TestTokens.NotYetValid(Roles.Admin),
            ["wrongly signed"] = TestTokens.WronglySigned(Roles.Admin),
            ["wrong audience"] = TestTokens.WrongAudience(Roles.Admin),
            ["garbage"] = "not-a-jwt",
        };
        foreach (var (kind, token) in tokens)
            Assert.True(await CallAsync(host.Invoker(token), descriptor) == StatusCode.Unauthenticated, $"{Key(descriptor)} with {kind} token");
    }

    private static string Key(MethodDescriptor m) => $"{m.Service.FullName}/{m.Name}";

    private static MethodDescriptor Find(string service, string method) =>
        SuiteUnderTest.Services.Select(s => s.Service).Single(s => s.FullName == service).FindMethodByName(method);

    /// <summary>Invokes any method with an empty request through the real gRPC pipeline; returns its status.</summary>
    private static async Task<StatusCode> CallAsync(CallInvoker invoker, MethodDescriptor descriptor)
    {
        var marshaller = Marshallers.Create<IMessage>(m => m.ToByteArray(), bytes => descriptor.OutputType.Parser.ParseFrom(bytes));
        var requestMarshaller = Marshallers.Create<IMessage>(m => m.ToByteArray(), bytes => descriptor.InputType.Parser.ParseFrom(bytes));
        var type = (descriptor.IsClientStreaming, descriptor.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (true, false) => MethodType.ClientStreaming,
            (false, true) => MethodType.ServerStreaming,
            _ => MethodType.DuplexStreaming,
        };
        var method = new Method<IMessage, IMessage>(type, descriptor.Service.FullName, descriptor.Name, requestMarshaller, marshaller);
        var request = descriptor.InputType.Parser.ParseFrom(ByteString.Empty);
        var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30));
        try
        {
            switch (type)
            {
                case MethodType.Unary:
                    await invoker.AsyncUnaryCall(method, null, options, request);
                    break;
                case MethodType.ServerStreaming:
                    using (var call = invoker.AsyncServerStreamingCall(method, null, options, request))
                        while (await call.ResponseStream.MoveNext(CancellationToken.None)) { }
                    break;
                case MethodType.ClientStreaming:
                    using (var call = invoker.AsyncClientStreamingCall(method, null, options))
                    {
                        await call.RequestStream.CompleteAsync();
                        await call.ResponseAsync;
                    }
                    break;
                default:
                    using (var call = invoker.AsyncDuplexStreamingCall(method, null, options))
                    {
                        await call.RequestStream.CompleteAsync();
                        while (await call.ResponseStream.MoveNext(CancellationToken.None)) { }
                    }
                    break;
            }
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }
}
