using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Extensions.Logging;
using Status = Google.Rpc.Status;

namespace IntegrationServices.ServiceDefaults.Errors;

/// <summary>
/// The one error model of the suite: <see cref="ServiceException"/> becomes a rich google.rpc.Status
/// (BadRequest with field violations, ErrorInfo with reason and domain); a busy database the retryable
/// answer of <see cref="DatabaseBusy"/>; anything unexpected becomes
/// INTERNAL with a correlation id, the details only in the log. Without it, clients would see
/// UNKNOWN "Exception was thrown by handler."
/// </summary>
public sealed partial class ErrorInterceptor(ILogger<ErrorInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try { return await continuation(request, context); }
        catch (Exception e) { throw Translate(e, context); }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try { return await continuation(requestStream, context); }
        catch (Exception e) { throw Translate(e, context); }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try { await continuation(request, responseStream, context); }
        catch (Exception e) { throw Translate(e, context); }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try { await continuation(requestStream, responseStream, context); }
        catch (Exception e) { throw Translate(e, context); }
    }

    private RpcException Translate(Exception e, ServerCallContext context)
    {
        switch (e)
        {
            case RpcException rpc:
                return rpc;
            case ServiceException se:
                LogRefused(logger, context.Method, se.Code, se.Reason, se.Message);
                return ToRpcException(se, DomainOf(context.Method));
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return new RpcException(new Grpc.Core.Status(StatusCode.Cancelled, "The call was cancelled or its deadline passed."));
            case Google.Protobuf.InvalidProtocolBufferException or Google.Protobuf.InvalidJsonException:
                return ToRpcException(ServiceException.Invalid("request", e.Message), DomainOf(context.Method));
            case var _ when DatabaseBusy.Of(e) is { } busy:
                LogBusy(logger, context.Method, busy.Code, busy.Reason, e.Message);
                return ToRpcException(busy, DomainOf(context.Method));
            default:
                var correlationId = Guid.NewGuid().ToString("N");
                LogFailed(logger, e, context.Method, correlationId);
                return new RpcException(new Grpc.Core.Status(StatusCode.Internal,
                    $"An internal error occurred; quote correlation id {correlationId} to the operators."));
        }
    }

    public static RpcException ToRpcException(ServiceException se, string domain)
    {
        var status = new Status { Code = (int)se.Code, Message = se.Message };
        if (se.Violations.Count > 0)
        {
            var badRequest = new BadRequest();
            badRequest.FieldViolations.AddRange(se.Violations.Select(v =>
                new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
            status.Details.Add(Any.Pack(badRequest));
        }
        status.Details.Add(Any.Pack(new ErrorInfo { Reason = se.Reason, Domain = domain }));
        if (se.RetryDelay is { } delay)
            status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(delay) }));
        return status.ToRpcException();
    }

    /// <summary>"/integration.measures.v1.MeasuresService/GetMeasure" → "integration.measures.v1".</summary>
    public static string DomainOf(string method)
    {
        var match = PackageOf().Match(method);
        return match.Success ? match.Groups[1].Value : "integrationservices";
    }

    // Logged once per failed call: source-generated, so nothing is formatted or boxed when the level is off.
    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} refused: {Code} {Reason} {Message}")]
    private static partial void LogRefused(ILogger logger, string method, StatusCode code, string reason, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} answered {Code} {Reason}: {Error}")]
    private static partial void LogBusy(ILogger logger, string method, StatusCode code, string reason, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} failed unexpectedly (correlation id {CorrelationId})")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method, string correlationId);

    [GeneratedRegex(@"^/([\w.]+)\.\w+/\w+$")]
    private static partial Regex PackageOf();
}
