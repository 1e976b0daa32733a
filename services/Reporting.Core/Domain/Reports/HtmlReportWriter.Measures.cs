using System.Text;
using IntegrationServices.Contracts.Reporting.V1;

namespace IntegrationServices.Reporting.Core.Domain.Reports;

/// <summary>
/// The HTML report's measure sections: one per field of action (status chart, then each measure with its
/// Sachstand, concept and responsibility, sub-measures under their parent with the roll-up), the
/// refugee-housing figure in Handlungsfeld 8, and the further activities beyond the adopted concepts.
/// </summary>
internal static partial class HtmlReportWriter
{
    /// <summary>The field of action whose section shows the refugee-housing figure.</summary>
    private const int RefugeeField = 8;

    private static void Fields(StringBuilder h, ReportModel m)
    {
        h.Append("<section id=\"handlungsfelder\">\n<h2>Stand der Umsetzung nach Handlungsfeldern</h2>\n");
        if (m.Fields.Count == 0)
        {
            h.Append("<p class=\"muted\">Der Bericht enthält keine Maßnahmen.</p>\n");
        }
        foreach (var f in m.Fields)
        {
            h.Append("<section class=\"field\" id=\"").Append(f.Anchor).Append("\" data-field=\"").Append(E(f.Key)).Append("\">\n")
                .Append("<h3>").Append(E(f.Heading)).Append("</h3>\n")
                .Append("<p class=\"field-total\">Maßnahmen: ").Append(GermanFormat.Integer(f.Total)).Append("</p>\n");
            if (f.Number == RefugeeField) RefugeeHousing(h, m);
            SvgCharts.StatusChart(h, E, f);
            if (f.Entries.Count == 0)
            {
                h.Append("<p class=\"muted\">Keine Einzelangaben zu Maßnahmen in diesem Handlungsfeld.</p>\n");
            }
            else
            {
                MeasureTable(h, m, "Maßnahmen – " + f.Heading, "measures", f.Entries);
            }
            h.Append("</section>\n");
        }
        h.Append("</section>\n");
    }

    private static void RefugeeHousing(StringBuilder h, ReportModel m)
    {
        h.Append("<p class=\"refugee-housing\">Geflüchtete in städtischen Wohnstandorten: <strong>");
        if (m.Demographics.RefugeesInMunicipalHousing is { } figure)
        {
            h.Append(E(GermanFormat.Count(figure.Value))).Append(Mark(ReportModel.Marks(figure))).Append("</strong> (Stand ")
                .Append(GermanFormat.Date(figure.ReferenceDate)).Append(", Summe über die Wohnstandorte)</p>\n");
        }
        else
        {
            h.Append(GermanFormat.Missing + "</strong> (zum Stichtag liegen keine Angaben vor)</p>\n");
        }
    }

    /// <summary>What the section of further activities says about them (HTML and Markdown alike).</summary>
    internal const string FurtherActivitiesIntro =
        "Aktivitäten der Dezernate außerhalb der vom Rat beschlossenen Handlungskonzepte. Ob und in welcher Form sie in die "
        + "Integrationsplanung aufgenommen werden, wird geprüft; sie sind in der Zusammenfassung und im durchschnittlichen "
        + "Fortschritt nicht enthalten.";

    internal const string NoFurtherActivities = "Zum Stichtag sind keine weiteren Aktivitäten erfasst.";

    private static void FurtherActivities(StringBuilder h, ReportModel m)
    {
        h.Append("<section id=\"weitere-aktivitaeten\">\n<h2>Weitere Aktivitäten</h2>\n<p>").Append(E(FurtherActivitiesIntro)).Append("</p>\n");
        if (m.FurtherActivities.Count == 0)
            h.Append("<p class=\"muted\">").Append(E(NoFurtherActivities)).Append("</p>\n");
        else
            MeasureTable(h, m, "Weitere Aktivitäten", "further-activities", m.FurtherActivities);
        h.Append("</section>\n");
    }

    private static void MeasureTable(StringBuilder h, ReportModel m, string caption, string cssClass, IReadOnlyList<MeasureEntry> entries)
    {
        h.Append("<table class=\"").Append(cssClass).Append("\">\n<caption>").Append(E(caption)).Append("</caption>\n")
            .Append("<thead><tr><th scope=\"col\">Nr.</th><th scope=\"col\">Maßnahme und Sachstand</th><th scope=\"col\">Handlungskonzept</th>")
            .Append("<th scope=\"col\">Zuständig</th><th scope=\"col\">Stand der Umsetzung</th>")
            .Append("<th scope=\"col\" class=\"num\">Fortschritt in %</th><th scope=\"col\">Stand seit</th></tr></thead>\n<tbody>\n");
        foreach (var entry in entries)
        {
            MeasureRow(h, m, entry, child: false);
            foreach (var child in m.ChildrenOf(entry)) MeasureRow(h, m, child, child: true);
        }
        h.Append("</tbody>\n</table>\n");
    }

    private static void MeasureRow(StringBuilder h, ReportModel m, MeasureEntry entry, bool child)
    {
        h.Append("<tr data-measure=\"").Append(E(entry.Name)).Append('"').Append(child ? " class=\"sub-measure\"" : "")
            .Append("><td class=\"code\">").Append(E(entry.Code)).Append("</td><td class=\"title\">")
            .Append(child ? "<span class=\"sub-marker\">Teilmaßnahme:</span> " : "").Append(E(entry.Title));
        if (entry.StatusNote.Length > 0)
            h.Append("<p class=\"status-note\"><span class=\"label\">Sachstand:</span> ").Append(E(entry.StatusNote)).Append("</p>");
        if (entry.HasRollupProgressPercent)
            h.Append("<p class=\"rollup\">Teilmaßnahmen (").Append(GermanFormat.Integer(m.ChildrenOf(entry).Count))
                .Append("): durchschnittlicher Fortschritt ").Append(E(GermanFormat.Percent(entry.RollupProgressPercent))).Append("</p>");
        h.Append("</td><td class=\"concept\">").Append(E(Or(entry.ActionConceptTitle, entry.ActionConcept)))
            .Append("</td><td class=\"unit\">").Append(E(Or(entry.ResponsibleUnitTitle, entry.ResponsibleUnit)))
            .Append("</td><td class=\"status\" data-status=\"").Append(GermanFormat.StatusToken(entry.Status)).Append("\">")
            .Append(E(GermanFormat.Status(entry.Status)))
            .Append("</td><td class=\"num progress\">").Append(GermanFormat.Integer(entry.ProgressPercent))
            .Append("</td><td class=\"date\">").Append(GermanFormat.Date(entry.StatusEffectiveDate)).Append("</td></tr>\n");
    }

    /// <summary>The title where the snapshot has one, else the name; "–" for neither (a further activity has no concept).</summary>
    private static string Or(string title, string name) => title.Length > 0 ? title : name.Length > 0 ? name : GermanFormat.Missing;

    /// <summary>A figure's marks as superscript letters, explained below the tables that use them.</summary>
    private static string Mark(string marks) =>
        marks.Length == 0 ? "" : "<sup class=\"mark\" title=\""
            + string.Join("; ", new[] { marks.Contains('B') ? "Beispieldaten" : null, marks.Contains('S') ? "geschätzt oder vorläufig" : null }.OfType<string>())
            + "\">" + marks + "</sup>";
}
