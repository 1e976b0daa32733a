using Grpc.Core;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.ServiceDefaults.Security;

namespace IntegrationServices.Demographics.Tests;

public sealed class ImportTests : DemographicsTest
{
    private static IEnumerable<Observation> ManyRows(int count) =>
        Enumerable.Range(0, count).Select(i =>
            Obs("indicators/population_total", "areas/0", Date(2000 + i / 365 % 20, 1 + i % 12, 1 + i % 28), i, dimensions: ("row", i.ToString())));

    [Fact]
    public async Task A_stream_of_valid_batches_is_stored_and_audited_once()
    {
        var count = await ImportAsync(Client(Roles.Statistics), ManyRows(2500), batchSize: 300);
        Assert.Equal(2500, count);
        var listed = await ListAllAsync(new ListObservationsRequest { PageSize = 1000 });
        Assert.Equal(2500, listed.Count);
        Assert.All(listed, o => Assert.Equal(Host.Clock.GetUtcNow().UtcDateTime, o.RecordTime.ToDateTime()));

        var audit = (await Client(Roles.Admin).ListAuditRecordsAsync(new ListAuditRecordsRequest())).AuditRecords;
        var record = Assert.Single(audit);
        Assert.Equal("observations", record.Resource);
        Assert.Contains("\"imported_count\":2500", record.Change);
        Assert.Contains("indicators/population_total", record.Change);
    }

    [Fact]
    public async Task One_bad_row_in_the_middle_of_10000_rejects_the_whole_import_and_names_it()
    {
        var rows = ManyRows(10_000).ToList();
        rows[4711].Area = "areas/does-not-exist";
        var e = await Assert.ThrowsAsync<RpcException>(() => ImportAsync(Client(Roles.Statistics), rows));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        var violation = Assert.Single(Violations(e));
        Assert.Equal("observations[4711].area", violation.Field);
        Assert.Contains("unknown area", violation.Description);
        Assert.Contains("1 of 10000 rows", e.Status.Detail);

        Assert.Empty((await Client().ListObservationsAsync(new ListObservationsRequest())).Observations);
        Assert.Empty((await Client(Roles.Admin).ListAuditRecordsAsync(new ListAuditRecordsRequest())).AuditRecords);
    }

