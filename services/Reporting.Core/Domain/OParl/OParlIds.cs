using System.Globalization;

namespace IntegrationServices.Reporting.Core.Domain.OParl;

/// <summary>
/// Every OParl id is the object's URL under <see cref="OParlOptions.BaseUrl"/>; the one place that spells
/// them, for the export (ExportOParl, the HTTP objects) and for the HTTP routes that resolve them:
/// <c>system</c>, <c>bodies</c>, <c>bodies/{body}</c> with its lists <c>papers</c>, <c>meetings</c>,
/// <c>organizations</c>, <c>people</c>; <c>papers/{cycle}</c>, <c>consultations|meetings|agendaItems/{cycle}-{order}</c>
/// (one Meeting per consultation), <c>organizations/{slug}</c>, <c>files/{cycle}.{html|xlsx}</c>.
/// </summary>
public sealed class OParlIds(OParlOptions options)
{
    public const string Papers = "papers";
    public const string Meetings = "meetings";
    public const string Organizations = "organizations";
    public const string People = "people";

    public string Base { get; } = options.BaseUrl.TrimEnd('/');

    /// <summary>The path under which the routes are served, e.g. "/oparl/v1".</summary>
    public string BasePath => new Uri(Base).AbsolutePath.TrimEnd('/');

    public string System => $"{Base}/system";
    public string Bodies => $"{Base}/bodies";
    public string Body => $"{Base}/bodies/{options.BodyId}";
    public string BodyList(string list) => $"{Body}/{list}";
    public string Paper(string cycleId) => $"{Base}/papers/{cycleId}";
    public string Consultation(string cycleId, int order) => $"{Base}/consultations/{Key(cycleId, order)}";
    public string Meeting(string cycleId, int order) => $"{Base}/meetings/{Key(cycleId, order)}";
    public string AgendaItem(string cycleId, int order) => $"{Base}/agendaItems/{Key(cycleId, order)}";
    public string Organization(string slug) => $"{Base}/organizations/{slug}";
    public string File(string cycleId, string extension) => $"{Base}/files/{cycleId}.{extension}";

    /// <summary>The rendered report of a cycle (<c>GET /reports/{cycle}.{extension}</c> on the Reporting HTTP port).</summary>
    public string Report(string cycleId, string extension) =>
        $"{(options.ReportsUrl ?? new Uri(Base).GetLeftPart(UriPartial.Authority) + "/reports").TrimEnd('/')}/{cycleId}.{extension}";

    /// <summary>"2018-3" → ("2018", 3): the cycle and consultation order of a consultation, meeting or agenda item key.</summary>
    public static bool TryParseKey(string key, out string cycleId, out int order)
    {
        var dash = key.LastIndexOf('-');
        cycleId = dash > 0 ? key[..dash] : "";
        order = 0;
        return dash > 0 && int.TryParse(key.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out order) && order > 0;
    }

    private static string Key(string cycleId, int order) => $"{cycleId}-{order.ToString(CultureInfo.InvariantCulture)}";
}
