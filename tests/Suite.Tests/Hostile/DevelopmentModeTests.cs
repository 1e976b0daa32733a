using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Contracts.Measures.V1;

namespace IntegrationServices.Suite.Tests.Hostile;

/// <summary>
/// The Suite in Development mode (no token needed) on real sockets, attacked as a web page in the user's
/// browser would: a cross-origin "no-cors" POST (CSRF) and DNS rebinding (a foreign Host header) are refused
/// before any handler runs, on both ports; local callers still pass.
/// </summary>
[Collection(SuiteCollectionDefinition.Name)]
public sealed class DevelopmentModeTests(SuiteFixture suite)
{
    private HttpClient Http(string component) =>
        new() { BaseAddress = new Uri($"http://127.0.0.1:{suite.Ports[component].Http}"), Timeout = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task A_cross_origin_no_cors_post_to_the_csv_import_is_refused_and_nothing_is_stored()
    {
        using var http = Http("Demographics");
        // What fetch(url, {method: 'POST', mode: 'no-cors', body: csv}) on a foreign page sends: a simple request
        // with the page's Origin (as text/plain; the same CSV as text/csv, which the route takes, is refused too).
        foreach (var contentType in new[] { "text/plain", "text/csv" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/observations:importCsv")
            {
                Content = new StringContent("indicator,area,reference_date,value\npopulation_total,0,2031-01-01,1\n", Encoding.UTF8, contentType),
            };
            request.Headers.Add("Origin", "https://evil.example");
            using var response = await http.SendAsync(request);

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.DoesNotContain("evil.example", await response.Content.ReadAsStringAsync());
        }

        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{suite.Ports["Demographics"].Grpc}");
        var stored = await new DemographicsService.DemographicsServiceClient(channel)
            .ListObservationsAsync(new ListObservationsRequest { Filter = "reference_date = 2031-01-01" });
        Assert.Empty(stored.Observations);
    }

    [Theory]
    [InlineData("Measures", "/v1/measures")]
    [InlineData("Demographics", "/v1/areas")]
    [InlineData("Reporting", "/v1/reportingCycles")]
    [InlineData("Reporting", "/reports/2018.html")]
    public async Task A_foreign_host_header_dns_rebinding_is_refused(string component, string path)
    {
        using var http = Http(component);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = $"rebound.evil.example:{suite.Ports[component].Http}";
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

        // The same path from a local page (loopback Host and Origin) is served.
        using var local = new HttpRequestMessage(HttpMethod.Get, path);
        local.Headers.Add("Origin", "http://localhost:3000");
        Assert.NotEqual(HttpStatusCode.Forbidden, (await http.SendAsync(local)).StatusCode);
    }

    [Fact]
    public async Task A_foreign_authority_on_the_grpc_port_is_permission_denied()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{suite.Ports["Measures"].Grpc}",
            new GrpcChannelOptions { HttpHandler = new HostRewriter("rebound.evil.example") { InnerHandler = new SocketsHttpHandler() } });
        var client = new MeasuresService.MeasuresServiceClient(channel);
        var e = await Assert.ThrowsAsync<RpcException>(() => client.ListFieldsOfActionAsync(new ListFieldsOfActionRequest()).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Contains("Development mode", e.Status.Detail);
    }

    /// <summary>Sends every request with another Host (HTTP/2: :authority), as a rebound DNS name would.</summary>
    private sealed class HostRewriter(string host) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            request.Headers.Host = host;
            return base.SendAsync(request, ct);
        }
    }
}
