using IntegrationServices.Reporting.Cycles;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Format = IntegrationServices.Contracts.Reporting.V1.RenderReportRequest.Types.Format;
using MeasuresClient = IntegrationServices.Contracts.Measures.V1.MeasuresService.MeasuresServiceClient;
using DemographicsClient = IntegrationServices.Contracts.Demographics.V1.DemographicsService.DemographicsServiceClient;

namespace IntegrationServices.Reporting.Snapshots;

/// <summary>Composition of the snapshot code, shared by the Reporting service and the snapshot worker.</summary>
public static class SnapshotRegistration
{
    /// <summary>
    /// The snapshot computation and storage: options (section "Snapshots"), gRPC clients of Measures
    /// and Demographics (with the caller's own credentials, subject <paramref name="subject"/>), the
    /// aggregator, the store, the producer of one attempt, the fault seam and the report renderer.
    /// </summary>
    public static IServiceCollection AddSnapshotComputation(this IServiceCollection services, IConfiguration configuration, string subject)
    {
        services.AddOptions<SnapshotOptions>().Bind(configuration.GetSection(SnapshotOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => Uri.TryCreate(o.MeasuresAddress, UriKind.Absolute, out _), "Snapshots:MeasuresAddress must be an absolute URL, e.g. http://127.0.0.1:5101.")
            .Validate(o => Uri.TryCreate(o.DemographicsAddress, UriKind.Absolute, out _), "Snapshots:DemographicsAddress must be an absolute URL, e.g. http://127.0.0.1:5102.")
            .ValidateOnStart();
        services.TryAddSingleton<ISnapshotFaultInjector, NoSnapshotFaults>();
        services.TryAddSingleton<IReportRenderer, GermanReportRenderer>();
        services.TryAddSingleton<ReportingCycleRepository>();
        services.TryAddSingleton(sp => new SnapshotCredentials(sp.GetRequiredService<IOptions<AuthOptions>>(), sp.GetRequiredService<IOptions<SnapshotOptions>>(), subject));
        services.TryAddSingleton<SnapshotStore>();
        services.TryAddSingleton<SnapshotProducer>();
        services.TryAddTransient<SnapshotAggregator>();

        services.AddGrpcClient<MeasuresClient>((sp, o) => o.Address = new Uri(sp.GetRequiredService<IOptions<SnapshotOptions>>().Value.MeasuresAddress))
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetService<SnapshotClientHandlers>()?.Measures?.Invoke() ?? DefaultHandler());
        services.AddGrpcClient<DemographicsClient>((sp, o) => o.Address = new Uri(sp.GetRequiredService<IOptions<SnapshotOptions>>().Value.DemographicsAddress))
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetService<SnapshotClientHandlers>()?.Demographics?.Invoke() ?? DefaultHandler());
        return services;
    }

    private static SocketsHttpHandler DefaultHandler() => new()
    {
        EnableMultipleHttp2Connections = true,
        // grpc-dotnet guidance: ping only while calls are active.
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>
    /// <c>GET /reports/{cycleId}.html|.md|.csv</c>: the rendered report of the cycle's snapshot (same
    /// authorization as RenderReport); 404 with a plain-text reason for unknown cycles and cycles
    /// without a snapshot.
    /// </summary>
    public static IEndpointRouteBuilder MapReportRoutes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/reports/{cycleId}.{extension}", async (string cycleId, string extension, SnapshotStore store,
            ReportingCycleRepository cycles, IReportRenderer renderer, CancellationToken ct) =>
        {
            Format? format = extension switch { "html" => Format.Html, "md" => Format.Markdown, "csv" => Format.Csv, _ => null };
            if (format is null)
                return Results.Text($"Unknown report format '.{extension}'; use .html, .md or .csv.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
            if (!CycleNames.IsValidId(cycleId))
                return Results.Text($"'{cycleId}' is not a reporting cycle id.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
            var cycle = await cycles.GetAsync(cycleId, ct);
            if (cycle is null)
                return Results.Text($"There is no reporting cycle {CycleNames.Format(cycleId)}.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
            var stored = await store.GetAsync(cycleId, ct);
            if (stored is null)
                return Results.Text($"{CycleNames.Format(cycleId)} has no snapshot yet (state {EnumText.Of(cycle.State)}); the report exists once the snapshot worker has taken it.",
                    "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
            var report = renderer.Render(stored.ToProto(), cycle.ToProto(revealNonPublicResults: false), format.Value);
            return Results.Bytes(report.Content, report.ContentType);
        }).RequireAuthorization(Policies.Read);
        return app;
    }
}
