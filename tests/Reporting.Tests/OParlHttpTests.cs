using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.Reporting.Core.Domain.Reports;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Suite;
using IntegrationServices.Testing;
using Microsoft.Extensions.Time.Testing;
using static IntegrationServices.Testing.Dates;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;

namespace IntegrationServices.Reporting.Tests;

/// <summary>
/// The Reporting component with the Suite's demo cycles (the real 2018 paper, snapshot taken, a secret
/// result recorded for its non-public session) and cycles around the publication rule, on a fake clock
/// (today 2026-11-25 in Berlin). Pages of two objects, so that every list pages.
/// </summary>
public sealed class OParlHost : IAsyncLifetime
{
    public const string Base = "http://localhost/oparl/v1";
    public const string Secret = "vertraulich: nur für den Verwaltungsausschuss";
    public static readonly DateOnly Today = new(2026, 11, 25);

    public TestHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Host = await TestHost.StartAsync(SuiteComponents.Reporting, new Dictionary<string, string?>
        {
            ["OParl:BaseUrl"] = Base,
            ["OParl:PageSize"] = "2",
        });
        await ReportingDemoData.SeedAsync(Host.Services, CancellationToken.None);
        await ReportingHost.TrySnapshotAsync(Host, "reportingCycles/2018");
        var cycles = Client;
        var va = (await cycles.GetReportingCycleAsync(new GetReportingCycleRequest { Name = "reportingCycles/2018" }))
            .Consultations.Single(c => !c.Public);
        await cycles.RecordConsultationResultAsync(new RecordConsultationResultRequest { Name = "reportingCycles/2018", Order = va.Order, Result = Secret });

        await CreateAsync("earlier", paperDate: new DateOnly(2020, 5, 5)); // published, no snapshot
        await CreateAsync("due-today", paperDate: Today); // public only from tomorrow
        await CreateAsync("tomorrow", paperDate: Today.AddDays(1));
        var cancelled = await CreateAsync("cancelled", paperDate: new DateOnly(2019, 5, 5));
        await cycles.CancelReportingCycleAsync(new CancelReportingCycleRequest { Name = cancelled.Name });
    }

    public ReportingCyclesService.ReportingCyclesServiceClient Client => new(Host.As(Roles.Coordinator));

    private static int _cycles;

    public Task<ReportingCycle> CreateAsync(string id, DateOnly paperDate, string reference = "20-00001")
    {
        var referenceDate = new DateOnly(2001, 1, 1).AddDays(Interlocked.Increment(ref _cycles));
        var cycle = Cycles.Cycle(referenceDate, consultations: 3, title: $"Zyklus {id}");
        cycle.Paper.Reference = reference;
        cycle.Paper.Date = D(paperDate);
        return Client.CreateReportingCycleAsync(new CreateReportingCycleRequest { ReportingCycle = cycle, ReportingCycleId = id }).ResponseAsync;
    }

    /// <summary>No token at all: what a council information system or a citizen's browser sends.</summary>
    public HttpClient Anonymous() => Host.Http();

    public HttpClient Reader()
    {
        var http = Host.Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For([Roles.Reader]));
        return http;
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

public sealed class OParlHttpTests(OParlHost fixture, ITestOutputHelper output) : IClassFixture<OParlHost>
{
    private static readonly string[] FetchedPapers = ["2018", "earlier"];
    private static readonly string[] LinkedReports = ["http://localhost/reports/2018.html", "http://localhost/reports/2018.xlsx"];

    private const string Base = OParlHost.Base;

