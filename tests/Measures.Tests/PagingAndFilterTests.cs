using System.Text;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.ServiceDefaults.Api;

namespace IntegrationServices.Measures.Tests;

/// <summary>AIP-158 paging and the AIP-160 filter subset of ListMeasures (and the other list methods).</summary>
public abstract class PagingAndFilterTests(MeasuresFixture fixture) : MeasuresTestBase(fixture)
{
    // ---- paging -----------------------------------------------------------------------------------

    [Fact]
    public async Task Paging_through_25_measures_10_at_a_time_returns_each_once_in_order()
    {
        var slice = await NewSliceAsync();
        var created = new List<Measure>();
        for (var i = 0; i < 25; i++) created.Add(await CreateAsync(slice, field: i % 8 + 1, code: Unique($"P{i:D2}")));

        async Task<(List<Measure> Items, List<int> Sizes)> PagedBy(int size) => await PagesAsync<Measure>(async token =>
        {
            var page = await Reader.ListMeasuresAsync(new ListMeasuresRequest { Filter = UnitFilter(slice), PageSize = size, PageToken = token });
            return (page.Measures, page.NextPageToken);
        });

        var (seen, sizes) = await PagedBy(10);
        Assert.Equal([10, 10, 5], sizes);
        Assert.Equal(created, seen);

        // An exact multiple of the page size: the last full page ends the listing (no empty page after).
        Assert.Equal([5, 5, 5, 5, 5], (await PagedBy(5)).Sizes);
    }

    [Fact]
    public async Task Paging_neither_skips_nor_repeats_when_measures_are_added_or_retired_between_pages()
    {
        var slice = await NewSliceAsync();
        var created = new List<Measure>();
        for (var i = 0; i < 6; i++) created.Add(await CreateAsync(slice));

        var first = await Reader.ListMeasuresAsync(new ListMeasuresRequest { Filter = UnitFilter(slice), PageSize = 3 });
        await Admin.DeleteMeasureAsync(new DeleteMeasureRequest { Name = created[0].Name });
        var added = await CreateAsync(slice);
        var rest = await ListAllAsync(new ListMeasuresRequest { Filter = UnitFilter(slice), PageSize = 3, PageToken = first.NextPageToken });

        Assert.Equal(created.Take(3).Select(m => m.Name), first.Measures.Select(m => m.Name));
        Assert.Equal(created.Skip(3).Select(m => m.Name).Append(added.Name), rest.Select(m => m.Name));
    }

    [Fact]
    public async Task Every_page_answers_for_the_instant_of_the_first_page()
    {
        var slice = await NewSliceAsync();
        var created = new List<Measure>();
        for (var i = 0; i < 4; i++) created.Add(await CreateAsync(slice));
        var request = new ListMeasuresRequest { Filter = UnitFilter(slice), PageSize = 2 };
        var first = await Reader.ListMeasuresAsync(request);

        // Later than the first page: a new measure, a retirement and a status in effect today.
        Advance(TimeSpan.FromMinutes(1));
        var added = await CreateAsync(slice);
        await Admin.DeleteMeasureAsync(new DeleteMeasureRequest { Name = created[3].Name });
        await RecordAsync(created[2].Name, MeasureStatus.InProgress, 40, BusinessCalendar.DateOfInstant(Now).ToProto());

        // Today as known then: none of it shows on the later pages ...
        var rest = await ListAllAsync(new ListMeasuresRequest(request) { PageToken = first.NextPageToken });
        Assert.Equal(created.Take(2), first.Measures);
        Assert.Equal(created.Skip(2), rest);
        // ... while a new listing sees it all.
        var now = await ListAllAsync(new ListMeasuresRequest(request));
        Assert.Equal([created[0].Name, created[1].Name, created[2].Name, added.Name], now.Select(m => m.Name));
        Assert.Equal(MeasureStatus.InProgress, now[2].Status);
    }

