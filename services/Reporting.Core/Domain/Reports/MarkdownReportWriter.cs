using System.Text;
using IntegrationServices.Contracts.Reporting.V1;

namespace IntegrationServices.Reporting.Core.Domain.Reports;

/// <summary>
/// The Markdown report (CommonMark with GFM tables): the same content and figures as the HTML page,
/// charts as text tables. Every text from the snapshot or the cycle is escaped so that user titles
/// cannot inject markup, links or table cells.
/// </summary>
internal static partial class MarkdownReportWriter
{
    private const int BarLength = 20;

    /// <summary>
    /// Escapes inline text: Markdown punctuation that could start markup, links, HTML or a table cell
    /// gets a backslash; line breaks become spaces (a cell must stay on one line).
    /// </summary>
    internal static string Md(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length + 8);
        foreach (var ch in text)
        {
            switch (ch)
            {
                case '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '|' or '#' or '~' or '&' or '!':
                    sb.Append('\\').Append(ch);
                    break;
                case '\r' or '\n' or '\t':
                    sb.Append(' ');
                    break;
                default:
                    sb.Append(ch);
                    break;
            }
        }
        return sb.ToString();
    }

    private static string Code(string? text) =>
        string.IsNullOrEmpty(text) ? GermanFormat.Missing : text.Contains('`') || text.Contains('\n') ? Md(text) : "`" + text + "`";

    private static string Bar(int count, int sum) =>
        sum <= 0 || count <= 0 ? "" : new string('█', Math.Max(1, (int)Math.Round((double)BarLength * count / sum, MidpointRounding.AwayFromZero)));

    public static byte[] Write(ReportModel m)
    {
        var md = new StringBuilder(16 * 1024);
        void Line(string text = "") => md.Append(text).Append('\n');

        Line("# " + Md(m.Title));
        Line();
        if (m.Title != ReportModel.DefaultTitle)
        {
            Line("*" + Md(ReportModel.DefaultTitle) + "*");
            Line();
        }
        if (m.Paper is { } paper && (paper.Reference is { Length: > 0 } || paper.Title is { Length: > 0 }))
        {
            var reference = paper.Reference is { Length: > 0 } r ? r : GermanFormat.Missing;
            Line("- **Vorlage:** " + Md(paper.PaperType is { Length: > 0 } ? paper.PaperType + " " + reference : reference));
            if (paper.Title is { Length: > 0 }) Line("- **Betreff:** " + Md(paper.Title));
            if (paper.UnderDirectionOf is { Length: > 0 }) Line("- **Federführung:** " + Md(paper.UnderDirectionOf));
            if (paper.Date is not null) Line("- **Datum der Vorlage:** " + GermanFormat.Date(paper.Date));
        }
        Line("- **Stichtag:** " + GermanFormat.Date(m.ReferenceDate));
        Line("- **Wissensstand:** " + Md(GermanFormat.BerlinInstant(m.Snapshot.KnownAt)));
        Line();
        if (m.ContainsExampleData)
        {
            Line("> **Enthält Beispieldaten.** Einige Angaben in diesem Bericht sind erfundene Beispielwerte zur Veranschaulichung und keine amtlichen Zahlen der Stadt.");
            Line();
        }

        Basis(md, m);

        // Zusammenfassung
        Line("## Zusammenfassung");
        Line();
        Line("| Stand der Umsetzung | Maßnahmen | Anteil in % |");
        Line("|---|---:|---:|");
        foreach (var t in ReportModel.AllStatuses(m.StatusTallies))
        {
            Line("| " + Md(GermanFormat.Status(t.Status)) + " | " + GermanFormat.Integer(t.Count) + " | "
                + (m.Total > 0 ? GermanFormat.Decimal(100.0 * t.Count / m.Total) : GermanFormat.Missing) + " |");
        }
        Line("| **Maßnahmen gesamt** | **" + GermanFormat.Integer(m.Total) + "** | " + (m.Total > 0 ? "100,0" : GermanFormat.Missing) + " |");
        Line();
        Line("Durchschnittlicher Fortschritt: **"
            + (m.Total > 0 ? GermanFormat.Percent(m.AverageProgressPercent) : GermanFormat.Missing) + "** (" + HtmlReportWriter.AverageNote + ")");
        Line();

        // Handlungsfelder
        Line("## Stand der Umsetzung nach Handlungsfeldern");
        Line();
        if (m.Fields.Count == 0)
        {
            Line("Der Bericht enthält keine Maßnahmen.");
            Line();
        }
        foreach (var f in m.Fields)
        {
            Line("### " + Md(f.Heading));
            Line();
            Line("Maßnahmen: " + GermanFormat.Integer(f.Total));
            Line();
            if (f.Number == 8) RefugeeHousing(md, m);
            var sum = f.Tallies.Sum(t => t.Count);
            Line("| Stand der Umsetzung | Maßnahmen | Anteil in % | Verteilung |");
            Line("|---|---:|---:|---|");
            foreach (var t in ReportModel.AllStatuses(f.Tallies))
            {
                Line("| " + Md(GermanFormat.Status(t.Status)) + " | " + GermanFormat.Integer(t.Count) + " | "
                    + (sum > 0 ? GermanFormat.Decimal(100.0 * t.Count / sum) : GermanFormat.Missing) + " | " + Bar(t.Count, sum) + " |");
            }
            Line();
            if (f.Entries.Count == 0)
            {
                Line("Keine Einzelangaben zu Maßnahmen in diesem Handlungsfeld.");
                Line();
                continue;
            }
            MeasureTable(md, m, f.Entries);
        }
        FurtherActivities(md, m);

        // Veränderungen
        var c = m.Changes;
        Line("## Veränderungen seit dem letzten Bericht");
        Line();
        if (!m.HasPreviousReport)
        {
            Line("Es liegt kein vorheriger Bericht vor; Veränderungen können daher nicht ausgewiesen werden.");
            Line();
        }
        else
        {
            Line("Verglichen mit dem Berichtsstand " + Code(c.Base) + ".");
            Line();
            Line("### Geänderter Stand der Umsetzung");
            Line();
            if (c.StatusChanges.Count == 0)
            {
                Line("Keine Maßnahme hat ihren Stand der Umsetzung geändert.");
            }
            else
            {
                Line("| Nr. | Maßnahme | bisher | jetzt | Fortschritt in % |");
                Line("|---|---|---|---|---:|");
                foreach (var s in c.StatusChanges)
                {
                    Line("| " + Md(s.Code) + " | " + Md(s.Title) + " | " + Md(GermanFormat.Status(s.OldStatus)) + " | "
                        + Md(GermanFormat.Status(s.NewStatus)) + " | " + GermanFormat.Integer(s.OldProgressPercent) + " → "
                        + GermanFormat.Integer(s.NewProgressPercent) + " |");
                }
            }
            Line();
            EntryTable(md, m, "Neue Maßnahmen", c.NewMeasures, "Seit dem letzten Bericht sind keine Maßnahmen hinzugekommen.");
            EntryTable(md, m, "Nicht mehr geführte Maßnahmen", c.RetiredMeasures, "Seit dem letzten Bericht ist keine Maßnahme weggefallen.");
            Line("### Veränderung der Bevölkerungszahlen");
            Line();
            if (c.IndicatorDeltas.Count == 0)
            {
                Line("Keine Veränderungen der Kennzahlen ausgewiesen.");
            }
            else
            {
                Line("| Gebiet | Kennzahl | bisher | jetzt | Veränderung |");
                Line("|---|---|---:|---:|---:|");
                foreach (var d in c.IndicatorDeltas)
                {
                    var (b, t, delta) = HtmlReportWriter.DeltaTexts(d);
                    Line("| " + Md(string.IsNullOrWhiteSpace(d.AreaTitle) ? d.Area : d.AreaTitle) + " | "
                        + Md(GermanFormat.Indicator(d.Indicator)) + " | " + b + " | " + t + " | " + delta + " |");
                }
            }
            Line();
        }

        // Bevölkerung
        var demo = m.Demographics;
        Line("## Bevölkerung nach Stadtbezirken");
        Line();
        Line((GermanFormat.ToDate(demo.AreaSetDate) is not null ? "Gebietsstand: " + GermanFormat.Date(demo.AreaSetDate) + ". " : "")
            + "Fehlende Werte sind mit „" + GermanFormat.Missing + "“ gekennzeichnet.");
        Line();
        if (demo.Areas.Count == 0 && demo.City is null)
        {
            Line("Der Bericht enthält keine Bevölkerungszahlen.");
            Line();
        }
        else
        {
            Line("| Gebiet | " + string.Join(" | ", SnapshotContent.Indicators.Take(3).Select(i => Md(m.IndicatorTitle(i))))
                + " | Anteil mit Migrationshintergrund in % | Stichtag der Daten |");
            Line("|---|---:|---:|---:|---:|---|");
            foreach (var a in demo.Areas) Line(AreaRow(a, bold: false));
            if (demo.City is { } city) Line(AreaRow(city, bold: true));
            Line();
            if (m.HasMarks)
            {
                Line("(B) Beispieldaten: erfundene Werte, keine amtlichen Zahlen. (S) geschätzt oder vorläufig: mindestens ein eingeflossener Wert ist nicht endgültig.");
                Line();
            }
            if (demo.Areas.Count > 0)
            {
                Line("### Anteil der Bevölkerung mit Migrationshintergrund");
                Line();
                var max = demo.Areas.Where(a => a.HasMigrationBackgroundSharePercent && double.IsFinite(a.MigrationBackgroundSharePercent))
                    .Select(a => a.MigrationBackgroundSharePercent)
                    .Append(demo.City is { HasMigrationBackgroundSharePercent: true } cs ? cs.MigrationBackgroundSharePercent : 0)
                    .Where(double.IsFinite).DefaultIfEmpty(0).Max();
                Line("| Gebiet | Anteil in % | Verteilung |");
                Line("|---|---:|---|");
                foreach (var a in demo.Areas.Append(demo.City).OfType<DemographicsAreaSummary>())
                {
                    var share = a.HasMigrationBackgroundSharePercent && double.IsFinite(a.MigrationBackgroundSharePercent)
                        ? a.MigrationBackgroundSharePercent : (double?)null;
                    var bar = share is { } s && max > 0 && s > 0
                        ? new string('█', Math.Max(1, (int)Math.Round(BarLength * s / max, MidpointRounding.AwayFromZero)))
                        : "";
                    var title = Md(AreaTitle(a, ReferenceEquals(a, demo.City)));
                    Line("| " + (ReferenceEquals(a, demo.City) ? "**" + title + "**" : title) + " | " + GermanFormat.Decimal(share) + " | " + bar + " |");
                }
                Line();
            }
        }
        Line("### Nicht zugeordnete Gebiete");
        Line();
        if (demo.UnmappedAreas.Count == 0)
        {
            Line("Alle Daten ließen sich einem Gebiet des Gebietsstands zuordnen.");
        }
        else
        {
            Line("Die Daten folgender Gebiete ließen sich keinem Gebiet des Gebietsstands zuordnen und sind in den Bezirkszahlen nicht enthalten:");
            Line();
            foreach (var u in demo.UnmappedAreas) Line("- " + Md(u));
        }
        Line();
        Indicators(md, m);

        // Fußzeile
        Line("---");
        Line();
        Line("Berichtsstand " + Code(m.Snapshot.Name) + (m.CycleName.Length > 0 ? " des Berichtszyklus " + Code(m.CycleName) : "") + "  ");
        Line("Prüfsumme des Berichtsinhalts (SHA-256): " + Code(m.Snapshot.ContentSha256));
        Line();
        Line("Dieser Bericht ist vollständig aus dem unveränderlich gespeicherten Berichtsstand erzeugt; über die Prüfsumme lässt sich ein ausgedruckter Bericht dem gespeicherten Stand zuordnen.");

        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(md.ToString());
    }

    private static string AreaTitle(DemographicsAreaSummary a, bool city) =>
        string.IsNullOrWhiteSpace(a.AreaTitle) ? (city ? "Stadt gesamt" : a.Area) : a.AreaTitle;

    private static string AreaRow(DemographicsAreaSummary a, bool bold)
    {
        var title = Md(AreaTitle(a, bold));
        return "| " + (bold ? "**" + title + "**" : title)
            + " | " + GermanFormat.Count(a.HasPopulationTotal ? a.PopulationTotal : null) + Mark(ReportModel.Marks(a, "population_total"))
            + " | " + GermanFormat.Count(a.HasForeignNationals ? a.ForeignNationals : null) + Mark(ReportModel.Marks(a, "foreign_nationals"))
            + " | " + GermanFormat.Count(a.HasPopulationWithMigrationBackground ? a.PopulationWithMigrationBackground : null) + Mark(ReportModel.Marks(a, "population_with_migration_background"))
            + " | " + GermanFormat.Decimal(a.HasMigrationBackgroundSharePercent ? a.MigrationBackgroundSharePercent : null) + Mark(ReportModel.Marks(a, "migration_background_share_percent"))
            + " | " + GermanFormat.Date(a.ReferenceDate) + " |";
    }

    private static void EntryTable(StringBuilder md, ReportModel m, string heading, Google.Protobuf.Collections.RepeatedField<MeasureEntry> entries, string none)
    {
        md.Append("### ").Append(Md(heading)).Append("\n\n");
        if (entries.Count == 0)
        {
            md.Append(none).Append("\n\n");
            return;
        }
        md.Append("| Nr. | Maßnahme | Handlungsfeld | Stand der Umsetzung | Fortschritt in % |\n|---|---|---|---|---:|\n");
        foreach (var e in entries)
        {
            md.Append("| ").Append(Md(e.Code)).Append(" | ").Append(Md(e.Title)).Append(" | ")
                .Append(Md(HtmlReportWriter.FieldLabel(m, e.FieldOfAction))).Append(" | ")
                .Append(Md(GermanFormat.Status(e.Status))).Append(" | ")
                .Append(GermanFormat.Integer(e.ProgressPercent)).Append(" |\n");
        }
        md.Append('\n');
    }
}
