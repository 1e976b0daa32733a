using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;
using Microsoft.AspNetCore.Builder;

namespace IntegrationServices.Demographics.ImportCli.Tests;

/// <summary><c>demographics-import</c> streaming files to a Demographics service on a test host.</summary>
public sealed class ImportCommandTests : IAsyncLifetime
{
    private const string Good = """
        indicator,area,reference_date,value,comment
        population_total,0,2016-12-31,250704,"belegt, Quelle: Zeitung"
        population_total,131,2016-12-31,12000,Beispieldaten
        foreign_nationals,areas/130,2022-12-31,5500.5,
        """;

    private TestHost _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await TestHost.StartAsync(b => b.AddDemographicsService(), a => a.MapDemographicsService());

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private async Task<int> StoredAsync() =>
        (await new DemographicsService.DemographicsServiceClient(_host.As(Roles.Reader))
            .ListObservationsAsync(new ListObservationsRequest { PageSize = 1000 })).Observations.Count;

    [Fact]
    public async Task The_CLI_streams_a_file_to_ImportObservations_and_reports_rejected_lines()
    {
        var directory = Path.Combine(_host.DataDirectory, "csv");
        Directory.CreateDirectory(directory);
        var good = Path.Combine(directory, "good.csv");
        await File.WriteAllTextAsync(good, Good);
        var token = TestTokens.For([Roles.Statistics]);
        var address = _host.Server.BaseAddress.ToString();

        var (code, output, error) = await RunAsync("--address", address, "--token", token, "--batch-size", "2", good);
        Assert.True(code == 0, error);
        Assert.Contains("Imported 3 observations", output);
        Assert.Equal(3, await StoredAsync());

        var bad = Path.Combine(directory, "bad.csv");
        await File.WriteAllTextAsync(bad, "indicator,area,reference_date,value\npopulation_total,0,2019-12-31,251551\nnope,0,2019-12-31,1\npopulation_total,0,2019-12-31,zwei\n");
        (code, _, error) = await RunAsync("--address", address, "--token", token, bad);
        Assert.Equal(1, code);
        Assert.Contains("observations[1].indicator: line 3: unknown indicator 'nope'", error);
        Assert.Contains("observations[2].value: line 4: 'zwei' is not a number", error);
        Assert.Equal(3, await StoredAsync()); // nothing of bad.csv

        (code, _, error) = await RunAsync("--address", address, good); // no token
        Assert.Equal(1, code);
        Assert.Contains("Unauthenticated", error);

        (code, _, error) = await RunAsync("--bogus");
        Assert.Equal(2, code);
        Assert.Contains("Usage", error);
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await ImportCommand.RunAsync(args, output, error, _host.Server.CreateHandler());
        return (code, output.ToString(), error.ToString());
    }
}
