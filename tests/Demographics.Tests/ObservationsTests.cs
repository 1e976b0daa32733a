using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.ServiceDefaults.Security;

namespace IntegrationServices.Demographics.Tests;

/// <summary>ListObservations: revisions and time travel, filters and paging.</summary>
public sealed class ObservationsTests : DemographicsTest
{
    [Fact]
    public async Task A_revision_keeps_the_old_value_and_known_at_picks_between_them()
    {
        var statistics = Client(Roles.Statistics);
        await ImportAsync(statistics, [Obs("population_total", "0", D(2016, 12, 31), 250000, "vorläufig")]);
        var firstKnown = Host.Clock.GetUtcNow().UtcDateTime;
        Host.Clock.Advance(TimeSpan.FromDays(30));
        await ImportAsync(statistics, [Obs("population_total", "0", D(2016, 12, 31), 250704, "endgültig")]);
        var secondKnown = Host.Clock.GetUtcNow().UtcDateTime;

        var now = await ListAllAsync(new ListObservationsRequest());
        Assert.Equal(250704, Assert.Single(now).Value);
        Assert.Equal(secondKnown, now[0].RecordTime.ToDateTime());

        var then = await ListAllAsync(new ListObservationsRequest { KnownAt = Timestamp.FromDateTime(firstKnown.AddDays(1)) });
        Assert.Equal("vorläufig", Assert.Single(then).Comment);

        var before = await ListAllAsync(new ListObservationsRequest { KnownAt = Timestamp.FromDateTime(firstKnown.AddSeconds(-1)) });
        Assert.Empty(before);
    }

    [Fact]
    public async Task As_of_picks_the_latest_reference_date_per_series()
    {
        await ImportAsync(Client(Roles.Statistics),
        [
            Obs("population_total", "0", D(2014, 12, 31), 249485),
            Obs("population_total", "0", D(2016, 12, 31), 250704),
            Obs("population_total", "0", D(2018, 12, 31), 250386),
            Obs("population_total", "0", D(2016, 12, 31), 120000, dimensions: ("sex", "f")),
            Obs("population_total", "0", D(2014, 12, 31), 119000, dimensions: ("sex", "f")),
            Obs("foreign_nationals", "0", D(2015, 12, 31), 25000),
        ]);
        var asOf2017 = await ListAllAsync(new ListObservationsRequest { AsOf = D(2017, 6, 30) });
        Assert.Equal(3, asOf2017.Count);
        Assert.Contains(asOf2017, o => o.Indicator == "indicators/population_total" && o.Dimensions.Count == 0 && o.Value == 250704);
        Assert.Contains(asOf2017, o => o.Dimensions.ContainsKey("sex") && o.Dimensions["sex"] == "f" && o.Value == 120000 && o.ReferenceDate.Equals(D(2016, 12, 31)));
        Assert.Contains(asOf2017, o => o.Indicator == "indicators/foreign_nationals" && o.Value == 25000);

        var asOf2015 = await ListAllAsync(new ListObservationsRequest { AsOf = D(2015, 1, 1), Filter = "indicator = \"population_total\"" });
        Assert.Equal(new double[] { 249485, 119000 }, asOf2015.Select(o => o.Value).Order().Reverse().ToArray());

        var all = await ListAllAsync(new ListObservationsRequest());
        Assert.Equal(6, all.Count);
    }