    [Fact]
    public async Task Page_size_0_means_50_and_more_than_1000_is_clamped_to_1000()
    {
        var slice = await NewSliceAsync();
        var prefix = Unique("B");
        await BulkInsertAsync(1001, i => new MeasureFields($"{prefix}-{i:D4}", $"Massenmaßnahme {i}", "",
            IdOf(slice.Concept), i % 8 + 1, IdOf(slice.Unit), null, new DateOnly(2016, 1, 1)));
        var request = new ListMeasuresRequest { Filter = UnitFilter(slice) };

        var byDefault = await Reader.ListMeasuresAsync(request);
        Assert.Equal(50, byDefault.Measures.Count);
        Assert.NotEqual("", byDefault.NextPageToken);

        request.PageSize = 5000;
        var clamped = await Reader.ListMeasuresAsync(request);
        Assert.Equal(1000, clamped.Measures.Count);
        Assert.NotEqual("", clamped.NextPageToken);
        Assert.Equal(byDefault.Measures, clamped.Measures.Take(50));

        request.PageToken = clamped.NextPageToken;
        var last = await Reader.ListMeasuresAsync(request);
        Assert.Single(last.Measures);
        Assert.Equal("", last.NextPageToken);
        Assert.Equal(1001, clamped.Measures.Concat(last.Measures).Select(m => m.Name).Distinct().Count());

        request.PageSize = 1000;
        request.PageToken = "";
        Assert.Equal(clamped.Measures.Select(m => m.Name), (await Reader.ListMeasuresAsync(request)).Measures.Select(m => m.Name));
        Assert.Equal(1001, (await StreamAllAsync(new StreamMeasuresRequest { Filter = UnitFilter(slice) })).Count);
    }

    [Fact]
    public async Task A_negative_page_size_is_INVALID_ARGUMENT_naming_page_size_on_every_list_method()
    {
        var slice = await NewSliceAsync();
        var measure = await CreateAsync(slice);

        await Rpc.InvalidAsync(() => Reader.ListMeasuresAsync(new ListMeasuresRequest { PageSize = -1 }), "page_size");
        await Rpc.InvalidAsync(() => Reader.ListStatusEventsAsync(new ListStatusEventsRequest { Parent = measure.Name, PageSize = -5 }), "page_size");
        await Rpc.InvalidAsync(() => Reader.ListFieldsOfActionAsync(new ListFieldsOfActionRequest { PageSize = -1 }), "page_size");
        await Rpc.InvalidAsync(() => Reader.ListActionConceptsAsync(new ListActionConceptsRequest { PageSize = int.MinValue }), "page_size");
        await Rpc.InvalidAsync(() => Reader.ListOrganizationalUnitsAsync(new ListOrganizationalUnitsRequest { PageSize = -1 }), "page_size");
        await Rpc.InvalidAsync(() => Admin.ListAuditRecordsAsync(new ListAuditRecordsRequest { PageSize = -1 }), "page_size");
    }

    [Fact]
    public async Task A_page_token_used_with_another_selection_is_INVALID_ARGUMENT_naming_page_token()
    {
        var slice = await NewSliceAsync();
        for (var i = 0; i < 3; i++) await CreateAsync(slice, field: 2);
        var original = new ListMeasuresRequest { Filter = UnitFilter(slice), PageSize = 1, AsOf = D(2020, 1, 1), KnownAt = NowStamp };
        var token = (await Reader.ListMeasuresAsync(original)).NextPageToken;
        Assert.NotEqual("", token);

        ListMeasuresRequest With(Action<ListMeasuresRequest> change)
        {
            var r = original.Clone();
            r.PageToken = token;
            change(r);
            return r;
        }

        await Rpc.InvalidAsync(() => Reader.ListMeasuresAsync(With(r => r.Filter = UnitFilter(slice) + " AND field_of_action = 2")), "page_token");
        await Rpc.InvalidAsync(() => Reader.ListMeasuresAsync(With(r => r.Filter = "")), "page_token");
        await Rpc.InvalidAsync(() => Reader.ListMeasuresAsync(With(r => r.ShowRetired = true)), "page_token");
        await Rpc.InvalidAsync(() => Reader.ListMeasuresAsync(With(r => r.AsOf = D(2020, 1, 2))), "page_token");
        await Rpc.InvalidAsync(() => Reader.ListMeasuresAsync(With(r => r.KnownAt = null)), "page_token");
        await Rpc.InvalidAsync(() => Reader.ListStatusEventsAsync(new ListStatusEventsRequest { Parent = "measures/1", PageToken = token }), "page_token");
        await Rpc.InvalidAsync(() => Reader.ListFieldsOfActionAsync(new ListFieldsOfActionRequest { PageToken = token }), "page_token");
        await Rpc.InvalidAsync(() => Admin.ListAuditRecordsAsync(new ListAuditRecordsRequest { PageToken = token }), "page_token");

        // The page size may change between pages; the selection may not.
        var next = await Reader.ListMeasuresAsync(With(r => r.PageSize = 10));
        Assert.Equal(2, next.Measures.Count);
    }

