using Grpc.Core;

namespace IntegrationServices.ServiceDefaults.Errors;

/// <summary>One bad field of a request: its path (e.g. "measure.progress_percent") and why.</summary>
public sealed record FieldViolation(string Field, string Description);

/// <summary>
/// A failure the caller caused or can act on. The error interceptor turns it into a rich
/// <c>google.rpc.Status</c>; everything else becomes INTERNAL. Throw it through the factory methods
/// so that codes and reasons stay consistent across services.
/// </summary>
public sealed class ServiceException : Exception
{
    public ServiceException(StatusCode code, string reason, string message, IReadOnlyList<FieldViolation>? violations = null,
        TimeSpan? retryDelay = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Violations = violations ?? [];
        RetryDelay = retryDelay;
    }

    public StatusCode Code { get; }

    /// <summary>UPPER_SNAKE_CASE reason for <c>google.rpc.ErrorInfo</c>.</summary>
    public string Reason { get; }

    public IReadOnlyList<FieldViolation> Violations { get; }

    /// <summary>Set when the same call may succeed later: how long to wait first (google.rpc.RetryInfo, HTTP Retry-After).</summary>
    public TimeSpan? RetryDelay { get; }

    public static ServiceException Invalid(string field, string description) =>
        Invalid([new FieldViolation(field, description)]);

    public static ServiceException Invalid(IReadOnlyList<FieldViolation> violations, string? message = null) =>
        new(StatusCode.InvalidArgument, "INVALID_ARGUMENT",
            message ?? "The request is invalid: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")),
            violations);

    public static ServiceException NotFound(string resourceName) =>
        new(StatusCode.NotFound, "RESOURCE_NOT_FOUND", $"{resourceName} does not exist.");

    public static ServiceException StaleEtag(string resourceName) =>
        new(StatusCode.Aborted, "ETAG_MISMATCH",
            $"{resourceName} was changed since it was read (etag mismatch); read it again and retry.");

    public static ServiceException AlreadyExists(string resourceName, string? detail = null) =>
        new(StatusCode.AlreadyExists, "RESOURCE_ALREADY_EXISTS", detail ?? $"{resourceName} already exists.");

    public static ServiceException FailedPrecondition(string reason, string message) =>
        new(StatusCode.FailedPrecondition, reason, message);

    public static ServiceException PermissionDenied(string message) =>
        new(StatusCode.PermissionDenied, "PERMISSION_DENIED", message);
}
