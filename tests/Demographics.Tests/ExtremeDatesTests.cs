using Google.Protobuf.WellKnownTypes;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.ServiceDefaults.Security;

namespace IntegrationServices.Demographics.Tests;

/// <summary>The first and last representable dates and instants, through every reading method.</summary>
public sealed class ExtremeDatesTests : DemographicsTest
{
    [Fact]
    public async Task The_first_and_last_representable_dates_and_instants_are_answered()
    {
        await ImportAsync(Client(Roles.Statistics),
        [
            Obs("population_total", "0", D(1, 1, 1), 1),
            Obs("population_total", "0", D(9999, 12, 31), 2),
        ]);
        var client = Client(Roles.Reader);
        var min = Timestamp.FromDateTime(DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc));
        var max = new Timestamp { Seconds = 253402300799, Nanos = 999_999_999 };
        foreach (var date in new[] { D(1, 1, 1), D(9999, 12, 31) })
        {
            await client.ListAreasAsync(new ListAreasRequest { AsOf = date });
            await client.SummarizeAreasAsync(new SummarizeAreasRequest { AsOf = date, AreaSetDate = date, KnownAt = max });
            await client.SummarizeAreasAsync(new SummarizeAreasRequest { AsOf = date, KnownAt = min });
        }
        Assert.Equal(2, (await client.ListObservationsAsync(new ListObservationsRequest { AsOf = D(9999, 12, 31), KnownAt = max, Filter = "reference_date >= \"0001-01-01\"" })).Observations.Single().Value);
        Assert.Equal(1, (await client.ListObservationsAsync(new ListObservationsRequest { AsOf = D(1, 1, 1) })).Observations.Single().Value);
        Assert.Empty((await client.ListObservationsAsync(new ListObservationsRequest { KnownAt = min })).Observations);
    }
}
