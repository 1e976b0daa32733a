using System.Globalization;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using IntegrationServices.Contracts.Common.V1;

namespace IntegrationServices.Measures.Tests;

/// <summary>ListAuditRecords: one record per successful write, none for failed ones; filters and paging.</summary>
public abstract class AuditTests(MeasuresFixture fixture) : MeasuresTestBase(fixture)
{
    private static string Rfc3339(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Every_write_leaves_one_audit_record_with_subject_method_resource_and_change()
    {
        var subject = Unique("auditor");
        var client = As(subject, [Roles.Coordinator]);
        var times = new List<DateTime>();

        times.Add(Advance(TimeSpan.FromSeconds(1)));
        var concept = await client.CreateActionConceptAsync(new CreateActionConceptRequest
        {
            ActionConcept = new ActionConcept { Title = "Auditkonzept", CouncilPaper = "20-12345" },
        });
        times.Add(Advance(TimeSpan.FromSeconds(1)));
        var unit = await client.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest
        {
            OrganizationalUnit = new OrganizationalUnit { Title = "Auditeinheit" },
        });
        times.Add(Advance(TimeSpan.FromSeconds(1)));
        var code = Unique("AUD");
        var measure = await client.CreateMeasureAsync(new CreateMeasureRequest { Measure = Draft(new Slice(unit.Name, concept.Name), field: 3, code: code, title: "Vorher") });
        times.Add(Advance(TimeSpan.FromSeconds(1)));
        await client.UpdateMeasureAsync(new UpdateMeasureRequest
        {
            Measure = new Measure { Name = measure.Name, Title = "Nachher", FieldOfAction = 4 }, UpdateMask = new FieldMask { Paths = { "title", "field_of_action" } },
        });
        times.Add(Advance(TimeSpan.FromSeconds(1)));
        var @event = await RecordAsync(measure.Name, MeasureStatus.Implemented, 100, D(2024, 12, 31), "fertig", client);
        times.Add(Advance(TimeSpan.FromSeconds(1)));
        await client.DeleteMeasureAsync(new DeleteMeasureRequest { Name = measure.Name });

        // Reads and failed writes leave nothing.
        await client.GetMeasureAsync(new GetMeasureRequest { Name = measure.Name });
        await client.ListMeasuresAsync(new ListMeasuresRequest());
        await Rpc.FailsAsync(StatusCode.InvalidArgument, () => client.CreateMeasureAsync(new CreateMeasureRequest { Measure = new Measure { Title = "unvollständig" } }));
        await Rpc.FailsAsync(StatusCode.FailedPrecondition, () => client.RecordStatusAsync(new RecordStatusRequest
        {
            Parent = measure.Name, Status = MeasureStatus.Ongoing, ProgressPercent = 1, EffectiveDate = D(2025, 1, 1),
        }));

        var records = await AuditAsync($"subject = \"{subject}\"");

        Assert.Equal(
            ["CreateActionConcept", "CreateOrganizationalUnit", "CreateMeasure", "UpdateMeasure", "RecordStatus", "DeleteMeasure"],
            records.Select(r => r.Method[Service.Length..]));
        Assert.All(records, r => Assert.StartsWith(Service, r.Method));
        Assert.Equal([concept.Name, unit.Name, measure.Name, measure.Name, @event.Name, measure.Name], records.Select(r => r.Resource));
        Assert.Equal(times.Select(t => Timestamp.FromDateTime(t)), records.Select(r => r.Time));
        Assert.All(records, r => Assert.Equal(subject, r.Subject));
        Assert.All(records, r => Assert.Equal(subject, r.SubjectName));

        // One JSON shape for every change: {"action": …, "update_mask": […] (updates only), "fields": {name: {"old": …, "new": …}}}.
        JsonElement Change(int i) => JsonDocument.Parse(records[i].Change).RootElement;
        JsonElement New(int i, string field) => Change(i).GetProperty("fields").GetProperty(field).GetProperty("new");
        JsonElement Old(int i, string field) => Change(i).GetProperty("fields").GetProperty(field).GetProperty("old");
        bool HasOld(int i, string field) => Change(i).GetProperty("fields").GetProperty(field).TryGetProperty("old", out _);
        Assert.Equal(["created", "created", "created", "updated", "recorded", "retired"], Enumerable.Range(0, 6).Select(i => Change(i).GetProperty("action").GetString()));
        Assert.All(Enumerable.Range(0, 6).Where(i => i != 3), i => Assert.False(Change(i).TryGetProperty("update_mask", out _)));
        Assert.Equal("Auditkonzept", New(0, "title").GetString());
        Assert.Equal("20-12345", New(0, "council_paper").GetString());
        Assert.False(HasOld(0, "title"));
        Assert.Equal("Auditeinheit", New(1, "title").GetString());
        Assert.Equal(code, New(2, "code").GetString());
        Assert.Equal("Vorher", New(2, "title").GetString());
        Assert.Equal(3, New(2, "field_of_action").GetInt32());
        Assert.False(HasOld(2, "code"));
        Assert.Equal(["title", "field_of_action"], Change(3).GetProperty("update_mask").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["title", "field_of_action"], Change(3).GetProperty("fields").EnumerateObject().Select(p => p.Name));
        Assert.Equal("Vorher", Old(3, "title").GetString());
        Assert.Equal(3, Old(3, "field_of_action").GetInt32());
        Assert.Equal("Nachher", New(3, "title").GetString());
        Assert.Equal(4, New(3, "field_of_action").GetInt32());
        Assert.Equal("IMPLEMENTED", New(4, "status").GetString());
        Assert.Equal(100, New(4, "progress_percent").GetInt32());
        Assert.Equal("2024-12-31", New(4, "effective_date").GetString());
        Assert.Equal("fertig", New(4, "note").GetString());
        Assert.Equal(times[5], New(5, "retire_time").GetDateTime().ToUniversalTime());
    }

