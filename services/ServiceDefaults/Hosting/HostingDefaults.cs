using Grpc.AspNetCore.HealthChecks;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Observability;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationServices.ServiceDefaults.Hosting;

/// <summary>The ports a component listens on when configuration names none (API.md).</summary>
public sealed record DefaultPorts(int Grpc, int Http);

/// <summary>Section "Limits": what a single call may carry.</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Largest gRPC message accepted or sent, in bytes.</summary>
    public int MaxMessageBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>What the rows of one list page may take together: the message limit less room for the page token.</summary>
    public int MaxListPageBytes => MaxMessageBytes - Math.Min(4096, MaxMessageBytes / 4);
}

public static class HostingDefaults
{
    public const string ReadyTag = "ready";

    /// <summary>The name of the OpenAPI document: <c>/openapi/v1.json</c>.</summary>
    public const string OpenApiDocument = "v1";

    /// <summary>
    /// Everything a component of the suite shares: two Kestrel endpoints (gRPC over h2c, HTTP/1.1 for
    /// probes and JSON), the error interceptor, health with a database round trip, reflection,
    /// logs, metrics and traces (<see cref="Telemetry"/>), storage, security and the audit trail.
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, ServiceIdentity service, DefaultPorts ports)
    {
        // Lowest-priority defaults: anything in appsettings, environment or command line wins.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{ports.Grpc}",
                // h2c needs an HTTP/2-only endpoint: without TLS there is no ALPN to negotiate it.
                ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
                ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{ports.Http}",
                ["Kestrel:Endpoints:Http:Protocols"] = "Http1",
                // ASP.NET Core and gRPC log every request at Information ("Request starting", "Executing
                // endpoint", …): several console lines per call, which cost more than the call itself. Their
                // warnings and errors still show; the service's own logs, and errors mapped by the
                // ErrorInterceptor, are unaffected.
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:Grpc"] = "Warning",
                // Console logs: one line each, UTC, with the trace and span ids in the scopes;
                // Logging:Console:FormatterName=json switches to JSON lines.
                ["Logging:Console:FormatterName"] = "simple",
                ["Logging:Console:FormatterOptions:SingleLine"] = "true",
                ["Logging:Console:FormatterOptions:IncludeScopes"] = "true",
                ["Logging:Console:FormatterOptions:TimestampFormat"] = "yyyy-MM-ddTHH:mm:ss.fffZ ",
                ["Logging:Console:FormatterOptions:UseUtcTimestamp"] = "true",
            },
        });

        builder.AddTelemetry(service.GrpcServiceName);

        builder.WebHost.ConfigureKestrel(k =>
        {
            // grpc-dotnet guidance: keep-alive pings only while calls are active.
            k.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(60);
            k.Limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(30);
        });

        builder.Services.AddSingleton(service);
        builder.Services.TryAddSingletonTimeProvider();
        builder.Services.AddOptions<StorageOptions>().Bind(builder.Configuration.GetSection(StorageOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.Provider != StorageProvider.SqlServer || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Storage:ConnectionString is required when Storage:Provider is SqlServer.")
            .ValidateOnStart();
        builder.Services.AddOptions<LimitsOptions>().Bind(builder.Configuration.GetSection(LimitsOptions.Section))
            .Validate(o => o.MaxMessageBytes is >= 1024 and <= 256 * 1024 * 1024, "Limits:MaxMessageBytes must be between 1 KiB and 256 MiB.")
            .ValidateOnStart();
        var limits = builder.Configuration.GetSection(LimitsOptions.Section).Get<LimitsOptions>() ?? new LimitsOptions();
        builder.Services.AddOptions<ApiOptions>().Bind(builder.Configuration.GetSection(ApiOptions.Section))
            .Validate(o => o.MaxStreamDuration > TimeSpan.Zero, "Api:MaxStreamDuration must be positive.")
            .ValidateOnStart();

        DbValues.RegisterTypeHandlers();
        builder.Services.AddSingleton<Database>();
        builder.Services.AddSingleton<AuditTrail>();
        builder.Services.AddSingleton<RequestIds>();

        builder.Services.AddSingleton<ServiceMetrics>();

        builder.Services.AddGrpc(o =>
        {
            // Outermost first: metrics see the status the error model produced.
            o.Interceptors.Add<MetricsInterceptor>();
            o.Interceptors.Add<ErrorInterceptor>();
            // Inside the error model: a stream it ends reaches the caller as the DEADLINE_EXCEEDED it raises.
            o.Interceptors.Add<StreamDurationInterceptor>();
            o.EnableDetailedErrors = builder.Environment.IsDevelopment();
            o.MaxReceiveMessageSize = limits.MaxMessageBytes;
            o.MaxSendMessageSize = limits.MaxMessageBytes;
        }).AddJsonTranscoding(o =>
            // Errors carry google.rpc details; JSON needs their descriptors to render them.
            o.TypeRegistry = Google.Protobuf.Reflection.TypeRegistry.FromFiles(Google.Rpc.ErrorDetailsReflection.Descriptor));
        builder.Services.AddGrpcReflection();
        // The OpenAPI description of the JSON routes (google.api.http annotations), at /openapi/v1.json.
        builder.Services.AddGrpcSwagger();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Transient<Microsoft.AspNetCore.Mvc.ApiExplorer.IApiDescriptionProvider, OpenApiPaths>());
        builder.Services.AddSwaggerGen(o => o.SwaggerDoc(OpenApiDocument, new Microsoft.OpenApi.Models.OpenApiInfo
        {
            Title = service.ErrorDomain,
            Version = OpenApiDocument,
            Description = "JSON over HTTP of " + service.GrpcServiceName + " (gRPC JSON transcoding); errors are RFC 9457 problem details.",
        }));
        // One instance, so that it keeps its last answer (see DatabaseHealthCheck).
        builder.Services.AddSingleton<DatabaseHealthCheck>();
        builder.Services.AddGrpcHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag]);
        builder.Services.Configure<GrpcHealthChecksOptions>(o =>
        {
            // Only the readiness checks decide SERVING; the tag predicate keeps others off this probe.
            o.Services.Map("", r => r.Tags.Contains(ReadyTag));
            o.Services.Map(service.GrpcServiceName, r => r.Tags.Contains(ReadyTag));
        });

        builder.AddIntegrationSecurity();
        return builder;
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (services.All(d => d.ServiceType != typeof(TimeProvider))) services.AddSingleton(TimeProvider.System);
    }

    /// <summary>
    /// Maps the HTTP error model, the request checks (Development mode: local requests only; CORS), health (gRPC
    /// and HTTP), reflection, metrics, the OpenAPI document and the security middleware.
    /// </summary>
    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.UseDevelopmentRequestGuard();
        app.UseMiddleware<HttpErrorMiddleware>();
        app.UseConfiguredCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapGrpcReflectionService().AllowAnonymous();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = r => r.Tags.Contains(ReadyTag) }).AllowAnonymous();
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        app.MapSwagger("/openapi/{documentName}.json").AllowAnonymous();
        return app;
    }

    /// <summary>Readies the service's database (and applies its migrations: Storage:MigrateOnStart) before it takes traffic.</summary>
    public static WebApplication MigrateDatabase(this WebApplication app, System.Reflection.Assembly serviceAssembly)
    {
        Migrator.Prepare(app.Services.GetRequiredService<Database>(), serviceAssembly,
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Migrations"));
        return app;
    }
}
