using System.CommandLine;
using IntegrationServices.ServiceDefaults.Security;

namespace IntegrationServices.Cli.Commands;

/// <summary>
/// <c>token --role ROLE …</c>: prints an HS256 token signed with a local signing key (<c>--key</c> or
/// <c>Auth__SigningKey</c>), for trying <c>Auth:Mode=Jwt</c> locally or a small installation without an
/// OpenID Connect provider. Real deployments get tokens from the city's identity provider.
/// </summary>
internal static class TokenCommand
{
    public const string KeyVariable = "Auth__SigningKey";

    public static Command Create(CliSession session)
    {
        var roles = new Option<string[]>("--role") { Description = "A role of the token (repeatable)", Required = true, AllowMultipleArgumentsPerToken = true };
        roles.AcceptOnlyFromAmong(Roles.All);
        var units = new Option<string[]>("--unit") { Description = "An organizational unit of an editor, e.g. units/50 (repeatable)", AllowMultipleArgumentsPerToken = true };
        var subject = new Option<string>("--subject") { Description = "The token's subject", DefaultValueFactory = _ => "local-user" };
        var hours = Values.Number("--hours", "Lifetime in hours (at most 744, 31 days)", 0.01, 744.0, defaultValue: 8.0);
        var key = new Option<string?>("--key") { Description = $"The signing key, at least 32 bytes (default: ${KeyVariable}); the services must use the same Auth:SigningKey" };
        var command = new Command("token", "Print a token signed with the local signing key (Development and local use only).") { roles, units, subject, hours, key };
        command.SetAction(parsed =>
        {
            var signingKey = parsed.GetValue(key) ?? session.Context.Environment(KeyVariable);
            if (signingKey is null || System.Text.Encoding.UTF8.GetByteCount(signingKey) < 32)
                throw new CliException($"give --key (or {KeyVariable}) with at least 32 bytes; the services must use the same Auth:SigningKey", IntegrationCli.Usage);
            var name = parsed.GetRequiredValue(subject);
            var token = TokenIssuer.Create(new AuthOptions { SigningKey = signingKey }, name, parsed.GetRequiredValue(roles),
                parsed.GetValue(units), name, TimeSpan.FromHours(parsed.GetValue(hours)));
            var output = session.Output(parsed);
            output.Line(output.Json ? System.Text.Json.JsonSerializer.Serialize(new { token }) : token);
            return IntegrationCli.Success;
        });
        return command;
    }
}