    [Fact]
    public async Task A_tampered_or_made_up_page_token_is_INVALID_ARGUMENT()
    {
        var slice = await NewSliceAsync();
        for (var i = 0; i < 3; i++) await CreateAsync(slice);
        var request = new ListMeasuresRequest { Filter = UnitFilter(slice), PageSize = 1 };
        var token = (await Reader.ListMeasuresAsync(request)).NextPageToken;
        var dot = token.IndexOf('.');
        Assert.True(dot > 0, token);
        var otherKey = Convert.ToBase64String(Encoding.UTF8.GetBytes("0")).TrimEnd('=');

        foreach (var bad in new[]
                 {
                     otherKey + token[dot..],
                     token[..dot] + "." + new string('A', token.Length - dot - 1),
                     token + "x",
                     token[..^1],
                     "garbage",
                     "%%%.%%%",
                     ".",
                 })
        {
            var r = request.Clone();
            r.PageToken = bad;
            await Rpc.InvalidAsync(() => Reader.ListMeasuresAsync(r), "page_token");
        }
    }

    // ---- filters ----------------------------------------------------------------------------------

    [Fact]
    public async Task Each_filter_field_selects_exactly_the_matching_measures()
    {
        var slice = await NewSliceAsync();
        var u = slice.Unit;
        var u2 = (await NewUnitAsync()).Name;
        var c1 = slice.Concept;
        var c2 = (await NewConceptAsync()).Name;
        var p = Unique("F");
        var m1 = await CreateAsync(new Measure(Draft(slice, field: 1, code: $"{p}-1")));
        var m2 = await CreateAsync(new Measure(Draft(slice, field: 3, code: $"{p}-2")) { ActionConcept = c2 });
        var m3 = await CreateAsync(new Measure(Draft(slice, field: 5, code: $"{p}-3", parent: m1.Name)));
        var m4 = await CreateAsync(new Measure(Draft(slice, field: 3, code: $"{p}-4", parent: m1.Name)) { ResponsibleUnit = u2 });
        var m5 = await CreateAsync(new Measure(Draft(slice, field: 8, code: $"{p}-5", parent: m2.Name)) { ActionConcept = c2 });
        await RecordAsync(m2.Name, MeasureStatus.InProgress, 40, D(2020, 1, 1));
        await RecordAsync(m3.Name, MeasureStatus.Implemented, 100, D(2021, 1, 1));
        await RecordAsync(m4.Name, MeasureStatus.InProgress, 10, D(2020, 1, 1));
        await RecordAsync(m5.Name, MeasureStatus.Ongoing, 100, D(2019, 1, 1));
        await RecordAsync(m5.Name, MeasureStatus.Discontinued, 100, D(2020, 1, 1));

        var cases = new (string Filter, Measure[] Expected)[]
        {
            ($"responsible_unit = \"{u}\"", [m1, m2, m3, m5]),
            ($"responsible_unit = {u2}", [m4]),
            ($"responsible_unit != \"{u}\" AND action_concept = \"{c1}\"", [m4]),
            ($"action_concept = \"{c2}\"", [m2, m5]),
            ($"action_concept != \"{c2}\" AND responsible_unit = \"{u}\"", [m1, m3]),
            ($"responsible_unit = \"{u}\" AND field_of_action = 3", [m2]),
            ($"responsible_unit = \"{u}\" AND field_of_action = \"3\"", [m2]),
            ($"responsible_unit = \"{u}\" AND field_of_action >= 5", [m3, m5]),
            ($"responsible_unit = \"{u}\" AND field_of_action < 3", [m1]),
            ($"responsible_unit = \"{u}\" AND field_of_action != 1", [m2, m3, m5]),
            ($"responsible_unit = \"{u}\" AND field_of_action > 1 AND field_of_action <= 5", [m2, m3]),
            ($"responsible_unit = \"{u}\" AND status = NOT_STARTED", [m1]),
            ($"responsible_unit = \"{u}\" AND status = IN_PROGRESS", [m2]),
            ($"action_concept = \"{c1}\" AND status = IN_PROGRESS", [m4]),
            ($"responsible_unit = \"{u}\" AND status = IMPLEMENTED", [m3]),
            ($"responsible_unit = \"{u}\" AND status = DISCONTINUED", [m5]),
            ($"responsible_unit = \"{u}\" AND status != NOT_STARTED", [m2, m3, m5]),
            ($"code = \"{p}-2\"", [m2]),
            ($"code = {p}-4", [m4]),
            ($"code > \"{p}-2\" AND code < \"{p}-5\"", [m3, m4]),
            ($"parent = \"{m1.Name}\"", [m3, m4]),
            ($"parent = {m2.Name}", [m5]),
            ($"parent = \"{m1.Name}\" AND responsible_unit = \"{u}\" AND field_of_action = 5", [m3]),
            ($"responsible_unit=\"{u}\"   AND\tcode=\"{p}-1\"", [m1]),
            ($"code = \"{p}-9\"", []),
        };
        foreach (var (filter, expected) in cases)
        {
            var listed = await ListAllAsync(new ListMeasuresRequest { Filter = filter, PageSize = 2 });
            Assert.True(expected.Select(m => m.Name).SequenceEqual(listed.Select(m => m.Name)),
                $"filter `{filter}`: expected [{string.Join(", ", expected.Select(m => m.Name))}], got [{string.Join(", ", listed.Select(m => m.Name))}]");
            var streamed = await StreamAllAsync(new StreamMeasuresRequest { Filter = filter });
            Assert.Equal(listed, streamed);
        }
    }

