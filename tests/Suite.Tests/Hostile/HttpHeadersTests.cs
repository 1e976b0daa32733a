using System.Net;

namespace IntegrationServices.Suite.Tests.Hostile;

/// <summary>
/// Every port of the composed suite (real sockets), asked for a path that carries markup: the answer is a
/// problem that does not repeat the markup unescaped (a message may quote the caller's text, JSON-escaped), with <c>X-Content-Type-Options: nosniff</c> — on the HTTP/1.1
/// ports and on the h2c gRPC ports alike.
/// </summary>
[Collection(SuiteCollectionDefinition.Name)]
public sealed class HttpHeadersTests(SuiteFixture suite)
{
    public static TheoryData<string, bool> Ports() => new()
    {
        { "Measures", false }, { "Measures", true },
        { "Demographics", false }, { "Demographics", true },
        { "Reporting", false }, { "Reporting", true },
        { "SnapshotWorker", false }, { "SnapshotWorker", true },
    };

    [Theory]
    [MemberData(nameof(Ports))]
    public async Task Reflected_markup_is_never_echoed_and_every_answer_says_nosniff(string component, bool grpcPort)
    {
        var port = grpcPort ? suite.Ports[component].Grpc : suite.Ports[component].Http;
        using var http = new HttpClient
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            // The gRPC port speaks HTTP/2 only (h2c with prior knowledge).
            DefaultRequestVersion = grpcPort ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(60),
        };
        foreach (var path in new[] { "/reports/<script>alert(1)</script>.html", "/reports/%3Cscript%3Ealert(1)%3C%2Fscript%3E.html", "/v1/measures/<img src=x onerror=alert(1)>" })
        {
            using var response = await http.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{path}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.DoesNotContain("<script", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", body, StringComparison.OrdinalIgnoreCase);
        }
    }
}
