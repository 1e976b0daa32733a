using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.ServiceDefaults.Security;

namespace IntegrationServices.Demographics.Tests;

/// <summary>ImportObservations refuses an import with any bad row, names every bad row by number and field, and stores nothing.</summary>
public sealed class ImportValidationTests : DemographicsTest
{
    [Fact]
    public async Task One_bad_row_in_the_middle_of_10000_rejects_the_whole_import_and_names_it()
    {
        var rows = ImportTests.ManyRows(10_000).ToList();
        rows[4711].Area = "areas/does-not-exist";
        var (e, violations) = await RefusedAsync(Client(Roles.Statistics), rows, 500, "observations[4711].area");
        Assert.Contains("unknown area", violations[0].Description);
        Assert.Contains("1 of 10000 rows", e.Status.Detail);

        Assert.Empty((await Client().ListObservationsAsync(new ListObservationsRequest())).Observations);
        Assert.Empty((await Client(Roles.Admin).ListAuditRecordsAsync(new ListAuditRecordsRequest())).AuditRecords);
    }

    [Fact]
    public async Task Every_kind_of_bad_row_is_listed_by_number_and_field()
    {
        await Client(Roles.Statistics).CreateIndicatorAsync(new CreateIndicatorRequest
        {
            IndicatorId = "foreign_share",
            Indicator = new Indicator { Title = "Ausländeranteil", Unit = IndicatorUnit.Percent, Definition = "Melderegister", Source = "Test" },
        });
        var d2016 = D(2016, 12, 31);
        var rows = new List<Observation>
        {
            Obs("population_total", "0", d2016, 1),                                     // 0 ok
            Obs("indicators/unknown", "areas/0", d2016, 1),                             // 1 unknown indicator
            Obs("population_total", "areas/nowhere", d2016, 1),                         // 2 unknown area
            Obs("population_total", "areas/130", d2016, 1),                             // 3 Mitte did not exist in 2016
            Obs("population_total", "areas/0", d2016, -5, dimensions: ("sex", "f")),    // 4 negative count
            Obs("foreign_share", "areas/0", d2016, 101),                                // 5 share above 100
            Obs("population_total", "0", d2016, 2),                                     // 6 duplicates row 0
            Obs("population_total", "areas/0", D(2016, 2, 30), 1),                      // 7 malformed date
            Obs("population_total", "areas/0", null, 1),                                // 8 missing date
            Obs("population_total", "areas/0", d2016, double.NaN, dimensions: ("age", "1")), // 9 not a number
            new() { Indicator = "population_total", Area = "areas/0", ReferenceDate = d2016, Value = 1, Status = (ObservationStatus)42 }, // 10
            Obs("population_total", "areas/0", d2016, 3, dimensions: ("Bad Key", "x")), // 11 bad dimension key
            Obs("foreign_share", "areas/0", d2016, 55.5),                               // 12 ok
        };
        var (_, violations) = await RefusedAsync(Client(Roles.Statistics), rows, 4,
            "observations[1].indicator", "observations[2].area", "observations[3].area", "observations[4].value",
            "observations[5].value", "observations[6].reference_date", "observations[7].reference_date",
            "observations[8].reference_date", "observations[9].value", "observations[10].status",
            "observations[11].dimensions[Bad Key]");
        Assert.Contains("not valid on 2016-12-31", violations[2].Description);
        Assert.Contains("duplicates observations[0]", violations[5].Description);
        Assert.Empty((await Client().ListObservationsAsync(new ListObservationsRequest())).Observations);
    }

    [Fact]
    public async Task Duplicates_are_found_whatever_order_the_dates_of_a_series_come_in()
    {
        // Dates in order are checked against the last one only; the first one out of order switches the
        // series to a lookup. Both ways must find every duplicate and name the row it repeats.
        var rows = new List<Observation>
        {
            Obs("population_total", "0", D(2018, 12, 31), 1),                        // 0
            Obs("population_total", "0", D(2019, 12, 31), 1),                        // 1 in order
            Obs("foreign_nationals", "0", D(2016, 12, 31), 1),                       // 2 another series
            Obs("population_total", "0", D(2019, 12, 31), 2),                        // 3 repeats 1, in order
            Obs("population_total", "0", D(2016, 12, 31), 1),                        // 4 out of order, new
            Obs("population_total", "0", D(2017, 12, 31), 1),                        // 5 out of order, new
            Obs("population_total", "0", D(2018, 12, 31), 3),                        // 6 repeats 0, after the switch
            Obs("population_total", "0", D(2016, 12, 31), 4),                        // 7 repeats 4
            Obs("foreign_nationals", "0", D(2016, 12, 31), 2),                       // 8 repeats 2
            Obs("foreign_nationals", "0", D(2017, 12, 31), 2),                       // 9 new
        };
        var (_, violations) = await RefusedAsync(Client(Roles.Statistics), rows, 3,
            "observations[3].reference_date", "observations[6].reference_date", "observations[7].reference_date", "observations[8].reference_date");
        Assert.Equal(["duplicates observations[1]", "duplicates observations[0]", "duplicates observations[4]", "duplicates observations[2]"],
            violations.Select(v => v.Description[..v.Description.IndexOf(':')]));
        Assert.Empty((await Client().ListObservationsAsync(new ListObservationsRequest())).Observations);

        // Without the repeats the same rows are one valid import.
        foreach (var repeat in new[] { 8, 7, 6, 3 }) rows.RemoveAt(repeat);
        Assert.Equal(6, await ImportAsync(Client(Roles.Statistics), rows));
    }
}