    [Fact]
    public async Task A_storage_failure_in_the_middle_of_a_stream_ends_the_call_and_stores_nothing()
    {
        // The database refuses one row, as a full disk or a broken file would. The server reads the rest of
        // the stream and then answers INTERNAL, whatever the client had sent by then; the transaction rolls back.
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection(
                         $"Data Source={Path.Combine(Host.DataDirectory, DemographicsServiceExtensions.Identity.StorageName + ".db")}"))
        {
            await db.OpenAsync();
            await using var trigger = db.CreateCommand();
            trigger.CommandText = "CREATE TRIGGER refuse_one BEFORE INSERT ON observations WHEN NEW.value = 424242.5 BEGIN SELECT RAISE(ABORT, 'injected failure'); END";
            await trigger.ExecuteNonQueryAsync();
        }
        var rows = ManyRows(60_000).ToList();
        rows[5000].Value = 424242.5;
        var e = await Assert.ThrowsAsync<RpcException>(() => ImportAsync(Client(Roles.Statistics), rows, batchSize: 1000));
        Assert.Equal(StatusCode.Internal, e.StatusCode);
        Assert.Contains("correlation id", e.Status.Detail);

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
        var d2016 = Date(2016, 12, 31);
        var rows = new List<Observation>
        {
            Obs("population_total", "0", d2016, 1),                                     // 0 ok
            Obs("indicators/unknown", "areas/0", d2016, 1),                             // 1 unknown indicator
            Obs("population_total", "areas/nowhere", d2016, 1),                         // 2 unknown area
            Obs("population_total", "areas/130", d2016, 1),                             // 3 Mitte did not exist in 2016
            Obs("population_total", "areas/0", d2016, -5, dimensions: ("sex", "f")),    // 4 negative count
            Obs("foreign_share", "areas/0", d2016, 101),                                // 5 share above 100
            Obs("population_total", "0", d2016, 2),                                     // 6 duplicates row 0
            Obs("population_total", "areas/0", Date(2016, 2, 30), 1),                   // 7 malformed date
            Obs("population_total", "areas/0", null!, 1),                               // 8 missing date
            Obs("population_total", "areas/0", d2016, double.NaN, dimensions: ("age", "1")), // 9 not a number
            new() { Indicator = "population_total", Area = "areas/0", ReferenceDate = d2016, Value = 1, Status = (ObservationStatus)42 }, // 10
            Obs("population_total", "areas/0", d2016, 3, dimensions: ("Bad Key", "x")), // 11 bad dimension key
            Obs("foreign_share", "areas/0", d2016, 55.5),                               // 12 ok
        };
        var e = await Assert.ThrowsAsync<RpcException>(() => ImportAsync(Client(Roles.Statistics), rows, batchSize: 4));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(new[]
        {
            "observations[1].indicator", "observations[2].area", "observations[3].area", "observations[4].value",
            "observations[5].value", "observations[6].reference_date", "observations[7].reference_date",
            "observations[8].reference_date", "observations[9].value", "observations[10].status",
            "observations[11].dimensions[Bad Key]",
        }, Violations(e).Select(v => v.Field).ToArray());
        Assert.Contains("not valid on 2016-12-31", Violations(e)[2].Description);
        Assert.Contains("duplicates observations[0]", Violations(e)[5].Description);
        Assert.Empty((await Client().ListObservationsAsync(new ListObservationsRequest())).Observations);
    }

    [Fact]
    public async Task Duplicates_are_found_whatever_order_the_dates_of_a_series_come_in()
    {
        // Dates in order are checked against the last one only; the first one out of order switches the
        // series to a lookup. Both ways must find every duplicate and name the row it repeats.
        var rows = new List<Observation>
        {
            Obs("population_total", "0", Date(2018, 12, 31), 1),                        // 0
            Obs("population_total", "0", Date(2019, 12, 31), 1),                        // 1 in order
            Obs("foreign_nationals", "0", Date(2016, 12, 31), 1),                       // 2 another series
            Obs("population_total", "0", Date(2019, 12, 31), 2),                        // 3 repeats 1, in order
            Obs("population_total", "0", Date(2016, 12, 31), 1),                        // 4 out of order, new
            Obs("population_total", "0", Date(2017, 12, 31), 1),                        // 5 out of order, new
            Obs("population_total", "0", Date(2018, 12, 31), 3),                        // 6 repeats 0, after the switch
            Obs("population_total", "0", Date(2016, 12, 31), 4),                        // 7 repeats 4
            Obs("foreign_nationals", "0", Date(2016, 12, 31), 2),                       // 8 repeats 2
            Obs("foreign_nationals", "0", Date(2017, 12, 31), 2),                       // 9 new
        };
        var e = await Assert.ThrowsAsync<RpcException>(() => ImportAsync(Client(Roles.Statistics), rows, batchSize: 3));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(new[]
        {
            ("observations[3].reference_date", "duplicates observations[1]"),
            ("observations[6].reference_date", "duplicates observations[0]"),
            ("observations[7].reference_date", "duplicates observations[4]"),
            ("observations[8].reference_date", "duplicates observations[2]"),
        }, Violations(e).Select(v => (v.Field, v.Description[..v.Description.IndexOf(':')])).ToArray());
        Assert.Empty((await Client().ListObservationsAsync(new ListObservationsRequest())).Observations);

        // Without the repeats the same rows are one valid import.
        foreach (var repeat in new[] { 8, 7, 6, 3 }) rows.RemoveAt(repeat);
        Assert.Equal(6, await ImportAsync(Client(Roles.Statistics), rows));
    }

    [Fact]
    public async Task Each_row_is_stored_with_its_own_values_when_they_repeat_or_change_from_row_to_row()
    {
        // The SQLite writer binds a value again only when it differs from the previous row's.
        var rows = new List<Observation>();
        var statuses = new[] { ObservationStatus.Final, ObservationStatus.Final, ObservationStatus.Estimated, ObservationStatus.Unspecified, ObservationStatus.Provisional };
        var comments = new[] { "", "first", "first", "", "second", "" };
        for (var i = 0; i < 60; i++)
        {
            // Neighbours share the date but not the series; every other row shares the series; the last 20
            // rows are one series with a date each.
            var (indicator, part) = i < 40 ? (i % 2 == 0 ? "foreign_nationals" : "population_total", (i / 6 % 5).ToString()) : ("population_total", "last");
            var row = Obs(indicator, i % 4 == 0 ? "0" : "areas/0", Date(i < 40 ? 1950 + i / 2 : 1950 + i, 12, 31), i,
                comment: comments[i % comments.Length], dimensions: ("part", part));
            row.Status = statuses[i % statuses.Length];
            rows.Add(row);
        }
        await ImportAsync(Client(Roles.Statistics), rows, batchSize: 7);

        var stored = (await ListAllAsync(new ListObservationsRequest { PageSize = 100 })).ToDictionary(o => (int)o.Value);
        Assert.Equal(60, stored.Count);
        for (var i = 0; i < 60; i++)
        {
            var (expected, actual) = (rows[i], stored[i]);
            Assert.Equal(Storage.Indicators.NameOf(expected.Indicator), actual.Indicator);
            Assert.Equal("areas/0", actual.Area);
            Assert.Equal(expected.ReferenceDate, actual.ReferenceDate);
            Assert.Equal(expected.Status == ObservationStatus.Unspecified ? ObservationStatus.Final : expected.Status, actual.Status);
            Assert.Equal(expected.Comment, actual.Comment);
            Assert.Equal(expected.Dimensions, actual.Dimensions);
        }
    }

    [Fact]
    public async Task Dimensions_longer_than_700_characters_as_json_are_rejected_and_700_are_stored()
    {
        // 700 is what SQL Server's series key can hold (migration 0003); {"note":"…"} adds 11 characters.
        var longest = Obs("population_total", "0", Date(2016, 12, 31), 1, dimensions: ("note", new string('x', 689)));
        var tooLong = Obs("population_total", "0", Date(2017, 12, 31), 1, dimensions: ("note", new string('x', 690)));
        var e = await Assert.ThrowsAsync<RpcException>(() => ImportAsync(Client(Roles.Statistics), [longest, tooLong]));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        var violation = Assert.Single(Violations(e));
        Assert.Equal("observations[1].dimensions", violation.Field);
        Assert.Contains($"at most {Storage.ObservationImporter.MaxDimensionsLength} characters", violation.Description);

        Assert.Equal(1, await ImportAsync(Client(Roles.Statistics), [longest]));
        Assert.Equal(689, (await ListAllAsync(new ListObservationsRequest())).Single().Dimensions["note"].Length);
    }

    [Fact]
    public async Task A_bare_code_resolves_to_the_district_valid_on_the_reference_date()
    {
        await ImportAsync(Client(Roles.Statistics),
        [
            Obs("population_total", "211", Date(2016, 12, 31), 100),
            Obs("population_total", "211", Date(2022, 12, 31), 200),
        ]);
        var listed = await ListAllAsync(new ListObservationsRequest());
        Assert.Equal(200, listed.Single(o => o.Area == "areas/211").Value);
        Assert.Equal(100, listed.Single(o => o.Area == "areas/211-bis-2021").Value);
    }

    [Fact]
    public async Task An_empty_import_is_rejected_and_the_reader_may_not_import()
    {
        var empty = await Assert.ThrowsAsync<RpcException>(() => ImportAsync(Client(Roles.Statistics), []));
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
        var denied = await Assert.ThrowsAsync<RpcException>(() =>
            ImportAsync(Client(Roles.Reader), [Obs("population_total", "0", Date(2016, 12, 31), 1)]));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
    }
}
