using Google.Protobuf.WellKnownTypes;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Measures.Storage;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Extensions.DependencyInjection;
using Date = Google.Type.Date;

namespace IntegrationServices.Measures.Tests.Infrastructure;

/// <summary>
/// The test bodies run against whichever database the fixture provides. Every test makes its own
/// units (and so its own slice of measures, selected with a responsible_unit filter), so tests of one
/// class share a host without depending on each other. The fake clock only ever moves forward.
/// </summary>
public abstract class MeasuresTestBase(MeasuresFixture fixture)
{
    public const string Domain = "integration.measures.v1";
    public const string Service = "/integration.measures.v1.MeasuresService/";

    /// <summary>Assertions on the service's errors (every ErrorInfo names its domain).</summary>
    protected static readonly RpcAssert Rpc = new(Domain);

    protected MeasuresFixture Fixture => fixture;

    /// <summary>The running host; skips the test when the fixture cannot run here.</summary>
    protected TestHost Host
    {
        get
        {
            if (fixture.Host is null) Assert.Skip(fixture.SkipReason ?? "the fixture did not start");
            return fixture.Host!;
        }
    }

    protected MeasuresClient Admin => Client("admin", Who.Admin);
    protected MeasuresClient Coordinator => Client("coordinator", Who.Coordinator);
    protected MeasuresClient Reader => Client("reader", Who.Reader);
    protected MeasuresClient Worker => Client("worker", Who.Worker);
    protected MeasuresClient Anonymous => Client("anonymous", null);

    protected MeasuresClient Client(string key, string? token)
    {
        _ = Host;
        return fixture.Client(key, () => token);
    }

    protected MeasuresClient As(string subject, string[] roles, string[]? units = null) =>
        Client($"{subject}|{string.Join(',', roles)}|{string.Join(',', units ?? [])}", TestTokens.For(roles, units, subject: subject, name: subject));

    protected DateTime Now => Host.Clock.GetUtcNow().UtcDateTime;

    protected Timestamp NowStamp => Timestamp.FromDateTime(Now);

    protected static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    protected static FieldMask Mask(params string[] paths)
    {
        var mask = new FieldMask();
        mask.Paths.AddRange(paths);
        return mask;
    }

    /// <summary>Moves the fake clock forward (never back: record times must keep their order).</summary>
    protected DateTime Advance(TimeSpan by)
    {
        Host.Clock.Advance(by);
        return Now;
    }

    // ---- catalogue helpers -------------------------------------------------------------------------

