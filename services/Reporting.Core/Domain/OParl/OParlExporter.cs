using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace IntegrationServices.Reporting.Core.Domain.OParl;

/// <summary>A cycle's paper as OParl 1.1 JSON: the Paper with its Consultations, one Meeting per consultation, the Organizations they reference.</summary>
public sealed record OParlExport(string PaperJson, IReadOnlyList<string> MeetingsJson, IReadOnlyList<string> OrganizationsJson);

/// <summary>The same objects as <see cref="OParlExport"/>, as JSON nodes (for the HTTP endpoint, which serves them one by one).</summary>
public sealed record OParlObjects(JsonObject Paper, IReadOnlyList<JsonObject> Meetings, IReadOnlyList<JsonObject> Organizations);

/// <summary>
/// A cycle's paper as OParl 1.1 objects with the ids of <see cref="OParlIds"/> (the URLs the HTTP
/// endpoint serves them at): one Meeting per consultation, whose AgendaItem carries <c>public</c> and
/// <c>result</c>; organizations by the slug of their name. A meeting date becomes the Meeting's
/// <c>start</c> at 00:00 Europe/Berlin (the time of day is not recorded). The result of a non-public
/// consultation is never exported. Once the cycle has a snapshot, its rendered report is the Paper's
/// <c>mainFile</c> (HTML) and <c>auxiliaryFile</c> (XLSX).
/// </summary>
public sealed class OParlExporter(IOptions<OParlOptions> options)
{
    public const string XlsxMimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static readonly JsonSerializerOptions Json = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };

    public OParlIds Ids { get; } = new(options.Value);

    /// <summary>Only a cycle whose paper has a reference can be exported: OParl identifies a Paper by it.</summary>
    public static bool CanExport(Cycle cycle) => cycle.Paper?.Reference is not null;

    public OParlExport Export(Cycle cycle)
    {
        var objects = Objects(cycle);
        return new OParlExport(objects.Paper.ToJsonString(Json), objects.Meetings.Select(m => m.ToJsonString(Json)).ToList(),
            objects.Organizations.Select(o => o.ToJsonString(Json)).ToList());
    }

    public OParlObjects Objects(Cycle cycle)
    {
        if (!CanExport(cycle) || cycle.Paper is not { } paper)
            throw new ArgumentException($"{cycle.Name} has no council paper reference to export.", nameof(cycle));
        var paperId = Ids.Paper(cycle.Id);
        var body = Ids.Body;
        var organizations = new Dictionary<string, JsonObject>(StringComparer.Ordinal);

        string OrganizationUrl(string nameOrUrl)
        {
            if (OParlSchema.IsUrl(nameOrUrl)) return nameOrUrl;
            var url = Ids.Organization(Slug(nameOrUrl));
            // Two names with the same slug ("A-B", "A B") must not share an id.
            if (organizations.TryGetValue(url, out var taken) && (string?)taken["name"] != nameOrUrl)
                url += "-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(nameOrUrl)))[..8];
            organizations.TryAdd(url, new JsonObject
            {
                ["id"] = url,
                ["type"] = OParlSchema.Organization,
                ["body"] = body,
                ["name"] = nameOrUrl,
            });
            return url;
        }

        var paperJson = new JsonObject
        {
            ["id"] = paperId,
            ["type"] = OParlSchema.Paper,
            ["body"] = body,
            ["name"] = paper.Title ?? cycle.Title,
            ["reference"] = paper.Reference,
        };
        if (paper.Date is { } date) paperJson["date"] = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (paper.PaperType is not null) paperJson["paperType"] = paper.PaperType;
        if (paper.UnderDirectionOf is not null) paperJson["underDirectionOf"] = new JsonArray(OrganizationUrl(paper.UnderDirectionOf));
        if (cycle.Snapshot is not null)
        {
            paperJson["mainFile"] = ReportFile(cycle, "html", "text/html", "Bericht");
            paperJson["auxiliaryFile"] = new JsonArray(ReportFile(cycle, "xlsx", XlsxMimeType, "Bericht als Excel-Tabelle"));
        }

        var consultations = new JsonArray();
        var meetings = new List<JsonObject>();
        foreach (var c in cycle.Consultations)
        {
            var consultationId = Ids.Consultation(cycle.Id, c.Order);
            var meetingId = Ids.Meeting(cycle.Id, c.Order);
            var agendaItemId = Ids.AgendaItem(cycle.Id, c.Order);
            var organization = OrganizationUrl(c.Organization);
            var consultation = new JsonObject
            {
                ["id"] = consultationId,
                ["type"] = OParlSchema.Consultation,
                ["paper"] = paperId,
                ["agendaItem"] = agendaItemId,
                ["meeting"] = meetingId,
                ["organization"] = new JsonArray(organization),
                ["authoritative"] = c.Authoritative,
            };
            var role = OParlSchema.RoleText(c.Role);
            if (role.Length > 0) consultation["role"] = role;
            consultations.Add(consultation);

            var agendaItem = new JsonObject
            {
                ["id"] = agendaItemId,
                ["type"] = OParlSchema.AgendaItem,
                ["meeting"] = meetingId,
                ["number"] = c.Order.ToString(CultureInfo.InvariantCulture),
                // Required by the schema: the item's position in its Meeting's agendaItem list, which holds only it.
                ["order"] = 0,
                ["name"] = paper.Title ?? cycle.Title,
                ["public"] = c.Public,
                ["consultation"] = consultationId,
            };
            // Never the result of a non-public consultation.
            if (c.Public && c.HasResult) agendaItem["result"] = c.Result;
            var meeting = new JsonObject
            {
                ["id"] = meetingId,
                ["type"] = OParlSchema.Meeting,
                ["name"] = OParlSchema.IsUrl(c.Organization) ? "Sitzung" : $"Sitzung: {c.Organization}",
            };
            if (c.MeetingDate is { } meetingDate) meeting["start"] = ReportingCalendar.StartOfDayIso(meetingDate);
            meeting["organization"] = new JsonArray(organization);
            meeting["agendaItem"] = new JsonArray(agendaItem);
            meetings.Add(meeting);
        }
        paperJson["consultation"] = consultations;
        paperJson["created"] = Iso(cycle.CreateTime);
        paperJson["modified"] = Iso(cycle.UpdateTime);

        return new OParlObjects(paperJson, meetings, organizations.Values.ToList());
    }

    /// <summary>The rendered report as an OParl File: its id resolves to this object, its URLs to the report itself.</summary>
    private JsonObject ReportFile(Cycle cycle, string extension, string mimeType, string name) => new()
    {
        ["id"] = Ids.File(cycle.Id, extension),
        ["type"] = OParlSchema.File,
        ["name"] = $"{name}: {cycle.Title}",
        ["fileName"] = $"bericht-{cycle.Id}.{extension}",
        ["mimeType"] = mimeType,
        ["accessUrl"] = Ids.Report(cycle.Id, extension),
        ["downloadUrl"] = Ids.Report(cycle.Id, extension),
        ["paper"] = new JsonArray(Ids.Paper(cycle.Id)),
    };

    private static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A stable URL segment for a name: "Ausschuss für Integrationsfragen" → "ausschuss-fuer-integrationsfragen".</summary>
    public static string Slug(string name)
    {
        var sb = new StringBuilder();
        foreach (var ch in name.Trim().ToLowerInvariant())
        {
            var piece = ch switch
            {
                'ä' => "ae",
                'ö' => "oe",
                'ü' => "ue",
                'ß' => "ss",
                _ when ch is >= 'a' and <= 'z' or >= '0' and <= '9' => ch.ToString(),
                _ => "-",
            };
            if (piece == "-" && (sb.Length == 0 || sb[^1] == '-')) continue;
            sb.Append(piece);
        }
        var slug = sb.ToString().Trim('-');
        return slug.Length == 0 ? "organization" : slug;
    }
}
