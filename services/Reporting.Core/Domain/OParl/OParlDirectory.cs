using System.Globalization;
using System.Text.Json.Nodes;

namespace IntegrationServices.Reporting.Core.Domain.OParl;

/// <summary>
/// The public OParl objects of a set of published cycles: System, the one Body, the external lists
/// (papers, meetings, organizations, people) page by page, and every object by its id. Pure: the
/// caller decides which cycles are public (<see cref="OParlPublication"/>).
/// </summary>
public sealed class OParlDirectory
{
    private readonly OParlIds _ids;
    private readonly OParlOptions _options;
    private readonly Dictionary<string, JsonObject> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<JsonObject>> _lists = new(StringComparer.Ordinal)
    {
        [OParlIds.Papers] = [],
        [OParlIds.Meetings] = [],
        [OParlIds.Organizations] = [],
        [OParlIds.People] = [],
    };

    /// <summary>The objects of <paramref name="published"/> (public cycles only), listed in cycle id order.</summary>
    public OParlDirectory(OParlExporter exporter, OParlOptions options, IEnumerable<Cycle> published)
    {
        _ids = exporter.Ids;
        _options = options;
        foreach (var cycle in published.OrderBy(c => c.Id, StringComparer.Ordinal))
        {
            var objects = exporter.Objects(cycle);
            Add(OParlIds.Papers, objects.Paper);
            foreach (var meeting in objects.Meetings) Add(OParlIds.Meetings, meeting);
            // An organization named by several papers is one object: the first paper's copy stands.
            foreach (var organization in objects.Organizations) Add(OParlIds.Organizations, organization);
        }
    }

    public JsonObject System => new()
    {
        ["id"] = _ids.System,
        ["type"] = OParlSchema.System,
        ["oparlVersion"] = OParlSchema.Version,
        ["name"] = $"Integrationsplanung – {_options.BodyName}",
        ["body"] = _ids.Bodies,
    };

    public JsonObject Body => new()
    {
        ["id"] = _ids.Body,
        ["type"] = OParlSchema.Body,
        ["system"] = _ids.System,
        ["name"] = _options.BodyName,
        ["organization"] = _ids.BodyList(OParlIds.Organizations),
        ["person"] = _ids.BodyList(OParlIds.People),
        ["meeting"] = _ids.BodyList(OParlIds.Meetings),
        ["paper"] = _ids.BodyList(OParlIds.Papers),
        ["legislativeTerm"] = new JsonArray(),
    };

    /// <summary>The object with this id (also one embedded in another: a Consultation, an AgendaItem, a File), or null.</summary>
    public JsonObject? Find(string id) => _byId.GetValueOrDefault(id);

    public static bool IsList(string list) => list is OParlIds.Papers or OParlIds.Meetings or OParlIds.Organizations or OParlIds.People;

    /// <summary>Page <paramref name="page"/> (from 1) of one of the body's lists; null past the last page.</summary>
    public JsonObject? List(string list, int page) => Page(_ids.BodyList(list), _lists[list], page, _options.PageSize);

    /// <summary>The external list of bodies: the one body.</summary>
    public JsonObject? Bodies(int page) => Page(_ids.Bodies, [Body], page, _options.PageSize);

    /// <summary>
    /// An OParl external list: <c>data</c>, <c>pagination</c> and <c>links</c> (<c>next</c> while more
    /// pages follow). The first page always exists, even when empty.
    /// </summary>
    private static JsonObject? Page(string url, List<JsonObject> items, int page, int size)
    {
        var pages = Math.Max(1, (items.Count + size - 1) / size);
        if (page < 1 || page > pages) return null;
        string PageUrl(int p) => p == 1 ? url : $"{url}?page={p.ToString(CultureInfo.InvariantCulture)}";
        var links = new JsonObject { ["first"] = PageUrl(1) };
        if (page > 1) links["prev"] = PageUrl(page - 1);
        if (page < pages) links["next"] = PageUrl(page + 1);
        links["last"] = PageUrl(pages);
        links["self"] = PageUrl(page);
        return new JsonObject
        {
            ["data"] = new JsonArray(items.Skip((page - 1) * size).Take(size).Select(o => (JsonNode)o.DeepClone()).ToArray()),
            ["pagination"] = new JsonObject
            {
                ["totalElements"] = items.Count,
                ["elementsPerPage"] = size,
                ["currentPage"] = page,
                ["totalPages"] = pages,
            },
            ["links"] = links,
        };
    }

    private void Add(string list, JsonObject item)
    {
        if (_byId.ContainsKey((string)item["id"]!)) return;
        _lists[list].Add(item);
        Index(item);
    }

    /// <summary>Every object by its id, embedded ones (consultations, agenda items, files) too.</summary>
    private void Index(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            if (o["id"] is JsonValue id && o["type"] is not null) _byId.TryAdd((string)id!, o);
            foreach (var (_, value) in o) Index(value);
        }
        else if (node is JsonArray a)
            foreach (var item in a) Index(item);
    }
}