    private static async Task<JsonObject> GetJsonAsync(HttpClient http, string url)
    {
        var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Every URL in a JSON value, whatever property holds it (but <c>type</c> and <c>oparlVersion</c>, which name schemas).</summary>
    private static IEnumerable<string> Urls(JsonNode? node) => node switch
    {
        JsonObject o => o.Where(p => p.Key is not ("type" or "oparlVersion")).SelectMany(p => Urls(p.Value)),
        JsonArray a => a.SelectMany(Urls),
        JsonValue v when v.TryGetValue<string>(out var s) && s.StartsWith("http", StringComparison.Ordinal) => [s],
        _ => [],
    };

    /// <summary>Every object with an id inside a JSON value (embedded ones), the value itself excluded.</summary>
    private static IEnumerable<JsonObject> Embedded(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Value is JsonObject child && child["id"] is not null ? [child, .. Embedded(child)] : Embedded(p.Value)),
        JsonArray a => a.SelectMany(item => item is JsonObject child && child["id"] is not null ? [child, .. Embedded(child)] : Embedded(item)),
        _ => [],
    };

    [Fact]
    public async Task Every_link_from_system_resolves_to_itself_validates_against_OParl_1_1_and_lists_page()
    {
        using var http = fixture.Anonymous();
        var queue = new Queue<string>([$"{Base}/system"]);
        var seen = new HashSet<string>(StringComparer.Ordinal) { $"{Base}/system" };
        var fetched = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var embedded = new List<JsonObject>();
        var lists = new Dictionary<string, List<JsonObject>>(StringComparer.Ordinal); // list URL (page 1) → its pages
        var reports = new List<string>();
        var violations = new List<string>();

        while (queue.TryDequeue(out var url))
        {
            if (!url.StartsWith(Base + "/", StringComparison.Ordinal))
            {
                reports.Add(url);
                continue;
            }
            var o = await GetJsonAsync(http, url);
            Assert.DoesNotContain(OParlHost.Secret, o.ToJsonString());
            if (o["data"] is JsonArray data)
            {
                // An external list page: its objects are validated like fetched ones, and must resolve to themselves.
                Assert.NotNull(o["pagination"]);
                Assert.Equal(url, (string?)o["links"]!["self"]);
                lists.TryAdd((string)o["links"]!["first"]!, []);
                lists[(string)o["links"]!["first"]!].Add(o);
                foreach (var item in data.Cast<JsonObject>()) { violations.AddRange(OParlSchemas.Violations(item, url)); embedded.Add(item); }
            }
            else
            {
                Assert.Equal(url, (string?)o["id"]); // the id is the URL it was fetched from
                fetched[url] = o;
                violations.AddRange(OParlSchemas.Violations(o, url));
            }
            embedded.AddRange(Embedded(o));
            foreach (var link in Urls(o).Where(seen.Add)) queue.Enqueue(link);
        }
        foreach (var v in violations) output.WriteLine(v);
        Assert.Empty(violations);

        // Every object met inside another (list entries, consultations, agenda items, files) is the one its id serves.
        foreach (var o in embedded)
        {
            var id = (string)o["id"]!;
            Assert.True(fetched.TryGetValue(id, out var served), $"{id} was never served");
            Assert.True(JsonNode.DeepEquals(o, served), $"{id} differs where it is embedded");
        }

        // The walk met everything that is public, and nothing that is not.
        Assert.Equal(FetchedPapers, fetched.Keys.Where(k => k.StartsWith($"{Base}/papers/", StringComparison.Ordinal)).Select(k => k[$"{Base}/papers/".Length..]).Order());
        Assert.Equal(9 + 3, fetched.Keys.Count(k => k.StartsWith($"{Base}/meetings/", StringComparison.Ordinal)));
        Assert.Equal(9 + 3, fetched.Keys.Count(k => k.StartsWith($"{Base}/consultations/", StringComparison.Ordinal)));
        Assert.Equal(9 + 3, fetched.Keys.Count(k => k.StartsWith($"{Base}/agendaItems/", StringComparison.Ordinal)));
        Assert.Contains($"{Base}/organizations/verwaltungsausschuss", fetched.Keys);
        Assert.Contains($"{Base}/bodies/braunschweig", fetched.Keys);
        Assert.DoesNotContain(seen, u => u.Contains("due-today") || u.Contains("tomorrow") || u.Contains("cancelled"));

        // Lists page by links.next: every page was reached, and together they hold each object once.
        foreach (var (first, reached) in lists)
        {
            var pages = reached.OrderBy(p => (int)p["pagination"]!["currentPage"]!).ToList();
            var pagination = pages[0]["pagination"]!;
            var total = (int)pagination["totalElements"]!;
            Assert.Equal((int)pagination["totalPages"]!, pages.Count);
            var ids = pages.SelectMany(p => p["data"]!.AsArray().Select(d => (string)d!["id"]!)).ToList();
            Assert.Equal(total, ids.Distinct().Count());
            Assert.Equal(total, ids.Count);
            Assert.All(pages, p => Assert.Equal(p == pages[^1], p["links"]!["next"] is null));
        }
        Assert.Equal(6, lists[$"{Base}/bodies/braunschweig/meetings"].Count); // 12 meetings, 2 a page
        Assert.Equal(0, (int)lists[$"{Base}/bodies/braunschweig/people"][0]["pagination"]!["totalElements"]!);

        // The report is the paper's document: HTML as mainFile, XLSX as auxiliaryFile, both readable without a token.
        var paper = fetched[$"{Base}/papers/2018"];
        Assert.Equal("text/html", (string?)paper["mainFile"]!["mimeType"]);
        Assert.Equal("http://localhost/reports/2018.html", (string?)paper["mainFile"]!["accessUrl"]);
        Assert.Equal("http://localhost/reports/2018.html", (string?)paper["mainFile"]!["downloadUrl"]);
        var xlsx = paper["auxiliaryFile"]![0]!;
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (string?)xlsx["mimeType"]);
        Assert.Equal("http://localhost/reports/2018.xlsx", (string?)xlsx["accessUrl"]);
        Assert.Null(fetched[$"{Base}/papers/earlier"]["mainFile"]); // no snapshot, no report
        Assert.Equal(LinkedReports, reports.Order());
        foreach (var report in reports)
        {
            var response = await http.GetAsync(report);
            // The XLSX renderer comes from another branch (issue 16, item 4): until it is merged, .xlsx is a
            // format this build does not know, and only that answer is accepted for it.
            if (report.EndsWith(".xlsx", StringComparison.Ordinal) && !ReportRenderer.Extensions.ContainsKey("xlsx"))
            {
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                continue;
            }
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var html = await http.GetAsync("http://localhost/reports/2018.html");
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ExportOParl_gives_the_objects_the_endpoint_serves()
    {
        var export = await fixture.Client.ExportOParlAsync(new ExportOParlRequest { Name = "reportingCycles/2018" });
        using var http = fixture.Anonymous();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(export.PaperJson), await GetJsonAsync(http, $"{Base}/papers/2018")));
        foreach (var json in export.MeetingsJson.Concat(export.OrganizationsJson))
        {
            var o = JsonNode.Parse(json)!;
            Assert.True(JsonNode.DeepEquals(o, await GetJsonAsync(http, (string)o["id"]!)));
        }
    }

    [Fact]
    public async Task Papers_not_yet_public_are_not_served_and_their_reports_need_a_token()
    {
        using var anonymous = fixture.Anonymous();
        foreach (var id in new[] { "due-today", "tomorrow", "cancelled", "unknown" })
        {
            foreach (var path in new[] { $"papers/{id}", $"meetings/{id}-1", $"consultations/{id}-1", $"agendaItems/{id}-1", $"files/{id}.html" })
            {
                var problem = await SnapshotsServiceTests.ProblemAsync(await anonymous.GetAsync($"{Base}/{path}"), HttpStatusCode.NotFound);
                Assert.Equal("There is no public OParl object at this URL.", problem.Detail);
            }
            // Existence is not revealed: the same answer for an unknown cycle as for a known one.
            await SnapshotsServiceTests.ProblemAsync(await anonymous.GetAsync($"/reports/{id}.html"), HttpStatusCode.Unauthorized);
        }
        using var reader = fixture.Reader();
        await SnapshotsServiceTests.ProblemAsync(await reader.GetAsync("/reports/due-today.html"), HttpStatusCode.NotFound); // no snapshot yet
    }

    [Fact]
    public async Task A_report_becomes_anonymous_the_day_after_its_papers_date_in_Berlin()
    {
        // Paper 18-08576 is dated 2018-08-02: public from 2018-08-03 00:00 Berlin (22:00 UTC the day before, summer time).
        var clock = new FakeTimeProvider(new DateTimeOffset(2018, 8, 2, 21, 59, 59, TimeSpan.Zero));
        await using var host = await TestHost.StartAsync(SuiteComponents.Reporting, new Dictionary<string, string?> { ["OParl:BaseUrl"] = Base }, clock);
        await ReportingDemoData.SeedAsync(host.Services, CancellationToken.None);
        Assert.Equal(Outcome.Succeeded, await ReportingHost.TrySnapshotAsync(host, "reportingCycles/2018"));
        using var anonymous = host.Http();

        await SnapshotsServiceTests.ProblemAsync(await anonymous.GetAsync("/reports/2018.html"), HttpStatusCode.Unauthorized);
        await SnapshotsServiceTests.ProblemAsync(await anonymous.GetAsync($"{Base}/papers/2018"), HttpStatusCode.NotFound);
        Assert.Equal(0, (int)(await GetJsonAsync(anonymous, $"{Base}/bodies/braunschweig/papers"))["pagination"]!["totalElements"]!);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/reports/2018.html")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/reports/2018.md")).StatusCode);
        Assert.Equal($"{Base}/papers/2018", (string?)(await GetJsonAsync(anonymous, $"{Base}/papers/2018"))["id"]);
    }

    [Fact]
    public async Task Page_numbers_are_checked()
    {
        using var http = fixture.Anonymous();
        foreach (var page in new[] { "0", "-1", "x", "1.5", "1&page=2", "99999999999" })
        {
            var problem = await SnapshotsServiceTests.ProblemAsync(await http.GetAsync($"{Base}/bodies/braunschweig/meetings?page={page}"), HttpStatusCode.BadRequest);
            Assert.Equal("page", Assert.Single(problem.FieldViolations!).Field);
        }
        await SnapshotsServiceTests.ProblemAsync(await http.GetAsync($"{Base}/bodies/braunschweig/meetings?page=7"), HttpStatusCode.NotFound);
        await SnapshotsServiceTests.ProblemAsync(await http.GetAsync($"{Base}/bodies/other"), HttpStatusCode.NotFound);
        await SnapshotsServiceTests.ProblemAsync(await http.GetAsync($"{Base}/bodies/braunschweig/secrets"), HttpStatusCode.NotFound);
        await SnapshotsServiceTests.ProblemAsync(await http.GetAsync($"{Base}/meetings/2018-0"), HttpStatusCode.NotFound);
        await SnapshotsServiceTests.ProblemAsync(await http.GetAsync($"{Base}/meetings/2018"), HttpStatusCode.NotFound);
        await SnapshotsServiceTests.ProblemAsync(await http.GetAsync($"{Base}/files/2018.exe"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task OParl_Enabled_false_turns_the_endpoint_off()
    {
        await using var host = await TestHost.StartAsync(SuiteComponents.Reporting, new Dictionary<string, string?>
        {
            ["OParl:BaseUrl"] = Base,
            ["OParl:Enabled"] = "false",
        });
        using var http = host.Http();
        foreach (var path in new[] { "system", "bodies", "bodies/braunschweig/papers" })
            await SnapshotsServiceTests.ProblemAsync(await http.GetAsync($"{Base}/{path}"), HttpStatusCode.NotFound);
    }
}
