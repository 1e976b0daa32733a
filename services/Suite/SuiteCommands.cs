using IntegrationServices.ServiceDefaults.Security;

namespace IntegrationServices.Suite;

/// <summary>
/// <c>dotnet run --project services/Suite</c> starts the suite; <c>… -- token --role editor --unit units/50</c>
/// prints a signed token for trying <c>Auth:Mode=Jwt</c> locally.
/// </summary>
public static class SuiteCommands
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && args[0] == "token") return PrintToken(args[1..]);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        builder.Services.AddHostedService<SuiteHost>();
        using var host = builder.Build();
        await host.RunAsync();
        return 0;
    }

    private static int PrintToken(string[] args)
    {
        var roles = new List<string>();
        var units = new List<string>();
        string? key = Environment.GetEnvironmentVariable("Auth__SigningKey");
        var subject = "local-user";
        var hours = 8.0;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--role": roles.Add(args[i + 1]); break;
                case "--unit": units.Add(args[i + 1]); break;
                case "--key": key = args[i + 1]; break;
                case "--subject": subject = args[i + 1]; break;
                case "--hours": hours = double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
                default: return Usage($"unknown option {args[i]}");
            }
        }
        if (args.Length % 2 != 0) return Usage("every option takes a value");
        if (roles.Count == 0) return Usage("name at least one --role");
        if (roles.Except(Roles.All).FirstOrDefault() is { } unknown) return Usage($"unknown role '{unknown}'; roles: {string.Join(", ", Roles.All)}");
        if (key is null || System.Text.Encoding.UTF8.GetByteCount(key) < 32) return Usage("give --key (or Auth__SigningKey) with at least 32 bytes; the services must use the same Auth:SigningKey");
        Console.WriteLine(TokenIssuer.Create(new AuthOptions { SigningKey = key }, subject, roles, units, subject, TimeSpan.FromHours(hours)));
        return 0;
    }

    private static int Usage(string problem)
    {
        Console.Error.WriteLine($"token: {problem}\nusage: dotnet run --project services/Suite -- token --role ROLE [--role ROLE] [--unit units/ID] [--subject NAME] [--hours 8] --key SIGNING_KEY");
        return 2;
    }
}
