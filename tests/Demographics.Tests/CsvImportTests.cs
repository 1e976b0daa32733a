using System.Net;
using System.Text.Json;
using Grpc.Core;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Demographics.Api;
using IntegrationServices.Demographics.Application;
using IntegrationServices.ServiceDefaults.Auditing;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.Demographics.Tests;

/// <summary>The CSV import path of the service, and its HTTP endpoint: the same validation, all-or-nothing rule and role as ImportObservations.</summary>
public sealed class CsvImportTests : DemographicsTest
{
    private const string Good = """
        indicator,area,reference_date,value,status,dim.sex
        population_total,0,2016-12-31,250704,FINAL,
        population_total,131,2016-12-31,12000,ESTIMATED,f
        foreign_nationals,areas/130,2022-12-31,5500.5,,
        """;

    private static readonly WriteContext Writer = WriteContext.System("test", "Test", "test");

    [Fact]
    public async Task The_service_CSV_path_imports_all_or_nothing_with_the_same_validation()
    {
        var import = Host.Services.GetRequiredService<ObservationImport>();
        Assert.Equal(3, await import.ImportCsvAsync(new StringReader(Good), Writer, CancellationToken.None));

        var bad = "indicator,area,reference_date,value\npopulation_total,0,2017-12-31,1\npopulation_total,131,2022-12-31,2\npopulation_total,0,2017-13-01,x\n";
        var e = await Assert.ThrowsAsync<ServiceException>(() => import.ImportCsvAsync(new StringReader(bad), Writer, CancellationToken.None));
        Assert.Equal(StatusCode.InvalidArgument, e.Code);
        Assert.Equal(["observations[1].area", "observations[2].reference_date", "observations[2].value"], e.Violations.Select(v => v.Field));
        Assert.Contains("line 3", e.Violations[0].Description);

        var header = await Assert.ThrowsAsync<ServiceException>(() => import.ImportCsvAsync(new StringReader("indicator,area,value\n"), Writer, CancellationToken.None));
        Assert.Equal("header", Assert.Single(header.Violations).Field);
        var broken = await Assert.ThrowsAsync<ServiceException>(() => import.ImportCsvAsync(
            new StringReader("indicator,area,reference_date,value\n\"population_total,0,2016-12-31,1\n"), Writer, CancellationToken.None));
        Assert.Equal("csv", Assert.Single(broken.Violations).Field);
        Assert.Equal(3, (await ListAllAsync(new ListObservationsRequest())).Count);
    }

    private static HttpRequestMessage Post(string csv, string? role)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, ObservationCsvEndpoint.Route)
        {
            Content = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"),
        };
        if (role is not null) request.Headers.Authorization = new("Bearer", TestTokens.For([role]));
        return request;
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(Problems.ContentType, response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        return problem;
    }

    [Fact]
    public async Task The_HTTP_CSV_import_uses_the_same_rules_and_role_and_answers_errors_as_problems()
    {
        using var http = Host.Http();
        var ok = await http.SendAsync(Post("indicator,area,reference_date,value\npopulation_total,0,2019-12-31,251551\n", Roles.Statistics));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement.GetProperty("imported_count").GetInt64());

        var bad = await http.SendAsync(Post("indicator,area,reference_date,value\npopulation_total,0,2020-12-31,1\npopulation_total,0,2020-12-31,1\n", Roles.Statistics));
        var problem = await ProblemAsync(bad, HttpStatusCode.BadRequest, "INVALID_ARGUMENT");
        Assert.Equal("INVALID_ARGUMENT", problem.GetProperty("reason").GetString());
        Assert.Equal("integration.demographics.v1", problem.GetProperty("domain").GetString());
        var violation = Assert.Single(problem.GetProperty("field_violations").EnumerateArray());
        Assert.Equal("observations[1].reference_date", violation.GetProperty("field").GetString());
        Assert.Contains("duplicates observations[0]", violation.GetProperty("description").GetString());

        var header = await ProblemAsync(await http.SendAsync(Post("indikator,area,reference_date,value\n", Roles.Statistics)), HttpStatusCode.BadRequest, "INVALID_ARGUMENT");
        // One violation per bad column: 'indikator' is unknown, 'indicator' is missing.
        Assert.Equal(["header", "header"], header.GetProperty("field_violations").EnumerateArray().Select(v => v.GetProperty("field").GetString()));

        await ProblemAsync(await http.SendAsync(Post("x", Roles.Reader)), HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        await ProblemAsync(await http.SendAsync(Post("x", null)), HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        Assert.Single((await Client().ListObservationsAsync(new ListObservationsRequest())).Observations);
        var audit = Assert.Single((await Client(Roles.Admin).ListAuditRecordsAsync(new ListAuditRecordsRequest())).AuditRecords);
        Assert.Equal("POST " + ObservationCsvEndpoint.Route, audit.Method);
    }

    [Fact]
    public async Task A_storage_failure_during_an_HTTP_import_is_a_500_problem_with_a_correlation_id()
    {
        await ExecuteSqliteAsync("CREATE TRIGGER refuse_all BEFORE INSERT ON observations BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
        using var http = Host.Http();
        var response = await http.SendAsync(Post("indicator,area,reference_date,value\npopulation_total,0,2019-12-31,251551\n", Roles.Statistics));
        var problem = await ProblemAsync(response, HttpStatusCode.InternalServerError, "INTERNAL");
        Assert.Contains("correlation id", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("injected", await response.Content.ReadAsStringAsync());
    }
}
