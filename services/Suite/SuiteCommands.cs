namespace IntegrationServices.Suite;

/// <summary>
/// <c>dotnet run --project services/Suite</c> starts the suite. (Tokens for trying <c>Auth:Mode=Jwt</c>
/// come from the command line: <c>dotnet run --project tools/Cli -- token --role editor</c>.)
/// </summary>
public static class SuiteCommands
{
    public static async Task<int> RunAsync(string[] args)
    {
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
}
