using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using IntegrationServices.Demographics.Application;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;

namespace IntegrationServices.Demographics.Tests;

/// <summary>The read methods as JSON over HTTP (gRPC JSON transcoding), and their errors as problems.</summary>
public sealed class JsonTranscodingTests : DemographicsTest
{
    [Fact]
    public async Task Read_methods_are_served_as_JSON()
    {
        await DemographicsDemoData.SeedAsync(Host.Services, CancellationToken.None);
        using var http = Host.Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For([Roles.Reader]));

        using var areas = JsonDocument.Parse(await http.GetStringAsync("/v1/areas?as_of.year=2020&as_of.month=6&as_of.day=30&page_size=100"));
        Assert.Equal(20, areas.RootElement.GetProperty("areas").GetArrayLength());

        using var indicators = JsonDocument.Parse(await http.GetStringAsync("/v1/indicators"));
        Assert.True(indicators.RootElement.GetProperty("indicators").GetArrayLength() >= 5);

        using var observations = JsonDocument.Parse(await http.GetStringAsync("/v1/observations?filter=area%20%3D%20%220%22&page_size=3"));
        Assert.Equal(3, observations.RootElement.GetProperty("observations").GetArrayLength());

        using var summary = JsonDocument.Parse(await http.GetStringAsync("/v1/areas:summarize?as_of.year=2018&as_of.month=12&as_of.day=31&area_set_date.year=2022&area_set_date.month=1&area_set_date.day=1"));
        Assert.Equal(12, summary.RootElement.GetProperty("areas").GetArrayLength());
        Assert.Equal(250386, summary.RootElement.GetProperty("city").GetProperty("populationTotal").GetDouble());
    }

    [Fact]
    public async Task A_transcoded_error_is_a_problem_with_the_bad_fields()
    {
        using var http = Host.Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For([Roles.Reader]));

        var response = await http.GetAsync("/v1/observations?filter=status%20%3D%20FINAL");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(Problems.ContentType, response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("INVALID_ARGUMENT", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal("integration.demographics.v1", problem.RootElement.GetProperty("domain").GetString());
        var violation = Assert.Single(problem.RootElement.GetProperty("field_violations").EnumerateArray());
        Assert.Equal("filter", violation.GetProperty("field").GetString());
        Assert.Contains("unknown filter field 'status'", violation.GetProperty("description").GetString());

        var pageSize = await http.GetAsync("/v1/areas?page_size=-1");
        Assert.Equal(Problems.ContentType, pageSize.Content.Headers.ContentType?.MediaType);
        using var second = JsonDocument.Parse(await pageSize.Content.ReadAsStringAsync());
        Assert.Equal("page_size", Assert.Single(second.RootElement.GetProperty("field_violations").EnumerateArray()).GetProperty("field").GetString());

        var denied = await Host.Http().GetAsync("/v1/indicators");
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Equal(Problems.ContentType, denied.Content.Headers.ContentType?.MediaType);
    }
}
