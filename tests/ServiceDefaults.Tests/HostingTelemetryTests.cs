using System.Net;
using IntegrationServices.ServiceDefaults.Hosting;
using IntegrationServices.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace IntegrationServices.ServiceDefaults.Tests;

/// <summary>Logs (format by configuration, trace ids in the scopes) and the readiness probe of the image.</summary>
public sealed class HostingTelemetryTests
{
    private static readonly ServiceIdentity Identity = new("integration.test.v1.TestService", "test");

    private static Task<TestHost> StartAsync(IDictionary<string, string?>? settings = null) =>
        TestHost.StartAsync(b =>
        {
            b.AddServiceDefaults(Identity, new DefaultPorts(5999, 5998));
        }, a => a.MapServiceDefaults(), settings);

    [Fact]
    public async Task Console_logs_are_single_lines_with_scopes_and_JSON_when_configured()
    {
        await using (var plain = await StartAsync())
        {
            Assert.Equal(ConsoleFormatterNames.Simple, plain.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
            var simple = plain.Services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue;
            Assert.True(simple.SingleLine && simple.IncludeScopes && simple.UseUtcTimestamp);
        }
        await using var json = await StartAsync(new Dictionary<string, string?> { ["Logging:Console:FormatterName"] = "json" });
        Assert.Equal(ConsoleFormatterNames.Json, json.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        var options = json.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue;
        Assert.True(options.IncludeScopes);
        Assert.Equal("yyyy-MM-ddTHH:mm:ss.fffZ", options.TimestampFormat);
    }

    [Fact]
    public async Task A_request_logs_with_the_trace_and_span_ids_of_its_traceparent_in_the_scope()
    {
        var scopes = new ScopeRecorder();
        await using var host = await TestHost.StartAsync(b =>
        {
            b.AddServiceDefaults(Identity, new DefaultPorts(5999, 5998));
            b.Logging.AddProvider(scopes);
        }, a =>
        {
            a.MapServiceDefaults();
            a.MapGet("/logged", (ILogger<HostingTelemetryTests> log) =>
            {
                log.LogInformation("handled");
                return "ok";
            }).AllowAnonymous();
        });
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Get, "/logged");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        Assert.Equal(HttpStatusCode.OK, (await host.Http().SendAsync(request)).StatusCode);
        // What the request's code logs carries the ids of the server span in its scope.
        Assert.Contains(scopes.Entries, e => e.Message == "handled" && e.Scope.TryGetValue("TraceId", out var t) && (string?)t == traceId && e.Scope.ContainsKey("SpanId"));
    }

    [Fact]
    public async Task The_probe_answers_0_when_the_component_is_ready_and_1_when_nothing_answers()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = Directory.CreateTempSubdirectory("probe-").FullName,
            ["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0",
            ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0",
            ["Auth:Mode"] = "Development",
        });
        builder.AddServiceDefaults(Identity, new DefaultPorts(5999, 5998));
        await using var app = builder.Build();
        app.MapServiceDefaults();
        await app.StartAsync();
        try
        {
            var error = new StringWriter();
            int? readyPort = null;
            foreach (var port in app.Urls.Select(u => new Uri(u).Port))
            {
                // As compose runs it: the component's configuration, its wildcard host reached on the loopback.
                var probe = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Kestrel:Endpoints:Http:Url"] = $"http://0.0.0.0:{port}" }).Build();
                if (await ReadinessProbe.RunAsync(probe, error) == 0) readyPort = port;
            }
            Assert.NotNull(readyPort); // the HTTP/1.1 endpoint answers /readyz; the h2c one does not

            await app.StopAsync();
            var down = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Kestrel:Endpoints:Http:Url"] = $"http://+:{readyPort}" }).Build();
            error = new StringWriter();
            Assert.Equal(1, await ReadinessProbe.RunAsync(down, error, TimeSpan.FromSeconds(5)));
            Assert.Contains($"127.0.0.1:{readyPort}/readyz", error.ToString());
            var none = new ConfigurationBuilder().Build();
            Assert.Equal(1, await ReadinessProbe.RunAsync(none, new StringWriter()));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
        Assert.True(ReadinessProbe.IsRequested(["--probe"]));
        Assert.False(ReadinessProbe.IsRequested(["--Kestrel:Endpoints:Http:Url=http://0.0.0.0:1"]));
    }

    /// <summary>Records every log entry with the properties of its scopes (as a console or OTLP logger sees them).</summary>
    private sealed class ScopeRecorder : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();
        private readonly List<(string Message, Dictionary<string, object?> Scope)> _entries = [];

        public IReadOnlyList<(string Message, Dictionary<string, object?> Scope)> Entries
        {
            get { lock (_entries) return _entries.ToList(); }
        }

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose() { }

        private sealed class Logger(ScopeRecorder recorder) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => recorder._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scope = new Dictionary<string, object?>();
                recorder._scopes.ForEachScope((s, d) =>
                {
                    if (s is IEnumerable<KeyValuePair<string, object?>> pairs)
                        foreach (var (k, v) in pairs) d[k] = v?.ToString();
                }, scope);
                lock (recorder._entries) recorder._entries.Add((formatter(state, exception), scope));
            }
        }
    }
}
