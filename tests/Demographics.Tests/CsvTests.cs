using Grpc.Core;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Demographics.Csv;
using IntegrationServices.Demographics.ImportCli;
using IntegrationServices.Demographics.Storage;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.Demographics.Tests;

public sealed class CsvTests : DemographicsTest
{
    private const string Good = """"
        indicator,area,reference_date,value,status,comment,dim.sex
        population_total,0,2016-12-31,250704,FINAL,"belegt, Quelle: ""Zeitung""",
        population_total,131,2016-12-31,12000,ESTIMATED,Beispieldaten,f
        foreign_nationals,areas/130,2022-12-31,5500.5,,"zwei
        Zeilen",
        """";

    [Fact]
    public async Task The_reader_handles_quotes_dimensions_and_line_numbers()
    {
        var rows = await ReadAsync(Good);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Empty(r.Violations));
        Assert.Equal("belegt, Quelle: \"Zeitung\"", rows[0].Observation.Comment);
        Assert.Empty(rows[0].Observation.Dimensions);
        Assert.Equal("f", rows[1].Observation.Dimensions["sex"]);
        Assert.Equal(ObservationStatus.Estimated, rows[1].Observation.Status);
        Assert.Equal(5500.5, rows[2].Observation.Value);
        Assert.Equal("zwei\nZeilen", rows[2].Observation.Comment.ReplaceLineEndings("\n"));
        Assert.Equal([2, 3, 4], rows.Select(r => r.Line));
    }

    [Fact]
    public async Task The_reader_names_bad_cells_and_rejects_bad_headers()
    {
        var rows = await ReadAsync("indicator,area,reference_date,value,status\npopulation_total,0,31.12.2016,1.234,5,FINAL\npopulation_total,0,2016-12-31,abc,DONE\n");
        Assert.Equal("observations[0].row", Assert.Single(rows[0].Violations).Field);
        Assert.Equal(["observations[1].value", "observations[1].status"], rows[1].Violations.Select(v => v.Field));
        Assert.Contains("line 3", rows[1].Violations[0].Description);
        Assert.True(double.IsNaN(rows[1].Observation.Value));

        var header = await Assert.ThrowsAsync<ObservationCsvHeaderException>(() => ReadAsync("indicator,area,value,coment\n"));
        Assert.Equal(2, header.Violations.Count); // unknown 'coment', missing reference_date
        await Assert.ThrowsAsync<CsvFormatException>(() => ReadAsync("indicator,area,reference_date,value\n\"population_total,0,2016-12-31,1\n"));
    }

    [Fact]
    public async Task The_service_CSV_path_imports_all_or_nothing_with_the_same_validation()
    {
        var importer = Host.Services.GetRequiredService<ObservationImporter>();
        var caller = new Caller("test", null, new HashSet<string>(), []);
        Assert.Equal(3, await importer.ImportCsvAsync(new StringReader(Good), caller, "test", CancellationToken.None));

        var bad = "indicator,area,reference_date,value\npopulation_total,0,2017-12-31,1\npopulation_total,131,2022-12-31,2\npopulation_total,0,2017-13-01,x\n";
        var e = await Assert.ThrowsAsync<ServiceException>(() => importer.ImportCsvAsync(new StringReader(bad), caller, "test", CancellationToken.None));
        Assert.Equal(StatusCode.InvalidArgument, e.Code);
        Assert.Equal(["observations[1].area", "observations[2].reference_date", "observations[2].value"], e.Violations.Select(v => v.Field));
        Assert.Contains("line 3", e.Violations[0].Description);
        Assert.Equal(3, (await ListAllAsync(new ListObservationsRequest())).Count);
    }

    [Fact]
    public async Task The_CLI_streams_a_file_to_ImportObservations_and_reports_rejected_lines()
    {
        var directory = Path.Combine(Host.DataDirectory, "csv");
        Directory.CreateDirectory(directory);
        var good = Path.Combine(directory, "good.csv");
        await File.WriteAllTextAsync(good, Good);
        var token = IntegrationServices.Testing.TestTokens.For([Roles.Statistics]);

        var (code, output, error) = await RunCliAsync("--address", Host.Server.BaseAddress.ToString(), "--token", token, "--batch-size", "2", good);
        Assert.True(code == 0, error);
        Assert.Contains("Imported 3 observations", output);
        Assert.Equal(3, (await ListAllAsync(new ListObservationsRequest())).Count);

        var bad = Path.Combine(directory, "bad.csv");
        await File.WriteAllTextAsync(bad, "indicator,area,reference_date,value\npopulation_total,0,2019-12-31,251551\nnope,0,2019-12-31,1\npopulation_total,0,2019-12-31,zwei\n");
        (code, _, error) = await RunCliAsync("--address", Host.Server.BaseAddress.ToString(), "--token", token, bad);
        Assert.Equal(1, code);
        Assert.Contains("observations[1].indicator: line 3: unknown indicator 'nope'", error);
        Assert.Contains("observations[2].value: line 4: 'zwei' is not a number", error);
        Assert.Equal(3, (await ListAllAsync(new ListObservationsRequest())).Count); // nothing of bad.csv

        (code, _, error) = await RunCliAsync("--address", Host.Server.BaseAddress.ToString(), good); // no token
        Assert.Equal(1, code);
        Assert.Contains("Unauthenticated", error);

        (code, _, error) = await RunCliAsync("--bogus");
        Assert.Equal(2, code);
        Assert.Contains("Usage", error);
    }

    private async Task<(int Code, string Output, string Error)> RunCliAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await ImportCommand.RunAsync(args, output, error, Host.Server.CreateHandler());
        return (code, output.ToString(), error.ToString());
    }

    private static async Task<List<ObservationCsvRow>> ReadAsync(string text)
    {
        var rows = new List<ObservationCsvRow>();
        await foreach (var row in ObservationCsv.ReadAsync(new StringReader(text))) rows.Add(row);
        return rows;
    }
}

public sealed class CsvHttpEndpointTests : DemographicsTest
{
    [Fact]
    public async Task The_HTTP_CSV_import_uses_the_same_rules_and_role()
    {
        using var http = Host.Http();
        HttpRequestMessage Post(string csv, string? role)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, ObservationCsvEndpoint.Route)
            {
                Content = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"),
            };
            if (role is not null)
                request.Headers.Authorization = new("Bearer", IntegrationServices.Testing.TestTokens.For([role]));
            return request;
        }

        var ok = await http.SendAsync(Post("indicator,area,reference_date,value\npopulation_total,0,2019-12-31,251551\n", Roles.Statistics));
        Assert.Equal(System.Net.HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("\"imported_count\":1", await ok.Content.ReadAsStringAsync());

        var bad = await http.SendAsync(Post("indicator,area,reference_date,value\npopulation_total,0,2020-12-31,1\npopulation_total,0,2020-12-31,1\n", Roles.Statistics));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        var body = await bad.Content.ReadAsStringAsync();
        Assert.Contains("observations[1].reference_date", body);
        Assert.Contains("duplicates observations[0]", body);

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await http.SendAsync(Post("x", Roles.Reader))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.SendAsync(Post("x", null))).StatusCode);
        Assert.Single((await Client().ListObservationsAsync(new ListObservationsRequest())).Observations);
    }
}
