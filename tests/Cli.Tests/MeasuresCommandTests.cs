using IntegrationServices.Cli;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;

namespace IntegrationServices.Cli.Tests;

/// <summary><c>measures list|get|record-status</c>, as text and as JSON, with and without the right token.</summary>
public sealed class MeasuresCommandTests(CliFixture cli) : IClassFixture<CliFixture>
{
    [Fact]
    public async Task List_prints_a_table_and_the_API_JSON_with_json()
    {
        var text = (await cli.RunAsync("measures", "list")).Succeeded();
        Assert.StartsWith("NAME", text.Out);
        Assert.Contains(cli.Env.MeasureNames["M1"], text.Out);
        Assert.DoesNotContain(cli.Env.MeasureNames["M4"], text.Out); // retired

        var json = ListMeasuresResponse.Parser.ParseJson((await cli.RunAsync("measures", "list", "--json", "--show-retired")).Succeeded().Out);
        Assert.Contains(json.Measures, m => m.Code == "M4");
        var filtered = ListMeasuresResponse.Parser.ParseJson((await cli.RunAsync("measures", "list", "--json", "--filter", "code = \"M2\"")).Succeeded().Out);
        Assert.Equal("M2", Assert.Single(filtered.Measures).Code);

        var page = (await cli.RunAsync("measures", "list", "--page-size", "1")).Succeeded();
        var token = page.Out.Split('\n').Single(l => l.StartsWith("(more: --page-token ", StringComparison.Ordinal))["(more: --page-token ".Length..].TrimEnd(')', '\r');
        var next = ListMeasuresResponse.Parser.ParseJson((await cli.RunAsync("measures", "list", "--json", "--page-size", "1", "--page-token", token)).Succeeded().Out);
        Assert.Single(next.Measures);
    }

    [Fact]
    public async Task Get_takes_an_id_or_a_name_and_travels_in_time()
    {
        var name = cli.Env.MeasureNames["M1"];
        var now = Measure.Parser.ParseJson((await cli.RunAsync("measures", "get", name.Split('/')[1], "--json")).Succeeded().Out);
        Assert.Equal(("M1", MeasureStatus.Implemented), (now.Code, now.Status));
        var then = Measure.Parser.ParseJson((await cli.RunAsync("measures", "get", name, "--json", "--as-of", "2025-03-31", "--known-at", "2025-04-02T22:00:00Z")).Succeeded().Out);
        Assert.Equal((MeasureStatus.InProgress, 60), (then.Status, then.ProgressPercent));
        var text = (await cli.RunAsync("measures", "get", name)).Succeeded();
        Assert.Contains("IMPLEMENTED", text.Out);

        var line = (await cli.RunAsync("measures", "get", "999999")).FailedInOneLine(IntegrationCli.Failure);
        Assert.StartsWith("NOT_FOUND", line);
    }

    [Fact]
    public async Task Record_status_writes_a_status_event_and_a_reader_is_refused_in_one_line()
    {
        var name = cli.Env.MeasureNames["M3"];
        var recorded = StatusEvent.Parser.ParseJson((await cli.RunAsync("measures", "record-status", name, "--status", "ongoing",
            "--progress", "100", "--effective-date", "2025-10-01", "--note", "läuft weiter (Beispiel)", "--json")).Succeeded().Out);
        Assert.Equal((MeasureStatus.Ongoing, 100, "läuft weiter (Beispiel)"), (recorded.Status, recorded.ProgressPercent, recorded.Note));
        Assert.StartsWith(name + "/statusEvents/", recorded.Name);
        var measure = await cli.Env.MeasuresAdmin.GetMeasureAsync(new GetMeasureRequest { Name = name });
        Assert.Equal(MeasureStatus.Ongoing, measure.Status);

        // --token wins over INTEGRATION_TOKEN.
        var refused = (await cli.RunAsync("measures", "record-status", name, "--status", "DISCONTINUED", "--progress", "0",
            "--effective-date", "2025-10-02", "--token", TestTokens.For([Roles.Reader]))).FailedInOneLine(IntegrationCli.Failure);
        Assert.StartsWith("PERMISSION_DENIED", refused);
        var rejected = (await cli.RunAsync("measures", "record-status", name, "--status", "DISCONTINUED", "--progress", "0",
            "--effective-date", "2025-10-02", "--note", "bad\u0001note")).FailedInOneLine(IntegrationCli.Failure);
        Assert.StartsWith("INVALID_ARGUMENT", rejected);
        Assert.Contains("note", rejected);
        Assert.Equal(MeasureStatus.Ongoing, (await cli.Env.MeasuresAdmin.GetMeasureAsync(new GetMeasureRequest { Name = name })).Status);
    }

    [Fact]
    public async Task Without_a_token_a_Jwt_service_answers_UNAUTHENTICATED_in_one_line()
    {
        var line = (await cli.RunAsync(new Dictionary<string, string?> { [CliContext.TokenVariable] = null }, "measures", "list"))
            .FailedInOneLine(IntegrationCli.Failure);
        Assert.StartsWith("UNAUTHENTICATED", line);
    }
}
