namespace IntegrationServices.ServiceDefaults.Security;

/// <summary>The roles of API.md (claim <c>roles</c>).</summary>
public static class Roles
{
    public const string Reader = "reader";
    public const string Editor = "editor";
    public const string Coordinator = "coordinator";
    public const string Statistics = "statistics";
    public const string Operator = "operator";
    public const string Worker = "worker";
    public const string Admin = "admin";

    public static readonly string[] All = [Reader, Editor, Coordinator, Statistics, Operator, Worker, Admin];
}

/// <summary>
/// The authorization policies, one per kind of right; gRPC methods declare theirs with
/// <c>[Authorize(Policy = Policies.X)]</c>. Admin is in every policy. A method without a declaration
/// falls to the fallback policy and is refused: nobody gets a right by forgetting to decide.
/// </summary>
public static class Policies
{
    /// <summary>Every read: all human roles.</summary>
    public const string Read = "read";
    /// <summary>Reads the snapshot worker needs (bulk, time-travel): all human roles and the worker.</summary>
    public const string ReadOrWorker = "read-or-worker";
    /// <summary>Status and measure edits: editors (scoped to their units), coordinators.</summary>
    public const string Edit = "edit";
    /// <summary>Catalogue and cycle management.</summary>
    public const string Coordinate = "coordinate";
    /// <summary>Statistics loading.</summary>
    public const string Statistics = "statistics";
    /// <summary>Operations: snapshot runs, verification.</summary>
    public const string Operate = "operate";
    /// <summary>The snapshot worker's own writes.</summary>
    public const string Worker = "worker";
    /// <summary>Audit trail and everything else.</summary>
    public const string Admin = "admin";

    public static readonly IReadOnlyDictionary<string, string[]> RolesOf = new Dictionary<string, string[]>
    {
        [Read] = [Roles.Reader, Roles.Editor, Roles.Coordinator, Roles.Statistics, Roles.Operator, Roles.Admin],
        [ReadOrWorker] = [Roles.Reader, Roles.Editor, Roles.Coordinator, Roles.Statistics, Roles.Operator, Roles.Worker, Roles.Admin],
        [Edit] = [Roles.Editor, Roles.Coordinator, Roles.Admin],
        [Coordinate] = [Roles.Coordinator, Roles.Admin],
        [Statistics] = [Roles.Statistics, Roles.Admin],
        [Operate] = [Roles.Operator, Roles.Admin],
        [Worker] = [Roles.Worker, Roles.Admin],
        [Admin] = [Roles.Admin],
    };
}
