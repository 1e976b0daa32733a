using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;

namespace IntegrationServices.Demographics.Tests;

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

        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/v1/observations?page_size=-1")).StatusCode);
    }
}