    [Fact]
    public async Task Audit_records_can_be_filtered_by_resource_subject_and_time()
    {
        var slice = await NewSliceAsync();
        var alice = Unique("alice");
        var bob = Unique("bob");
        var asAlice = As(alice, [Roles.Coordinator]);
        var asBob = As(bob, [Roles.Coordinator]);

        var t1 = Advance(TimeSpan.FromSeconds(7));
        var m1 = await asAlice.CreateMeasureAsync(new CreateMeasureRequest { Measure = Draft(slice) });
        var t2 = Advance(TimeSpan.FromSeconds(7));
        await asBob.UpdateMeasureAsync(new UpdateMeasureRequest { Measure = new Measure { Name = m1.Name, Title = "Bob" }, UpdateMask = new FieldMask { Paths = { "title" } } });
        var t3 = Advance(TimeSpan.FromSeconds(7));
        var m2 = await asAlice.CreateMeasureAsync(new CreateMeasureRequest { Measure = Draft(slice) });
        var t4 = Advance(TimeSpan.FromSeconds(7));
        var e2 = await RecordAsync(m2.Name, MeasureStatus.InProgress, 10, D(2025, 1, 1), client: asBob);

        async Task<List<(string Subject, string Resource, DateTime Time)>> Q(string filter) =>
            (await AuditAsync(filter)).Select(r => (r.Subject, r.Resource, r.Time.ToDateTime())).ToList();

        Assert.Equal([(alice, m1.Name, t1), (bob, m1.Name, t2)], await Q($"resource = \"{m1.Name}\""));
        Assert.Equal([(alice, m1.Name, t1), (alice, m2.Name, t3)], await Q($"subject = \"{alice}\""));
        Assert.Equal([(bob, m1.Name, t2), (bob, e2.Name, t4)], await Q($"subject = {bob}"));
        Assert.Equal([(alice, m2.Name, t3)], await Q($"subject = \"{alice}\" AND resource != \"{m1.Name}\""));
        Assert.Equal([(bob, e2.Name, t4)], await Q($"subject = \"{bob}\" AND time > \"{Rfc3339(t2)}\""));
        Assert.Equal([(bob, m1.Name, t2), (bob, e2.Name, t4)], await Q($"subject = \"{bob}\" AND time >= \"{Rfc3339(t2)}\""));
        Assert.Equal([(alice, m1.Name, t1)], await Q($"subject = \"{alice}\" AND time < \"{Rfc3339(t3)}\""));
        Assert.Equal([(alice, m2.Name, t3)], await Q($"subject = \"{alice}\" AND time >= \"{Rfc3339(t2)}\" AND time <= \"{Rfc3339(t4)}\""));
        Assert.Equal([(alice, m2.Name, t3)], await Q($"subject = \"{alice}\" AND time = \"{Rfc3339(t3)}\""));
        // RFC 3339 with an offset means the same instant.
        var t3Berlin = new DateTimeOffset(t3).ToOffset(TimeSpan.FromHours(1)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture);
        Assert.Equal([(alice, m2.Name, t3)], await Q($"subject = \"{alice}\" AND time = \"{t3Berlin}\""));
        Assert.Empty(await Q($"subject = \"{alice}\" AND time > \"{Rfc3339(t4)}\""));
    }

    [Fact]
    public async Task Audit_records_page_without_gaps_or_duplicates()
    {
        var slice = await NewSliceAsync();
        var subject = Unique("pager");
        var client = As(subject, [Roles.Coordinator]);
        var resources = new List<string>();
        for (var i = 0; i < 7; i++) resources.Add((await client.CreateMeasureAsync(new CreateMeasureRequest { Measure = Draft(slice) })).Name);

        var filter = $"subject = \"{subject}\"";
        var (seen, sizes) = await PagesAsync<AuditRecord>(async token =>
        {
            var page = await Admin.ListAuditRecordsAsync(new ListAuditRecordsRequest { Filter = filter, PageSize = 3, PageToken = token });
            if (page.NextPageToken != "")
            {
                var foreign = new ListAuditRecordsRequest { Filter = "subject = \"someone-else\"", PageSize = 3, PageToken = page.NextPageToken };
                await Rpc.InvalidAsync(() => Admin.ListAuditRecordsAsync(foreign), "page_token");
            }
            return (page.AuditRecords, page.NextPageToken);
        });

        Assert.Equal([3, 3, 1], sizes);
        Assert.Equal(resources, seen.Select(r => r.Resource));
        Assert.Equal(await AuditAsync(filter), seen);
    }

    [Theory]
    [InlineData("who = \"x\"")]
    [InlineData("time >= \"yesterday\"")]
    [InlineData("resource > \"measures/1\"")]
    [InlineData("subject <= x")]
    [InlineData("subject =")]
    [InlineData("resource = x OR resource = y")]
    public async Task A_malformed_audit_filter_is_INVALID_ARGUMENT_naming_filter(string filter)
    {
        await Rpc.InvalidAsync(() => Admin.ListAuditRecordsAsync(new ListAuditRecordsRequest { Filter = filter }), "filter");
    }
}

public sealed class SqliteAuditTests(SqliteFixture fixture) : AuditTests(fixture), IClassFixture<SqliteFixture>;

public sealed class SqlServerAuditTests(SqlServerFixture fixture) : AuditTests(fixture), IClassFixture<SqlServerFixture>;
