using System.CommandLine;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;
using DemographicsService = IntegrationServices.Contracts.Demographics.V1.DemographicsService;

namespace IntegrationServices.Cli;

/// <summary>
/// One run of the command line: the options every command has (<c>--address</c>, <c>--token</c>,
/// <c>--json</c>), and from them the channel to a component and the output.
/// </summary>
internal sealed class CliSession(CliContext context)
{
    /// <summary>How often a call the service answers UNAVAILABLE is made at most (see <see cref="Retry"/>).</summary>
    public const int MaxAttempts = 5;

    private static readonly TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(500), MaxBackoff = TimeSpan.FromSeconds(8);
    private const double BackoffMultiplier = 2;

    /// <summary>
    /// UNAVAILABLE (a component restarting, or its database busy: reason DATABASE_BUSY) is retried with
    /// exponential backoff. Creates carry a request id, so a retry never creates twice. ImportObservations is
    /// not retried by the channel: it would copy every message it sends, for a replay it can make only while
    /// the copies fit its buffer (the first megabyte); the import command sends the whole file again instead
    /// (see <see cref="Backoff"/>).
    /// </summary>
    private static readonly ServiceConfig Retry = new()
    {
        MethodConfigs =
        {
            new MethodConfig
            {
                Names = { MethodName.Default },
                RetryPolicy = new RetryPolicy
                {
                    MaxAttempts = MaxAttempts,
                    InitialBackoff = InitialBackoff,
                    MaxBackoff = MaxBackoff,
                    BackoffMultiplier = BackoffMultiplier,
                    RetryableStatusCodes = { StatusCode.Unavailable },
                },
            },
            new MethodConfig
            {
                Names =
                {
                    new MethodName
                    {
                        Service = DemographicsService.Descriptor.FullName,
                        Method = nameof(DemographicsService.DemographicsServiceClient.ImportObservations),
                    },
                },
            },
        },
    };

    /// <summary>The wait before the attempt after <paramref name="attempt"/>, drawn as the channel's retry policy draws it: at random, up to the policy's backoff.</summary>
    public static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * Math.Min(InitialBackoff.Ticks * Math.Pow(BackoffMultiplier, attempt - 1), MaxBackoff.Ticks)));

    public CliContext Context { get; } = context;

    public Option<string?> Address { get; } = new("--address")
    {
        Description = "The component's gRPC address (default: INTEGRATION_MEASURES_ADDRESS, …_DEMOGRAPHICS_…, …_REPORTING_…, else http://127.0.0.1:5101, …5102, …5103).",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = $"Bearer token (default: ${CliContext.TokenVariable}; none needed in the Suite's development mode).",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print machine-readable JSON (the API's JSON form of the answer).",
        Recursive = true,
    };

    public Output Output(ParseResult parsed) => new(Context, parsed.GetValue(Json));

    /// <summary>A channel to <paramref name="service"/> whose calls carry the token, if any.</summary>
    public Connection Connect(ParseResult parsed, CliService service)
    {
        var address = parsed.GetValue(Address) ?? Context.Environment(service.AddressVariable) ?? service.DefaultAddress;
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new CliException($"'{address}' is not the http(s) address of the {service.Name} service (--address or {service.AddressVariable}).", IntegrationCli.Usage);
        var channel = GrpcChannel.ForAddress(uri, new GrpcChannelOptions
        {
            HttpHandler = Context.Handler?.Invoke(service),
            ServiceConfig = Retry,
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            MaxSendMessageSize = 16 * 1024 * 1024,
        });
        var token = parsed.GetValue(Token) ?? Context.Environment(CliContext.TokenVariable);
        var invoker = string.IsNullOrWhiteSpace(token)
            ? channel.CreateCallInvoker()
            : channel.Intercept(metadata =>
            {
                metadata.Add("authorization", "Bearer " + token.Trim());
                return metadata;
            });
        return new Connection(channel, invoker);
    }
}

/// <summary>A channel and its call invoker (with the token); disposing closes the channel.</summary>
internal sealed class Connection(GrpcChannel channel, CallInvoker invoker) : IDisposable
{
    public CallInvoker Invoker { get; } = invoker;

    public void Dispose() => channel.Dispose();
}