    [Fact]
    public async Task Filter_and_paging_walk_every_row_once_in_a_stable_order()
    {
        var rows = Enumerable.Range(0, 120).Select(i =>
            Obs(i % 2 == 0 ? "population_total" : "foreign_nationals", i % 3 == 0 ? "0" : "221", D(2000 + i / 6, 12, 31), i, dimensions: ("n", (i % 6).ToString(CultureInfo.InvariantCulture))));
        await ImportAsync(Client(Roles.Statistics), rows);
        var filtered = await ListAllAsync(new ListObservationsRequest
        {
            PageSize = 7,
            Filter = "indicator = \"indicators/population_total\" AND area != \"areas/0\" AND reference_date >= \"2010-01-01\"",
        });
        var expected = Enumerable.Range(0, 120).Where(i => i % 2 == 0 && i % 3 != 0 && 2000 + i / 6 >= 2010).Select(i => (double)i).Order().ToArray();
        Assert.Equal(expected, filtered.Select(o => o.Value).Order().ToArray());
        Assert.All(filtered, o => Assert.Equal("areas/221", o.Area));
    }

    [Fact]
    public async Task Bad_paging_and_filters_are_invalid_arguments_naming_the_field()
    {
        var client = Client(Roles.Reader);
        await ImportAsync(Client(Roles.Statistics), Enumerable.Range(0, 5).Select(i => Obs("population_total", "0", D(2010 + i, 12, 31), i)));

        Task<IReadOnlyList<Google.Rpc.BadRequest.Types.FieldViolation>> Fails(ListObservationsRequest request, string field) =>
            Rpc.InvalidAsync(() => client.ListObservationsAsync(request), field);

        await Fails(new ListObservationsRequest { PageSize = -1 }, "page_size");

        var unknownField = await Fails(new ListObservationsRequest { Filter = "status = FINAL" }, "filter");
        Assert.Contains("unknown filter field 'status'", unknownField[0].Description);

        var badDate = await Fails(new ListObservationsRequest { Filter = "reference_date > \"31.12.2016\"" }, "filter");
        Assert.Contains("reference_date", badDate[0].Description);

        var orderedOnName = await Fails(new ListObservationsRequest { Filter = "area > \"0\"" }, "filter");
        Assert.Contains("'area' can only be compared with = or !=", orderedOnName[0].Description);

        var first = await client.ListObservationsAsync(new ListObservationsRequest { PageSize = 2, Filter = "area = \"0\"" });
        Assert.NotEmpty(first.NextPageToken);
        await Fails(new ListObservationsRequest { PageSize = 2, Filter = "area = \"221\"", PageToken = first.NextPageToken }, "page_token");
        await Fails(new ListObservationsRequest { PageSize = 2, Filter = "area = \"0\"", PageToken = first.NextPageToken + "x" }, "page_token");
        await Fails(new ListObservationsRequest { PageSize = 2, Filter = "area = \"0\"", PageToken = first.NextPageToken, AsOf = D(2020, 1, 1) }, "page_token");

        await Fails(new ListObservationsRequest { AsOf = D(2016, 13, 1) }, "as_of");
        await Fails(new ListObservationsRequest { KnownAt = new Timestamp { Seconds = -62135596801 } }, "known_at");

        var large = await client.ListObservationsAsync(new ListObservationsRequest { PageSize = 5000 });
        Assert.Equal(5, large.Observations.Count);
        Assert.Empty(large.NextPageToken);
    }

    [Fact]
    public async Task Pages_without_known_at_keep_the_first_pages_knowledge()
    {
        var statistics = Client(Roles.Statistics);
        await ImportAsync(statistics, Enumerable.Range(0, 4).Select(i => Obs("population_total", "0", D(2010 + i, 12, 31), i)));
        var client = Client(Roles.Reader);
        var first = await client.ListObservationsAsync(new ListObservationsRequest { PageSize = 2 });
        Host.Clock.Advance(TimeSpan.FromMinutes(5));
        await ImportAsync(statistics, [Obs("population_total", "0", D(2013, 12, 31), 99)]);
        var second = await client.ListObservationsAsync(new ListObservationsRequest { PageSize = 2, PageToken = first.NextPageToken });
        Assert.Equal(new double[] { 2, 3 }, second.Observations.Select(o => o.Value).ToArray());
        var fresh = await ListAllAsync(new ListObservationsRequest());
        Assert.Equal(99, fresh.Last().Value);
    }
}
