using System.Net;
using IntegrationServices.Cli;
using IntegrationServices.Contracts.Measures.V1;

namespace IntegrationServices.Cli.Tests;

/// <summary><c>token</c> (local signing key), the token it prints used by the other commands, and retries of UNAVAILABLE.</summary>
public sealed class TokenAndConnectionTests(CliFixture cli) : IClassFixture<CliFixture>
{
    [Fact]
    public async Task Token_prints_a_token_the_services_accept_with_its_roles()
    {
        var key = IntegrationServices.Testing.TestTokens.SigningKey;
        var token = (await cli.RunAsync("token", "--role", "reader", "--subject", "alice", "--hours", "1", "--key", key)).Succeeded().Out.Trim();
        var parsed = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().ReadJsonWebToken(token);
        Assert.Equal("alice", parsed.Subject);
        Assert.Contains(parsed.Claims, c => c.Type == "roles" && c.Value == "reader");
        Assert.True(parsed.ValidTo <= DateTime.UtcNow.AddHours(1).AddMinutes(1));

        // The services of the environment accept it (same signing key) for reads, not for writes.
        (await cli.RunAsync("measures", "list", "--token", token)).Succeeded();
        Assert.StartsWith("PERMISSION_DENIED", (await cli.RunAsync("cycles", "plan", "--first-reference-date", "2040-12-31", "--count", "1", "--token", token))
            .FailedInOneLine(IntegrationCli.Failure));

        // The key from Auth__SigningKey; JSON output; editors with units.
        var json = (await cli.RunAsync(new Dictionary<string, string?> { ["Auth__SigningKey"] = key },
            "token", "--role", "editor", "--unit", "units/50", "--json")).Succeeded().Out;
        var editor = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().ReadJsonWebToken(
            System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("token").GetString());
        Assert.Contains(editor.Claims, c => c.Type == "unit" && c.Value == "units/50");

        Assert.Contains("32 bytes", (await cli.RunAsync("token", "--role", "reader", "--key", "short")).FailedInOneLine(IntegrationCli.Usage));
    }

    [Fact]
    public async Task An_unavailable_service_is_retried_with_backoff_and_then_reported_in_one_line()
    {
        // The first two calls find the service down (connection refused), as while it restarts.
        var failures = 2;
        var calls = 0;
        HttpMessageHandler Flaky(CliService service) => new FailingHandler(cli.Handler(service), () =>
        {
            Interlocked.Increment(ref calls);
            return Interlocked.Decrement(ref failures) >= 0;
        });
        var result = (await CliFixture.RunAsync(new Dictionary<string, string?>(), Flaky, terminal: false, "measures", "list", "--json")).Succeeded();
        Assert.NotEmpty(ListMeasuresResponse.Parser.ParseJson(result.Out).Measures);
        Assert.Equal(3, calls);

        // Down for good: every attempt of the policy, then UNAVAILABLE in one line.
        calls = 0;
        failures = int.MaxValue;
        var line = (await CliFixture.RunAsync(new Dictionary<string, string?>(), Flaky, terminal: false, "measures", "list")).FailedInOneLine(IntegrationCli.Failure);
        Assert.StartsWith("UNAVAILABLE", line);
        Assert.Equal(5, calls);
    }
}
