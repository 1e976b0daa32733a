using System.Net;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace IntegrationServices.ServiceDefaults.Tests;

/// <summary>Development mode's per-request rule: loopback peer, loopback Host, loopback Origin (if any).</summary>
public sealed class LoopbackRequestGuardTests
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1:5201", null)]
    [InlineData("127.0.0.1", "localhost:5201", "http://localhost:3000")]
    [InlineData("::1", "[::1]:5201", "http://[::1]:8080")]
    [InlineData("::ffff:127.0.0.1", "LOCALHOST", "https://127.0.0.1")]
    [InlineData(null, "localhost", null)] // in-process (TestServer) or a Unix socket: not from the network
    public void Local_requests_pass(string? remote, string host, string? origin) =>
        Assert.Null(LoopbackRequestGuard.Refusal(remote is null ? null : IPAddress.Parse(remote), HostString.FromUriComponent(host), Origins(origin)));

    [Theory]
    [InlineData("192.168.1.20", "127.0.0.1:5201", null, "loopback address")]
    [InlineData("127.0.0.1", "rebound.evil.example:5203", null, "Host header")]
    [InlineData("127.0.0.1", "127.0.0.2:5203", null, "Host header")]
    [InlineData("127.0.0.1", "", null, "Host header")]
    [InlineData("127.0.0.1", "127.0.0.1:5202", "https://evil.example", "Origin")]
    [InlineData("127.0.0.1", "127.0.0.1:5202", "null", "Origin")] // sandboxed frames and file:// pages
    [InlineData("127.0.0.1", "127.0.0.1:5202", "http://localhost.evil.example", "Origin")]
    public void Anything_else_is_refused(string remote, string host, string? origin, string why) =>
        Assert.Contains(why, LoopbackRequestGuard.Refusal(IPAddress.Parse(remote), HostString.FromUriComponent(host), Origins(origin)));

    private static StringValues Origins(string? origin) => origin is null ? StringValues.Empty : new StringValues(origin);
}
