using System.Globalization;
using System.Text.Json;
using IntegrationServices.ServiceDefaults.Api;
using Role = IntegrationServices.Contracts.Reporting.V1.Consultation.Types.Role;

namespace IntegrationServices.Reporting.Core.Domain.OParl;

/// <summary>
/// Reads an OParl 1.1 Paper (with embedded Consultations) and, optionally, the Meetings and
/// Organizations they reference, into a paper and a Beratungsfolge. Only what the objects say is
/// taken: without the Meeting, a consultation has no date (and counts as non-public); without the
/// Organization, its URL stands for the committee. Fields not modelled are ignored.
/// </summary>
public static class OParlImporter
{
    public sealed record Result(Paper Paper, string PaperName, IReadOnlyList<ConsultationEntry> Consultations);

    /// <summary>
    /// The paper and its Beratungsfolge; every problem goes to <paramref name="v"/> as a violation on the
    /// request field it comes from (<c>paper_json…</c>, <c>meetings_json[…]</c>, <c>organizations_json[…]</c>).
    /// </summary>
    public static Result Read(string paperJson, IEnumerable<string> meetingsJson, IEnumerable<string> organizationsJson, Validator v)
    {
        var organizations = Objects(organizationsJson, "organizations_json", v);
        var meetings = Objects(meetingsJson, "meetings_json", v);
        var paper = Parse(paperJson, "paper_json", v);
        if (paper is null) return new Result(Paper.Empty, "", []);

        var type = Text(paper.Value, "type");
        if (type is not null && !type.EndsWith("/Paper", StringComparison.Ordinal))
            v.Add("paper_json.type", $"'{TextRules.Printable(type)}' is not an OParl Paper type ({OParlSchema.Paper})");
        var reference = Text(paper.Value, "reference");
        var name = Text(paper.Value, "name");
        if (string.IsNullOrWhiteSpace(reference)) v.Add("paper_json.reference", "is required (the paper's reference, e.g. \"18-08576\")");
        else v.Text(reference, "paper_json.reference", 64);
        if (string.IsNullOrWhiteSpace(name)) v.Add("paper_json.name", "is required (the paper's title)");
        else v.Text(name, "paper_json.name", 1000);
        var paperType = Text(paper.Value, "paperType");
        v.Text(paperType, "paper_json.paperType", 100, required: false);
        DateOnly? date = null;
        if (Text(paper.Value, "date") is { } dateText)
        {
            if (DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) date = d;
            else v.Add("paper_json.date", $"'{TextRules.Printable(dateText)}' is not a date (YYYY-MM-DD)");
        }
        var directing = Strings(paper.Value, "underDirectionOf").Select(url => OrganizationName(url, organizations)).ToList();
        var underDirectionOf = directing.Count == 0 ? null : string.Join("; ", directing);
        v.Text(underDirectionOf, "paper_json.underDirectionOf", 400, required: false);

        var consultations = new List<ConsultationEntry>();
        if (paper.Value.TryGetProperty("consultation", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array) v.Add("paper_json.consultation", "must be an array of Consultation objects");
            else
            {
                var i = 0;
                foreach (var item in list.EnumerateArray())
                {
                    var path = $"paper_json.consultation[{i}]";
                    i++;
                    if (item.ValueKind != JsonValueKind.Object) { v.Add(path, "must be an embedded Consultation object"); continue; }
                    consultations.Add(Consultation(item, i, path, meetings, organizations, v));
                }
            }
        }
        var result = new Paper(Blank(reference), Blank(paperType), Blank(name), underDirectionOf, date);
        return new Result(result, name?.Trim() ?? "", consultations);
    }

    private static ConsultationEntry Consultation(JsonElement item, int order, string path,
        Dictionary<string, JsonElement> meetings, IReadOnlyDictionary<string, JsonElement> organizations, Validator v)
    {
        var id = Text(item, "id");
        var meetingUrl = Text(item, "meeting");
        JsonElement? meeting = meetingUrl is not null && meetings.TryGetValue(meetingUrl, out var m) ? m : null;

        var organizationUrl = Strings(item, "organization").FirstOrDefault()
            ?? (meeting is { } mm ? Strings(mm, "organization").FirstOrDefault() : null);
        if (organizationUrl is null) v.Add($"{path}.organization", "is required (the committee's Organization URL)");
        var organization = organizationUrl is null ? "" : OrganizationName(organizationUrl, organizations);
        if (organizationUrl is not null) v.Text(organization, $"{path}.organization", 400);

        DateOnly? meetingDate = null;
        var isPublic = false;
        string? result = null;
        if (meeting is { } found)
        {
            if (Text(found, "start") is { } start)
            {
                if (DateTimeOffset.TryParse(start, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
                    meetingDate = ReportingCalendar.BerlinDate(instant);
                else v.Add($"meetings_json[{TextRules.Printable(meetingUrl!)}].start", $"'{TextRules.Printable(start)}' is not an RFC 3339 date-time");
            }
            var agendaItemUrl = Text(item, "agendaItem");
            if (found.TryGetProperty("agendaItem", out var items) && items.ValueKind == JsonValueKind.Array)
                foreach (var agendaItem in items.EnumerateArray())
                {
                    if (agendaItem.ValueKind != JsonValueKind.Object) continue;
                    var matches = (agendaItemUrl is not null && Text(agendaItem, "id") == agendaItemUrl)
                                  || (id is not null && Text(agendaItem, "consultation") == id);
                    if (!matches) continue;
                    isPublic = agendaItem.TryGetProperty("public", out var p) && p.ValueKind == JsonValueKind.True;
                    result = Blank(Text(agendaItem, "result"));
                    break;
                }
        }
        v.FreeText(result, $"{path}.result", 1000);
        var authoritative = item.TryGetProperty("authoritative", out var a) && a.ValueKind == JsonValueKind.True;
        Role role = OParlSchema.ParseRole(Text(item, "role"));
        return new ConsultationEntry(order, organization, role, authoritative, meetingDate, isPublic, result, OParlSchema.IsPostponement(result));
    }

    private static string OrganizationName(string url, IReadOnlyDictionary<string, JsonElement> organizations) =>
        organizations.TryGetValue(url, out var o) && Blank(Text(o, "name")) is { } name ? name : url;

    private static Dictionary<string, JsonElement> Objects(IEnumerable<string> jsons, string field, Validator v)
    {
        var byId = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var i = 0;
        foreach (var json in jsons)
        {
            var path = $"{field}[{i++}]";
            if (Parse(json, path, v) is not { } element) continue;
            if (Text(element, "id") is { } id) byId[id] = element;
            else v.Add($"{path}.id", "is required (the object's URL)");
        }
        return byId;
    }

    private static JsonElement? Parse(string json, string field, Validator v)
    {
        if (string.IsNullOrWhiteSpace(json)) { v.Add(field, "is required (an OParl JSON object)"); return null; }
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object) { v.Add(field, "must be a JSON object"); return null; }
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            v.Add(field, $"is not valid JSON: {e.Message}");
            return null;
        }
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IEnumerable<string> Strings(JsonElement element, string property)
    {
        if (!element.TryGetProperty(property, out var value)) yield break;
        if (value.ValueKind == JsonValueKind.String) { yield return value.GetString()!; yield break; }
        if (value.ValueKind != JsonValueKind.Array) yield break;
        foreach (var item in value.EnumerateArray())
            if (item.ValueKind == JsonValueKind.String) yield return item.GetString()!;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
