using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Demographics.Application;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationServices.Demographics.Tests;

/// <summary>ImportObservations: what a valid import stores, how a failure of the database ends it, and who may import.</summary>
public sealed class ImportTests : DemographicsTest
{
    internal static IEnumerable<Observation> ManyRows(int count) =>
        Enumerable.Range(0, count).Select(i =>
            Obs("indicators/population_total", "areas/0", D(2000 + i / 365 % 20, 1 + i % 12, 1 + i % 28), i, dimensions: ("row", i.ToString(CultureInfo.InvariantCulture))));

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
        Assert.EndsWith("/ImportObservations", record.Method);
        using var change = JsonDocument.Parse(record.Change);
        Assert.Equal("imported", change.RootElement.GetProperty("action").GetString());
        var fields = change.RootElement.GetProperty("fields");
        Assert.Equal(2500, fields.GetProperty("imported_count").GetProperty("new").GetInt64());
        Assert.Equal(["indicators/population_total"], fields.GetProperty("indicators").GetProperty("new").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(Host.Clock.GetUtcNow().UtcDateTime, fields.GetProperty("record_time").GetProperty("new").GetDateTime().ToUniversalTime());
    }

    [Fact]
    public async Task An_import_records_how_long_it_received_stored_and_committed_and_a_refused_one_records_nothing()
    {
        var phases = new ConcurrentQueue<(string? Phase, double Seconds)>();
        var meters = Host.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == ImportMetrics.Instrument && ReferenceEquals(instrument.Meter.Scope, meters)) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == ImportMetrics.PhaseAttribute) phases.Enqueue((tag.Value as string, seconds));
        });
        listener.Start();

        await ImportAsync(Client(Roles.Statistics), ManyRows(2500), batchSize: 300);
        Assert.Equal(["receive", "store", "commit"], phases.Select(p => p.Phase));
        Assert.All(phases, p => Assert.InRange(p.Seconds, 0, 60));

        phases.Clear();
        var bad = ManyRows(10).ToList();
        bad[3].Area = "areas/does-not-exist";
        await Rpc.FailsAsync(StatusCode.InvalidArgument, () => ImportAsync(Client(Roles.Statistics), bad));
        Assert.Empty(phases);
    }

    [Fact]
    public async Task A_storage_failure_in_the_middle_of_a_stream_ends_the_call_and_stores_nothing()
    {
        // The database refuses one row, as a full disk or a broken file would. The server reads the rest of
        // the stream and then answers INTERNAL, whatever the client had sent by then; the transaction rolls back.
        await ExecuteSqliteAsync("CREATE TRIGGER refuse_one BEFORE INSERT ON observations WHEN NEW.value = 424242.5 BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
        var rows = ManyRows(60_000).ToList();
        rows[5000].Value = 424242.5;
        var e = await Rpc.FailsAsync(StatusCode.Internal, () => ImportAsync(Client(Roles.Statistics), rows, batchSize: 1000));
        Assert.Contains("correlation id", e.Status.Detail);
        Assert.DoesNotContain("injected", e.Status.Detail);
        Assert.Empty((await Client().ListObservationsAsync(new ListObservationsRequest())).Observations);

        // Refused the FAIL way, the statement keeps what it wrote before the row (the row is in the middle of a
        // block of the multi-row insert, which does not undo itself alone): rolled back with the rest.
        await ExecuteSqliteAsync("DROP TRIGGER refuse_one");
        await ExecuteSqliteAsync("CREATE TRIGGER refuse_one BEFORE INSERT ON observations WHEN NEW.value = 424242.5 BEGIN SELECT RAISE(FAIL, 'injected failure'); END");
        await Rpc.FailsAsync(StatusCode.Internal, () => ImportAsync(Client(Roles.Statistics), rows, batchSize: 1000));
        Assert.Empty((await Client().ListObservationsAsync(new ListObservationsRequest())).Observations);
        Assert.Empty((await Client(Roles.Admin).ListAuditRecordsAsync(new ListAuditRecordsRequest())).AuditRecords);
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
            var (indicator, part) = i < 40 ? (i % 2 == 0 ? "foreign_nationals" : "population_total", (i / 6 % 5).ToString(CultureInfo.InvariantCulture)) : ("population_total", "last");
            var row = Obs(indicator, i % 4 == 0 ? "0" : "areas/0", D(i < 40 ? 1950 + i / 2 : 1950 + i, 12, 31), i,
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
            Assert.Equal(DemographicsNames.Indicators.Format(expected.Indicator), actual.Indicator);
            Assert.Equal("areas/0", actual.Area);
            Assert.Equal(expected.ReferenceDate, actual.ReferenceDate);
            Assert.Equal(expected.Status == ObservationStatus.Unspecified ? ObservationStatus.Final : expected.Status, actual.Status);
            Assert.Equal(expected.Comment, actual.Comment);
            Assert.Equal(expected.Dimensions, actual.Dimensions);
        }
    }

    [Fact]
    public async Task Every_row_comes_out_of_the_spool_as_given_in_arrival_order_with_new_series_in_the_order_first_named()
    {
        // 100 rows: three blocks of the multi-row insert and four rows one by one; two series stored before,
        // three new ones named in the order c, b, d (so that a new series follows a new one, a stored one a new
        // one, a stored one a stored one, and a new one a stored one); comments absent (NULL), repeated,
        // changing, non-ASCII.
        await ImportAsync(Client(Roles.Statistics), [Obs("population_total", "0", D(1900, 12, 31), 1, dimensions: ("part", "old")),
            Obs("population_total", "0", D(1900, 12, 31), 1, dimensions: ("part", "a"))]);
        var parts = new[] { "c", "old", "a", "c", "b", "d" };
        var comments = new[] { "", "Schätzung – vorläufig", "Schätzung – vorläufig", "", "x", "" };
        var statuses = new[] { ObservationStatus.Final, ObservationStatus.Estimated, ObservationStatus.Provisional };
        var rows = Enumerable.Range(0, 100).Select(i =>
        {
            var row = Obs("population_total", "areas/0", D(2000 + i, 12, 31), i * 1.5, comments[i % comments.Length], ("part", parts[i % parts.Length]));
            (row.Status, row.Example) = (statuses[i / 7 % statuses.Length], i % 5 == 0);
            return row;
        }).ToList();
        Assert.Equal(100, await ImportAsync(Client(Roles.Statistics), rows, batchSize: 33));

        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabaseFile}");
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = """
            SELECT s.series_id, s.dimensions, o.reference_date, o.value, o.status, o.comment, o.example
            FROM observations AS o JOIN series AS s ON s.series_id = o.series_id
            WHERE o.reference_date >= '2000-01-01' ORDER BY o.id
            """;
        var stored = new List<(long Series, string Dimensions, string Date, double Value, string Status, string? Comment, long Example)>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                stored.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetDouble(3), reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetInt64(6)));

        var texts = new DimensionTexts();
        Assert.Equal(100, stored.Count);
        for (var i = 0; i < 100; i++)
        {
            var (expected, actual) = (rows[i], stored[i]);
            Assert.Equal(texts.Of([.. expected.Dimensions]), actual.Dimensions);
            Assert.Equal($"{2000 + i}-12-31", actual.Date);
            Assert.Equal(expected.Value, actual.Value);
            Assert.Equal(expected.Status.ToString().ToUpperInvariant(), actual.Status);
            Assert.Equal(expected.Comment.Length == 0 ? null : expected.Comment, actual.Comment);
            Assert.Equal(expected.Example ? 1 : 0, actual.Example);
        }
        // The series stored before keep their ids; the new ones get theirs in the order the import first named them.
        var ids = stored.GroupBy(r => r.Dimensions).ToDictionary(g => g.Key, g => g.Select(r => r.Series).Distinct().Single());
        Assert.True(ids[texts.Of(Part("old"))] < ids[texts.Of(Part("a"))]);
        Assert.True(ids[texts.Of(Part("a"))] < ids[texts.Of(Part("c"))]);
        Assert.True(ids[texts.Of(Part("c"))] < ids[texts.Of(Part("b"))]);
        Assert.True(ids[texts.Of(Part("b"))] < ids[texts.Of(Part("d"))]);
    }

    private static KeyValuePair<string, string>[] Part(string part) => [new("part", part)];

    [Fact]
    public async Task A_new_series_whose_area_is_gone_from_the_catalogue_when_it_is_stored_fails_the_import_and_stores_nothing()
    {
        await Client(Roles.Statistics).CreateAreaAsync(new CreateAreaRequest
        {
            Area = new Area { Code = "950", Title = "Neuer Bezirk", Kind = AreaKind.District, Parent = "areas/0" },
        });
        // The area vanishes at the moment the import adds its series there: after the validation found it, inside
        // the write transaction, whose insert of the series that follows checks no foreign key.
        await ExecuteSqliteAsync("CREATE TRIGGER lose_area BEFORE INSERT ON series WHEN NEW.area_id = '950' BEGIN DELETE FROM areas WHERE id = '950'; END");

        var e = await Rpc.FailsAsync(StatusCode.Internal, () => ImportAsync(Client(Roles.Statistics),
            [Obs("population_total", "0", D(2020, 12, 31), 1), Obs("population_total", "950", D(2020, 12, 31), 5)]));
        Assert.Contains("correlation id", e.Status.Detail);
        Assert.Empty((await Client().ListObservationsAsync(new ListObservationsRequest())).Observations);
        Assert.DoesNotContain((await Client(Roles.Admin).ListAuditRecordsAsync(new ListAuditRecordsRequest())).AuditRecords, r => r.Resource == "observations");
        // The transaction rolled back, and the trigger's delete with it.
        Assert.Contains((await Client().ListAreasAsync(new ListAreasRequest { PageSize = 1000 })).Areas.Select(a => a.Name), name => name == "areas/950");
    }

    [Fact]
    public async Task An_imports_rows_and_new_series_hold_every_reference_that_its_write_transaction_does_not_check()
    {
        // Two imports: the second revises series of the first and adds new ones, of other indicators and areas,
        // and more rows than one block of the multi-row insert.
        await ImportAsync(Client(Roles.Statistics), Enumerable.Range(0, 40).Select(i =>
            Obs("population_total", "0", D(2000 + i, 12, 31), i, dimensions: ("part", (i % 4).ToString(CultureInfo.InvariantCulture)))));
        string[] indicators = ["population_total", "foreign_nationals"];
        string[] areas = ["0", "120", "221"];
        await ImportAsync(Client(Roles.Statistics), Enumerable.Range(0, 300).Select(i =>
            Obs(indicators[i % 2], areas[i / 2 % 3], D(2000 + i / 6 % 50, 12, 31), i, dimensions: ("part", "0"))));

        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabaseFile}");
        await db.OpenAsync();
        await using (var check = db.CreateCommand())
        {
            check.CommandText = "PRAGMA foreign_key_check";
            await using var violations = await check.ExecuteReaderAsync();
            Assert.False(await violations.ReadAsync(), "a stored row names a series, batch, indicator or area that does not exist");
        }
        await using (var count = db.CreateCommand())
        {
            count.CommandText = "SELECT count(*), count(DISTINCT series_id), count(DISTINCT batch_id) FROM observations WHERE reference_date >= '2000-01-01'";
            await using var counts = await count.ExecuteReaderAsync();
            Assert.True(await counts.ReadAsync());
            // 4 series of the first import, 5 new ones (population_total of area 0, part 0, is one of the 4).
            Assert.Equal((340L, 9L, 2L), (counts.GetInt64(0), counts.GetInt64(1), counts.GetInt64(2)));
        }
    }

    [Fact]
    public async Task The_imports_connection_goes_back_to_the_pool_checking_foreign_keys_even_where_only_sqlite_set_them()
    {
        // A connection string without "Foreign Keys": Microsoft.Data.Sqlite leaves the setting alone on open, and
        // SQLite's own default (on, in the bundled build) is all there is. The import must hand it back as it was.
        var directory = TestHost.NewDataDirectory();
        await using var host = await StartAsync(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = $"Data Source={Path.Combine(directory, "demographics.db")}",
        }, directory);
        var database = host.Services.GetRequiredService<ServiceDefaults.Storage.Database>();
        Assert.Equal([1L], await ForeignKeysOfPooledWritersAsync(database, count: 1));

        await ImportAsync(new DemographicsClient(host.As(Roles.Statistics)), ManyRows(100));

        // Whichever pooled connection the import used is among these.
        Assert.All(await ForeignKeysOfPooledWritersAsync(database, count: 8), setting => Assert.Equal(1L, setting));
    }

    /// <summary><c>PRAGMA foreign_keys</c> of <paramref name="count"/> writers' connections, open at once.</summary>
    private static async Task<List<long>> ForeignKeysOfPooledWritersAsync(ServiceDefaults.Storage.Database database, int count)
    {
        var writers = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => database.OpenAsync(CancellationToken.None)));
        try
        {
            var settings = new List<long>();
            foreach (var writer in writers)
            {
                await using var pragma = writer.CreateCommand();
                pragma.CommandText = "PRAGMA foreign_keys";
                settings.Add((long)(await pragma.ExecuteScalarAsync())!);
            }
            return settings;
        }
        finally
        {
            foreach (var writer in writers) await writer.DisposeAsync();
        }
    }

    [Fact]
    public async Task Dimensions_longer_than_700_characters_as_json_are_rejected_and_700_are_stored()
    {
        // 700 is what SQL Server's series key can hold (migration 0003); {"note":"…"} adds 11 characters.
        var longest = Obs("population_total", "0", D(2016, 12, 31), 1, dimensions: ("note", new string('x', 689)));
        var tooLong = Obs("population_total", "0", D(2017, 12, 31), 1, dimensions: ("note", new string('x', 690)));
        var (_, violations) = await RefusedAsync(Client(Roles.Statistics), [longest, tooLong], 500, "observations[1].dimensions");
        Assert.Contains($"at most {ObservationValidation.MaxDimensionsLength} characters", violations[0].Description);

        Assert.Equal(1, await ImportAsync(Client(Roles.Statistics), [longest]));
        Assert.Equal(689, (await ListAllAsync(new ListObservationsRequest())).Single().Dimensions["note"].Length);
    }

    [Fact]
    public async Task A_bare_code_resolves_to_the_district_valid_on_the_reference_date()
    {
        await ImportAsync(Client(Roles.Statistics),
        [
            Obs("population_total", "211", D(2016, 12, 31), 100),
            Obs("population_total", "211", D(2022, 12, 31), 200),
        ]);
        var listed = await ListAllAsync(new ListObservationsRequest());
        Assert.Equal(200, listed.Single(o => o.Area == "areas/211").Value);
        Assert.Equal(100, listed.Single(o => o.Area == "areas/211-bis-2021").Value);
    }

    [Fact]
    public async Task An_empty_import_is_rejected_and_the_reader_may_not_import()
    {
        await RefusedAsync(Client(Roles.Statistics), [], 500, "observations");
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () =>
            ImportAsync(Client(Roles.Reader), [Obs("population_total", "0", D(2016, 12, 31), 1)]));
    }
}
