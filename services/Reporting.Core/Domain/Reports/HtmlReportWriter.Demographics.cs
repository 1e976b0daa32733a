using System.Text;
using IntegrationServices.Contracts.Reporting.V1;

namespace IntegrationServices.Reporting.Core.Domain.Reports;

/// <summary>The HTML report's section on the population with migration background (Bevölkerung).</summary>
internal static partial class HtmlReportWriter
{
    private static void Demographics(StringBuilder h, ReportModel m)
    {
        var d = m.Demographics;
        h.Append("<section id=\"bevoelkerung\">\n<h2>Bevölkerung nach Stadtbezirken</h2>\n");
        if (GermanFormat.ToDate(d.AreaSetDate) is not null)
        {
            h.Append("<p>Gebietsstand: <span class=\"area-set-date\">").Append(GermanFormat.Date(d.AreaSetDate)).Append("</span>. ");
        }
        else
        {
            h.Append("<p>");
        }
        h.Append("Fehlende Werte sind mit „" + GermanFormat.Missing + "“ gekennzeichnet.</p>\n");

        if (d.Areas.Count == 0 && d.City is null)
        {
            h.Append("<p class=\"muted\">Der Snapshot enthält keine Bevölkerungszahlen.</p>\n");
        }
        else
        {
            h.Append("<table class=\"demographics\">\n<caption>Einwohner, Ausländer und Bevölkerung mit Migrationshintergrund</caption>\n")
                .Append("<thead><tr><th scope=\"col\">Gebiet</th><th scope=\"col\" class=\"num\">Einwohner</th><th scope=\"col\" class=\"num\">Ausländer</th>")
                .Append("<th scope=\"col\" class=\"num\">Bevölkerung mit Migrationshintergrund</th><th scope=\"col\" class=\"num\">Anteil %</th>")
                .Append("<th scope=\"col\">Stichtag der Daten</th></tr></thead>\n<tbody>\n");
            foreach (var a in d.Areas) AreaRow(h, a, "td");
            h.Append("</tbody>\n");
            if (d.City is { } city)
            {
                h.Append("<tfoot>\n");
                AreaRow(h, city, "th", "city");
                h.Append("</tfoot>\n");
            }
            h.Append("</table>\n");
            if (d.Areas.Count > 0)
            {
                h.Append("<h3>Anteil der Bevölkerung mit Migrationshintergrund</h3>\n");
                SvgCharts.ShareChart(h, E, d);
            }
        }

        h.Append("<h3>Nicht zugeordnete Gebiete</h3>\n");
        if (d.UnmappedAreas.Count == 0)
        {
            h.Append("<p class=\"muted unmapped-none\">Alle Daten ließen sich einem Gebiet des Gebietsstands zuordnen.</p>\n");
        }
        else
        {
            h.Append("<p>Die Daten folgender Gebiete ließen sich keinem Gebiet des Gebietsstands zuordnen und sind in den Bezirkszahlen nicht enthalten:</p>\n<ul class=\"unmapped\">\n");
            foreach (var u in d.UnmappedAreas)
            {
                h.Append("<li>").Append(E(u)).Append("</li>\n");
            }
            h.Append("</ul>\n");
        }
        h.Append("</section>\n");
    }

    private static void AreaRow(StringBuilder h, DemographicsAreaSummary a, string firstCell, string? cssClass = null)
    {
        var title = string.IsNullOrWhiteSpace(a.AreaTitle) ? (cssClass == "city" ? "Stadt gesamt" : a.Area) : a.AreaTitle;
        h.Append("<tr data-area=\"").Append(E(a.Area)).Append('"');
        if (cssClass is not null) h.Append(" class=\"").Append(cssClass).Append('"');
        h.Append("><").Append(firstCell).Append(firstCell == "th" ? " scope=\"row\"" : "").Append('>').Append(E(title))
            .Append("</").Append(firstCell).Append('>')
            .Append("<td class=\"num\">").Append(E(GermanFormat.Count(a.HasPopulationTotal ? a.PopulationTotal : null))).Append("</td>")
            .Append("<td class=\"num\">").Append(E(GermanFormat.Count(a.HasForeignNationals ? a.ForeignNationals : null))).Append("</td>")
            .Append("<td class=\"num\">").Append(E(GermanFormat.Count(a.HasPopulationWithMigrationBackground ? a.PopulationWithMigrationBackground : null))).Append("</td>")
            .Append("<td class=\"num\">").Append(E(GermanFormat.Percent(a.HasMigrationBackgroundSharePercent ? a.MigrationBackgroundSharePercent : null))).Append("</td>")
            .Append("<td class=\"date\">").Append(GermanFormat.Date(a.ReferenceDate)).Append("</td></tr>\n");
    }
}
