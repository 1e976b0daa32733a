using System.Text.RegularExpressions;
using Google.Rpc;
using Grpc.Core;

namespace IntegrationServices.Cli;

/// <summary>A refused or failed call as one line: the canonical code, the ErrorInfo reason, the message and the bad fields.</summary>
internal static partial class Failures
{
    private const int MaxViolations = 10;

    /// <param name="e">The call's failure.</param>
    /// <param name="describe">Words a violation for the user (e.g. a row index as its CSV line); default "field: description".</param>
    public static string Describe(RpcException e, Func<BadRequest.Types.FieldViolation, string>? describe = null)
    {
        var status = e.GetRpcStatus();
        var code = CanonicalName(e.StatusCode);
        var reason = Reason(e);
        var text = reason is null || reason == code ? $"{code}: {e.Status.Detail}" : $"{code} ({reason}): {e.Status.Detail}";
        var violations = status?.GetDetail<BadRequest>()?.FieldViolations;
        if (violations is { Count: > 0 })
        {
            var shown = violations.Take(MaxViolations).Select(v => describe?.Invoke(v) ?? $"{v.Field}: {v.Description}");
            text += " — " + string.Join("; ", shown) + (violations.Count > MaxViolations ? $"; and {violations.Count - MaxViolations} more" : "");
        }
        return text;
    }

    /// <summary>The failure's ErrorInfo reason (e.g. DATABASE_BUSY), if it has one.</summary>
    public static string? Reason(RpcException e) => e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason;

    /// <summary>StatusCode.NotFound → "NOT_FOUND", as API.md and the google.rpc codes spell them.</summary>
    public static string CanonicalName(StatusCode code) => Words().Replace(code.ToString(), "$1_$2").ToUpperInvariant();

    [GeneratedRegex("([a-z])([A-Z])")]
    private static partial Regex Words();
}
