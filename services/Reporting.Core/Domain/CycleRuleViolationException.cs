namespace IntegrationServices.Reporting.Core.Domain;

/// <summary>
/// A change the rules of a reporting cycle refuse, for a reason the caller can act on: the cycle's
/// state does not allow it (<see cref="Field"/> null), or a value the request gave does not fit the
/// stored cycle (<see cref="Field"/> names it). The application turns it into the API's error.
/// </summary>
public sealed class CycleRuleViolationException : Exception
{
    private CycleRuleViolationException(string reason, string message, string? field) : base(message)
    {
        Reason = reason;
        Field = field;
    }

    /// <summary>UPPER_SNAKE_CASE, e.g. SNAPSHOT_ALREADY_TAKEN.</summary>
    public string Reason { get; }

    /// <summary>The request field whose value the rule refuses; null when the cycle's state refuses the change.</summary>
    public string? Field { get; }

    public static CycleRuleViolationException State(string reason, string message) => new(reason, message, null);

    public static CycleRuleViolationException Value(string field, string description) => new("INVALID_ARGUMENT", description, field);
}