    protected async Task<OrganizationalUnit> NewUnitAsync(string? parent = null, string? id = null, string? title = null) =>
        await Admin.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest
        {
            OrganizationalUnitId = id ?? Unique("u"),
            OrganizationalUnit = new OrganizationalUnit { Title = title ?? "Testeinheit", Parent = parent ?? "" },
        });

    protected async Task<ActionConcept> NewConceptAsync(string? id = null) =>
        await Admin.CreateActionConceptAsync(new CreateActionConceptRequest
        {
            ActionConceptId = id ?? Unique("c"),
            ActionConcept = new ActionConcept { Title = "Testkonzept", AdoptedOn = D(2016, 1, 1), CouncilPaper = "16-00001" },
        });

    /// <summary>A unit with a concept of its own: the slice of measures a test works on.</summary>
    protected async Task<Slice> NewSliceAsync()
    {
        var unit = await NewUnitAsync();
        var concept = await NewConceptAsync();
        return new Slice(unit.Name, concept.Name);
    }

    protected static Measure Draft(Slice slice, int field = 1, string? code = null, string? title = null, Date? adopted = null, string parent = "") => new()
    {
        Code = code ?? Unique("T"),
        Title = title ?? "Testmaßnahme",
        Description = "Eine Maßnahme für Tests.",
        ActionConcept = slice.Concept,
        FieldOfAction = field,
        ResponsibleUnit = slice.Unit,
        Parent = parent,
        AdoptedOn = adopted ?? D(2016, 1, 1),
    };

    protected async Task<Measure> CreateAsync(Measure draft, string? requestId = null) =>
        await Admin.CreateMeasureAsync(new CreateMeasureRequest { Measure = draft, RequestId = requestId ?? "" });

    protected async Task<Measure> CreateAsync(Slice slice, int field = 1, string? code = null, string? title = null, Date? adopted = null, string parent = "") =>
        await CreateAsync(Draft(slice, field, code, title, adopted, parent));

    protected async Task<StatusEvent> RecordAsync(string measure, MeasureStatus status, int progress, Date effective, string note = "", MeasuresClient? client = null) =>
        await (client ?? Admin).RecordStatusAsync(new RecordStatusRequest
        {
            Parent = measure, Status = status, ProgressPercent = progress, EffectiveDate = effective, Note = note,
        });

    /// <summary>
    /// Many measures at once through the service's administrative (repository) path, in one transaction
    /// recorded now: the way historical data is migrated, and far quicker than one CreateMeasure each.
    /// </summary>
    protected async Task BulkInsertAsync(int count, Func<int, MeasureFields> measure)
    {
        var database = Host.Services.GetRequiredService<Database>();
        var repository = Host.Services.GetRequiredService<MeasureRepository>();
        await database.WriteAsync(async db =>
        {
            for (var i = 0; i < count; i++)
                await repository.InsertAsync(db, measure(i), Now, "bulk-test", CancellationToken.None);
        }, CancellationToken.None);
    }

    /// <summary>The id of a resource name ("units/50" → "50").</summary>
    protected static string IdOf(string name) => name[(name.IndexOf('/') + 1)..];

    protected static string UnitFilter(Slice slice) => $"responsible_unit = \"{slice.Unit}\"";

    /// <summary>
    /// Every page of a list method from <paramref name="token"/> on (the first page by default;
    /// <paramref name="page"/> reads the page of a token): the items in order and each page's size. Checks
    /// the token protocol on the way: the listing ends with an empty token, and every page before the last
    /// carries items.
    /// </summary>
    protected static async Task<(List<T> Items, List<int> Sizes)> PagesAsync<T>(
        Func<string, Task<(IReadOnlyList<T> Items, string NextPageToken)>> page, string token = "")
    {
        var items = new List<T>();
        var sizes = new List<int>();
        do
        {
            var (rows, next) = await page(token);
            items.AddRange(rows);
            sizes.Add(rows.Count);
            Assert.True(sizes.Count < 10_000, "paging does not end");
            if (next != "") Assert.NotEmpty(rows);
            token = next;
        } while (token != "");
        return (items, sizes);
    }

    /// <summary>Every page of ListMeasures.</summary>
    protected async Task<List<Measure>> ListAllAsync(ListMeasuresRequest request, MeasuresClient? client = null) =>
        (await PagesAsync<Measure>(async token =>
        {
            var page = await (client ?? Admin).ListMeasuresAsync(new ListMeasuresRequest(request) { PageToken = token });
            return (page.Measures, page.NextPageToken);
        }, request.PageToken)).Items;

    protected async Task<List<Measure>> StreamAllAsync(StreamMeasuresRequest request, MeasuresClient? client = null)
    {
        using var call = (client ?? Admin).StreamMeasures(request);
        var all = new List<Measure>();
        await foreach (var m in call.ResponseStream.ReadAllAsync()) all.Add(m);
        return all;
    }

    protected async Task<List<AuditRecord>> AuditAsync(string filter) =>
        (await PagesAsync<AuditRecord>(async token =>
        {
            var page = await Admin.ListAuditRecordsAsync(new ListAuditRecordsRequest { Filter = filter, PageSize = 1000, PageToken = token });
            return (page.AuditRecords, page.NextPageToken);
        })).Items;

    protected Task<List<AuditRecord>> AuditOfAsync(string resource) => AuditAsync($"resource = \"{resource}\"");
}

/// <summary>A test's own unit and action concept.</summary>
public sealed record Slice(string Unit, string Concept);
