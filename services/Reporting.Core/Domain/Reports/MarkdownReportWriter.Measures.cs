using System.Text;
using IntegrationServices.Contracts.Reporting.V1;

namespace IntegrationServices.Reporting.Core.Domain.Reports;

/// <summary>
/// The Markdown report's parts that HTML has as well (<see cref="HtmlReportWriter"/>): the cycle's
/// description, the measures with Sachstand, concept, responsibility and sub-measures, the refugee-housing
/// figure, the further activities and the indicator definitions.
/// </summary>
internal static partial class MarkdownReportWriter
{
    private static void Basis(StringBuilder md, ReportModel m)
    {
        if (m.Description.Length == 0) return;
        md.Append("## Grundlagen des Berichts\n\n").Append(Md(m.Description)).Append("\n\n");
    }

    private static void MeasureTable(StringBuilder md, ReportModel m, IReadOnlyList<MeasureEntry> entries)
    {
        md.Append("| Nr. | Maßnahme und Sachstand | Handlungskonzept | Zuständig | Stand der Umsetzung | Fortschritt in % | Stand seit |\n")
            .Append("|---|---|---|---|---|---:|---|\n");
        foreach (var entry in entries)
        {
            Row(md, m, entry, child: false);
            foreach (var child in m.ChildrenOf(entry)) Row(md, m, child, child: true);
        }
        md.Append('\n');
    }

    private static void Row(StringBuilder md, ReportModel m, MeasureEntry e, bool child)
    {
        md.Append("| ").Append(Md(e.Code)).Append(" | ").Append(child ? "↳ Teilmaßnahme: " : "").Append(Md(e.Title));
        if (e.StatusNote.Length > 0) md.Append("<br>*Sachstand:* ").Append(Md(e.StatusNote));
        if (e.HasRollupProgressPercent)
            md.Append("<br>Teilmaßnahmen (").Append(GermanFormat.Integer(m.ChildrenOf(e).Count)).Append("): durchschnittlicher Fortschritt ")
                .Append(GermanFormat.Percent(e.RollupProgressPercent));
        md.Append(" | ").Append(Md(Or(e.ActionConceptTitle, e.ActionConcept))).Append(" | ").Append(Md(Or(e.ResponsibleUnitTitle, e.ResponsibleUnit)))
            .Append(" | ").Append(Md(GermanFormat.Status(e.Status))).Append(" | ").Append(GermanFormat.Integer(e.ProgressPercent))
            .Append(" | ").Append(GermanFormat.Date(e.StatusEffectiveDate)).Append(" |\n");
    }

    private static string Or(string title, string name) => title.Length > 0 ? title : name.Length > 0 ? name : GermanFormat.Missing;

    private static string Mark(string marks) => marks.Length == 0 ? "" : " (" + marks + ")";

    private static void RefugeeHousing(StringBuilder md, ReportModel m)
    {
        md.Append("Geflüchtete in städtischen Wohnstandorten: **");
        if (m.Demographics.RefugeesInMunicipalHousing is { } figure)
            md.Append(GermanFormat.Count(figure.Value)).Append("**").Append(Mark(ReportModel.Marks(figure)))
                .Append(" (Stand ").Append(GermanFormat.Date(figure.ReferenceDate)).Append(", Summe über die Wohnstandorte)\n\n");
        else
            md.Append(GermanFormat.Missing + "** (zum Stichtag liegen keine Angaben vor)\n\n");
    }

    private static void FurtherActivities(StringBuilder md, ReportModel m)
    {
        md.Append("## Weitere Aktivitäten\n\n").Append(HtmlReportWriter.FurtherActivitiesIntro).Append("\n\n");
        if (m.FurtherActivities.Count == 0) md.Append(HtmlReportWriter.NoFurtherActivities).Append("\n\n");
        else MeasureTable(md, m, m.FurtherActivities);
    }

    private static void Indicators(StringBuilder md, ReportModel m)
    {
        md.Append("## Kennzahlen: Definitionen und Quellen\n\n");
        if (m.Demographics.Indicators.Count == 0)
        {
            md.Append("Zu diesem Berichtsstand sind keine Definitionen gespeichert.\n\n");
            return;
        }
        foreach (var i in m.Demographics.Indicators)
            md.Append("- **").Append(Md(i.Title)).Append(":** ").Append(Md(i.Definition)).Append(" Quelle: ").Append(Md(i.Source)).Append('\n');
        md.Append('\n');
    }
}
