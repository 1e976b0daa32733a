using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.Reporting.Core.Domain.OParl;
using IntegrationServices.Reporting.Core.Domain.Reports;
using IntegrationServices.Reporting.Core.Storage;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MeasuresClient = IntegrationServices.Contracts.Measures.V1.MeasuresService.MeasuresServiceClient;
using DemographicsClient = IntegrationServices.Contracts.Demographics.V1.DemographicsService.DemographicsServiceClient;

namespace IntegrationServices.Reporting.Core;

/// <summary>
/// Composition of the reporting context, shared by the Reporting host and the snapshot worker (both
/// on top of the hosting defaults, which bring the database, the audit trail and the request ids).
/// </summary>
public static class ReportingCoreExtensions
{
    /// <summary>The assembly whose migrations create the reporting database.</summary>
    public static System.Reflection.Assembly MigrationsAssembly => typeof(ReportingCoreExtensions).Assembly;

    /// <summary>
    /// Options (sections "Snapshots" and "OParl"), storage, the applications, the report renderer, and
    /// the gRPC clients of Measures and Demographics, which present a token of subject <paramref name="subject"/>.
    /// </summary>
    public static IServiceCollection AddReportingCore(this IServiceCollection services, IConfiguration configuration, string subject)
    {
        services.AddOptions<SnapshotOptions>().Bind(configuration.GetSection(SnapshotOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => Uri.TryCreate(o.MeasuresAddress, UriKind.Absolute, out _), "Snapshots:MeasuresAddress must be an absolute URL, e.g. http://127.0.0.1:5101.")
            .Validate(o => Uri.TryCreate(o.DemographicsAddress, UriKind.Absolute, out _), "Snapshots:DemographicsAddress must be an absolute URL, e.g. http://127.0.0.1:5102.")
            .Validate(o => o.FaultPoint is null || Enum.IsDefined(o.FaultPoint.Value), "Snapshots:FaultPoint must be MeasuresRead, DemographicsRead, Aggregated or BeforeCommit.")
            .Validate(o => o.ContentVersion is null || SnapshotAggregator.IsKnown(o.ContentVersion.Value),
                $"Snapshots:ContentVersion must be one of the content versions this code knows (1–{SnapshotAggregator.Latest}), or empty for the latest.")
            .Validate(o => string.IsNullOrWhiteSpace(o.ClientId) == string.IsNullOrWhiteSpace(o.ClientSecret),
                "Snapshots:ClientId and Snapshots:ClientSecret go together (OAuth 2.0 client credentials).")
            .Validate<IOptions<AuthOptions>>((o, auth) => string.IsNullOrWhiteSpace(o.ClientId) || Uri.TryCreate(auth.Value.Authority, UriKind.Absolute, out _),
                "Snapshots:ClientId needs Auth:Authority, the identity provider whose discovery document names the token endpoint.")
            .Validate<IOptions<AuthOptions>>((o, auth) => !NeedsClientCredentials(o, auth.Value),
                "Auth:Authority is set without Auth:SigningKey: the snapshot computation can only present a token with Snapshots:ClientId and Snapshots:ClientSecret (or a fixed Snapshots:AccessToken); without them every call of the worker would be refused as UNAUTHENTICATED.")
            .ValidateOnStart();
        services.AddOptions<OParlOptions>().Bind(configuration.GetSection(OParlOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var u) && u.Query.Length == 0 && u.Fragment.Length == 0,
                "OParl:BaseUrl must be an absolute URL without query or fragment, e.g. http://127.0.0.1:5203/oparl/v1.")
            .ValidateOnStart();

        services.AddSingleton<ReportingCycleRepository>();
        services.AddSingleton<SnapshotStore>();
        services.AddSingleton<SnapshotRunStore>();

        services.AddSingleton<OParlExporter>();
        services.AddSingleton<ReportRenderer>();
        services.AddHttpClient(ClientCredentialsTokens.HttpClientName);
        services.AddSingleton(sp => new SnapshotCredentials(sp.GetRequiredService<IOptions<AuthOptions>>(), sp.GetRequiredService<IOptions<SnapshotOptions>>(),
            sp.GetRequiredService<IHttpClientFactory>(), subject));
        services.AddSingleton<SnapshotFaultPoint>();
        services.AddTransient<SnapshotComputation>();
        services.AddSingleton<CycleApplication>();
        services.AddSingleton<SnapshotApplication>();
        services.AddSingleton<SnapshotProducer>();
        services.AddSingleton<ReportApplication>();
        services.AddSingleton<OParlApplication>();

        services.AddGrpcClient<MeasuresClient>((sp, o) => o.Address = new Uri(sp.GetRequiredService<IOptions<SnapshotOptions>>().Value.MeasuresAddress))
            .ConfigurePrimaryHttpMessageHandler(ClientHandler);
        services.AddGrpcClient<DemographicsClient>((sp, o) => o.Address = new Uri(sp.GetRequiredService<IOptions<SnapshotOptions>>().Value.DemographicsAddress))
            .ConfigurePrimaryHttpMessageHandler(ClientHandler);
        return services;
    }

    private static bool NeedsClientCredentials(SnapshotOptions snapshots, AuthOptions auth) =>
        auth.Mode == AuthMode.Jwt && !string.IsNullOrWhiteSpace(auth.Authority) && string.IsNullOrWhiteSpace(auth.SigningKey)
        && string.IsNullOrWhiteSpace(snapshots.AccessToken) && string.IsNullOrWhiteSpace(snapshots.ClientId);

    private static SocketsHttpHandler ClientHandler() => new()
    {
        EnableMultipleHttp2Connections = true,
        // grpc-dotnet guidance: ping only while calls are active.
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };
}
