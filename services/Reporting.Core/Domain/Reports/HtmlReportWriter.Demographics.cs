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
            h.Append("<p class=\"muted\">Der Bericht enthält keine Bevölkerungszahlen.</p>\n");
        }
        else
        {
            h.Append("<table class=\"demographics\">\n<caption>Bevölkerung, Ausländerinnen und Ausländer, Bevölkerung mit Migrationshintergrund</caption>\n")
                .Append("<thead><tr><th scope=\"col\">Gebiet</th>");
            foreach (var indicator in SnapshotContent.Indicators.Take(3))
                h.Append("<th scope=\"col\" class=\"num\">").Append(E(m.IndicatorTitle(indicator))).Append("</th>");
            h.Append("<th scope=\"col\" class=\"num\">Anteil mit Migrationshintergrund in %</th>")
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
            if (m.HasMarks)
                h.Append("<p class=\"marks-legend\"><sup>B</sup> Beispieldaten: erfundene Werte, keine amtlichen Zahlen. ")
                    .Append("<sup>S</sup> geschätzt oder vorläufig: mindestens ein eingeflossener Wert ist nicht endgültig.</p>\n");
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
            .Append("<td class=\"num\">").Append(E(GermanFormat.Count(a.HasPopulationTotal ? a.PopulationTotal : null))).Append(Mark(ReportModel.Marks(a, "population_total"))).Append("</td>")
            .Append("<td class=\"num\">").Append(E(GermanFormat.Count(a.HasForeignNationals ? a.ForeignNationals : null))).Append(Mark(ReportModel.Marks(a, "foreign_nationals"))).Append("</td>")
            .Append("<td class=\"num\">").Append(E(GermanFormat.Count(a.HasPopulationWithMigrationBackground ? a.PopulationWithMigrationBackground : null))).Append(Mark(ReportModel.Marks(a, "population_with_migration_background"))).Append("</td>")
            .Append("<td class=\"num\">").Append(E(GermanFormat.Decimal(a.HasMigrationBackgroundSharePercent ? a.MigrationBackgroundSharePercent : null))).Append(Mark(ReportModel.Marks(a, "migration_background_share_percent"))).Append("</td>")
            .Append("<td class=\"date\">").Append(GermanFormat.Date(a.ReferenceDate)).Append("</td></tr>\n");
    }

    /// <summary>What each figure means and where it comes from (register vs Mikrozensus matters).</summary>
    private static void Indicators(StringBuilder h, ReportModel m)
    {
        h.Append("<section id=\"kennzahlen\">\n<h2>Kennzahlen: Definitionen und Quellen</h2>\n");
        if (m.Demographics.Indicators.Count == 0)
        {
            h.Append("<p class=\"muted\">Zu diesem Berichtsstand sind keine Definitionen gespeichert.</p>\n</section>\n");
            return;
        }
        h.Append("<dl class=\"indicators\">\n");
        foreach (var i in m.Demographics.Indicators)
            h.Append("<dt data-indicator=\"").Append(E(i.Name)).Append("\">").Append(E(i.Title)).Append("</dt>\n<dd><p>").Append(E(i.Definition))
                .Append("</p><p class=\"source\">Quelle: ").Append(E(i.Source)).Append("</p></dd>\n");
        h.Append("</dl>\n</section>\n");
    }
}