    public static TheoryData<string> MalformedFilters => new()
    {
        "colour = red",
        "field_of_action",
        "field_of_action =",
        "field_of_action = ",
        "= 3",
        "field_of_action == 3",
        "field_of_action ~ 3",
        "field_of_action = abc",
        "field_of_action = 99999999999",
        "field_of_action = 3 OR field_of_action = 4",
        "field_of_action = 3 and field_of_action = 4",
        "field_of_action = 3 AND",
        "AND field_of_action = 3",
        "field_of_action = 3 field_of_action = 4",
        "\"field_of_action\" = 3",
        "status = BOGUS",
        "status = in_progress",
        "status = MEASURE_STATUS_UNSPECIFIED",
        "status > NOT_STARTED",
        "responsible_unit = 50",
        "responsible_unit = departments/50",
        "responsible_unit < units/50",
        "action_concept = idk",
        "parent = measures/abc",
        "parent = measures/0",
        "code = \"unterminated",
        "title = \"x\"",
        "create_time > \"2020-01-01T00:00:00Z\"",
    };

    [Theory]
    [MemberData(nameof(MalformedFilters))]
    public async Task A_malformed_filter_or_unknown_field_is_INVALID_ARGUMENT_naming_filter(string filter)
    {
        var violations = await Rpc.InvalidAsync(() => Reader.ListMeasuresAsync(new ListMeasuresRequest { Filter = filter }), "filter");
        Assert.DoesNotContain("Exception", violations[0].Description);
        await Rpc.InvalidAsync(() => StreamAllAsync(new StreamMeasuresRequest { Filter = filter }), "filter");
    }

    [Fact]
    public async Task An_unknown_filter_field_is_named_in_the_violation()
    {
        var violations = await Rpc.InvalidAsync(() => Reader.ListMeasuresAsync(new ListMeasuresRequest { Filter = "colour = red" }), "filter");
        Assert.Contains("colour", violations[0].Description);
    }
}

public sealed class SqlitePagingAndFilterTests(SqliteFixture fixture) : PagingAndFilterTests(fixture), IClassFixture<SqliteFixture>;

public sealed class SqlServerPagingAndFilterTests(SqlServerFixture fixture) : PagingAndFilterTests(fixture), IClassFixture<SqlServerFixture>;
