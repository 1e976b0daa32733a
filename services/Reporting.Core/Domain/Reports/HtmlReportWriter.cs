using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using IntegrationServices.Contracts.Reporting.V1;

namespace IntegrationServices.Reporting.Core.Domain.Reports;

/// <summary>
/// The HTML report: one self-contained German page (inline CSS and SVG; no scripts, fonts, images
/// or links to other documents; a Content-Security-Policy that forbids loading anything), readable on
/// screen and printable on A4. Every text from the snapshot or the cycle goes through
/// <see cref="HtmlEncoder"/>: titles come from users.
/// </summary>
internal static partial class HtmlReportWriter
{
    // All of Unicode stays literal (umlauts readable in the source); markup characters are encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private static string E(string? text) => string.IsNullOrEmpty(text) ? "" : Encoder.Encode(text);

    public static byte[] Write(ReportModel m)
    {
        var h = new StringBuilder(32 * 1024);
        h.Append("<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
            .Append("<title>").Append(E(m.Title + " – Stichtag " + GermanFormat.Date(m.ReferenceDate))).Append("</title>\n")
            .Append("<style>\n").Append(HtmlReportStyle.Css.Replace("\r\n", "\n")).Append("\n</style>\n</head>\n<body>\n");

        Header(h, m);
        if (m.ContainsExampleData)
        {
            h.Append("<div class=\"notice example-data\" role=\"note\"><strong>Enthält Beispieldaten.</strong> ")
                .Append("Einige Angaben in diesem Bericht sind erfundene Beispielwerte zur Veranschaulichung ")
                .Append("und keine amtlichen Zahlen der Stadt.</div>\n");
        }
        Contents(h, m);
        h.Append("<main>\n");
        Basis(h, m);
        Summary(h, m);
        Fields(h, m);
        FurtherActivities(h, m);
        Changes(h, m);
        Demographics(h, m);
        Indicators(h, m);
        h.Append("</main>\n");
        Footer(h, m);
        h.Append("</body>\n</html>\n");
        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(h.ToString());
    }

    private static void Header(StringBuilder h, ReportModel m)
    {
        h.Append("<header>\n");
        if (m.Title != ReportModel.DefaultTitle)
        {
            h.Append("<p class=\"kicker\">").Append(E(ReportModel.DefaultTitle)).Append("</p>\n");
        }
        h.Append("<h1>").Append(E(m.Title)).Append("</h1>\n<dl class=\"meta\">\n");
        if (m.Paper is { } paper && (paper.Reference is { Length: > 0 } || paper.Title is { Length: > 0 }))
        {
            var reference = paper.Reference is { Length: > 0 } r ? r : GermanFormat.Missing;
            Meta(h, "Vorlage", paper.PaperType is { Length: > 0 } ? paper.PaperType + " " + reference : reference, "paper-reference");
            if (paper.Title is { Length: > 0 }) Meta(h, "Betreff", paper.Title, "paper-title");
            if (paper.UnderDirectionOf is { Length: > 0 }) Meta(h, "Federführung", paper.UnderDirectionOf, "paper-direction");
            if (paper.Date is not null) Meta(h, "Datum der Vorlage", GermanFormat.Date(paper.Date), "paper-date");
        }
        Meta(h, "Stichtag", GermanFormat.Date(m.ReferenceDate), "reference-date");
        Meta(h, "Wissensstand", GermanFormat.BerlinInstant(m.Snapshot.KnownAt), "known-at");
        h.Append("</dl>\n</header>\n");
    }

    private static void Meta(StringBuilder h, string term, string value, string cssClass) =>
        h.Append("<dt>").Append(E(term)).Append("</dt><dd class=\"").Append(cssClass).Append("\">").Append(E(value)).Append("</dd>\n");

    private static void Contents(StringBuilder h, ReportModel m)
    {
        h.Append("<nav aria-label=\"Inhalt\">\n<h2>Inhalt</h2>\n<ol>\n");
        if (m.Description.Length > 0) h.Append("<li><a href=\"#grundlagen\">Grundlagen des Berichts</a></li>\n");
        h.Append("<li><a href=\"#zusammenfassung\">Zusammenfassung</a></li>\n");
        foreach (var f in m.Fields)
        {
            h.Append("<li><a href=\"#").Append(f.Anchor).Append("\">").Append(E(f.Heading)).Append("</a></li>\n");
        }
        h.Append("<li><a href=\"#weitere-aktivitaeten\">Weitere Aktivitäten</a></li>\n")
            .Append("<li><a href=\"#veraenderungen\">Veränderungen seit dem letzten Bericht</a></li>\n")
            .Append("<li><a href=\"#bevoelkerung\">Bevölkerung nach Stadtbezirken</a></li>\n")
            .Append("<li><a href=\"#kennzahlen\">Kennzahlen: Definitionen und Quellen</a></li>\n</ol>\n</nav>\n");
    }

    /// <summary>What the average progress leaves out, said wherever it is shown.</summary>
    internal const string AverageNote = "Mittel der vom Rat beschlossenen Maßnahmen ohne entfallene Maßnahmen";

    /// <summary>The cycle's description: what the report rests on (e.g. the 2018 report's assumed dates).</summary>
    private static void Basis(StringBuilder h, ReportModel m)
    {
        if (m.Description.Length == 0) return;
        h.Append("<section id=\"grundlagen\">\n<h2>Grundlagen des Berichts</h2>\n<p class=\"cycle-description\">")
            .Append(E(m.Description)).Append("</p>\n</section>\n");
    }

    private static void Summary(StringBuilder h, ReportModel m)
    {
        h.Append("<section id=\"zusammenfassung\">\n<h2>Zusammenfassung</h2>\n")
            .Append("<table class=\"summary\">\n<caption>Stand der Umsetzung aller Maßnahmen</caption>\n")
            .Append("<thead><tr><th scope=\"col\">Stand der Umsetzung</th><th scope=\"col\" class=\"num\">Maßnahmen</th><th scope=\"col\" class=\"num\">Anteil in %</th></tr></thead>\n<tbody>\n");
        foreach (var t in ReportModel.AllStatuses(m.StatusTallies))
        {
            h.Append("<tr data-status=\"").Append(GermanFormat.StatusToken(t.Status)).Append("\"><th scope=\"row\">")
                .Append(E(GermanFormat.Status(t.Status))).Append("</th><td class=\"num\">").Append(GermanFormat.Integer(t.Count))
                .Append("</td><td class=\"num\">").Append(m.Total > 0 ? E(GermanFormat.Decimal(100.0 * t.Count / m.Total)) : GermanFormat.Missing)
                .Append("</td></tr>\n");
        }
        h.Append("</tbody>\n<tfoot><tr class=\"total\"><th scope=\"row\">Maßnahmen gesamt</th><td class=\"num\">")
            .Append(GermanFormat.Integer(m.Total)).Append("</td><td class=\"num\">").Append(m.Total > 0 ? "100,0" : GermanFormat.Missing)
            .Append("</td></tr></tfoot>\n</table>\n")
            .Append("<p class=\"average-progress\">Durchschnittlicher Fortschritt: <strong>")
            .Append(m.Total > 0 ? E(GermanFormat.Percent(m.AverageProgressPercent)) : GermanFormat.Missing)
            .Append("</strong> (").Append(E(AverageNote)).Append(")</p>\n</section>\n");
    }

    private static void Changes(StringBuilder h, ReportModel m)
    {
        var c = m.Changes;
        h.Append("<section id=\"veraenderungen\">\n<h2>Veränderungen seit dem letzten Bericht</h2>\n");
        if (!m.HasPreviousReport)
        {
            h.Append("<p class=\"no-previous\">Es liegt kein vorheriger Bericht vor; Veränderungen können daher nicht ausgewiesen werden.</p>\n</section>\n");
            return;
        }
        h.Append("<p>Verglichen mit dem Berichtsstand <code class=\"base\">").Append(E(c.Base)).Append("</code>.</p>\n");

        h.Append("<h3>Geänderter Stand der Umsetzung</h3>\n");
        if (c.StatusChanges.Count == 0)
        {
            h.Append("<p class=\"muted\">Keine Maßnahme hat ihren Stand der Umsetzung geändert.</p>\n");
        }
        else
        {
            h.Append("<table class=\"status-changes\">\n<thead><tr><th scope=\"col\">Nr.</th><th scope=\"col\">Maßnahme</th>")
                .Append("<th scope=\"col\">bisher</th><th scope=\"col\">jetzt</th><th scope=\"col\" class=\"num\">Fortschritt in %</th></tr></thead>\n<tbody>\n");
            foreach (var s in c.StatusChanges)
            {
                h.Append("<tr data-measure=\"").Append(E(s.Name)).Append("\"><td class=\"code\">").Append(E(s.Code))
                    .Append("</td><td class=\"title\">").Append(E(s.Title))
                    .Append("</td><td class=\"old-status\">").Append(E(GermanFormat.Status(s.OldStatus)))
                    .Append("</td><td class=\"new-status\">").Append(E(GermanFormat.Status(s.NewStatus)))
                    .Append("</td><td class=\"num progress\">").Append(E(GermanFormat.Integer(s.OldProgressPercent) + " → " + GermanFormat.Integer(s.NewProgressPercent)))
                    .Append("</td></tr>\n");
            }
            h.Append("</tbody>\n</table>\n");
        }

        EntryTable(h, m, "Neue Maßnahmen", "new-measures", c.NewMeasures, "Seit dem letzten Bericht sind keine Maßnahmen hinzugekommen.");
        EntryTable(h, m, "Nicht mehr geführte Maßnahmen", "retired-measures", c.RetiredMeasures, "Seit dem letzten Bericht ist keine Maßnahme weggefallen.");

        h.Append("<h3>Veränderung der Bevölkerungszahlen</h3>\n");
        if (c.IndicatorDeltas.Count == 0)
        {
            h.Append("<p class=\"muted\">Keine Veränderungen der Kennzahlen ausgewiesen.</p>\n");
        }
        else
        {
            h.Append("<table class=\"indicator-deltas\">\n<thead><tr><th scope=\"col\">Gebiet</th><th scope=\"col\">Kennzahl</th>")
                .Append("<th scope=\"col\" class=\"num\">bisher</th><th scope=\"col\" class=\"num\">jetzt</th><th scope=\"col\" class=\"num\">Veränderung</th></tr></thead>\n<tbody>\n");
            foreach (var d in c.IndicatorDeltas)
            {
                var (baseText, targetText, deltaText) = DeltaTexts(d);
                h.Append("<tr data-area=\"").Append(E(d.Area)).Append("\" data-indicator=\"").Append(E(d.Indicator)).Append("\"><td>")
                    .Append(E(string.IsNullOrWhiteSpace(d.AreaTitle) ? d.Area : d.AreaTitle)).Append("</td><td>")
                    .Append(E(GermanFormat.Indicator(d.Indicator))).Append("</td><td class=\"num\">").Append(E(baseText))
                    .Append("</td><td class=\"num\">").Append(E(targetText)).Append("</td><td class=\"num\">").Append(E(deltaText))
                    .Append("</td></tr>\n");
            }
            h.Append("</tbody>\n</table>\n");
        }
        h.Append("</section>\n");
    }

    /// <summary>Base, target and delta of an indicator; shares in percent and percentage points.</summary>
    internal static (string Base, string Target, string Delta) DeltaTexts(IndicatorDelta d)
    {
        double? baseValue = d.HasBaseValue ? d.BaseValue : null;
        double? targetValue = d.HasTargetValue ? d.TargetValue : null;
        double? delta = d.HasDelta ? d.Delta : null;
        if (d.Indicator == "migration_background_share_percent")
        {
            var points = delta is { } p && double.IsFinite(p)
                ? GermanFormat.Delta(Math.Round(p, 1, MidpointRounding.AwayFromZero)) + " Prozentpunkte"
                : GermanFormat.Missing;
            return (GermanFormat.Percent(baseValue), GermanFormat.Percent(targetValue), points);
        }
        return (GermanFormat.Count(baseValue), GermanFormat.Count(targetValue), GermanFormat.Delta(delta));
    }

    private static void EntryTable(StringBuilder h, ReportModel m, string heading, string cssClass,
        Google.Protobuf.Collections.RepeatedField<MeasureEntry> entries, string none)
    {
        h.Append("<h3>").Append(E(heading)).Append("</h3>\n");
        if (entries.Count == 0)
        {
            h.Append("<p class=\"muted\">").Append(E(none)).Append("</p>\n");
            return;
        }
        h.Append("<table class=\"").Append(cssClass).Append("\">\n<thead><tr><th scope=\"col\">Nr.</th><th scope=\"col\">Maßnahme</th>")
            .Append("<th scope=\"col\">Handlungsfeld</th><th scope=\"col\">Stand der Umsetzung</th><th scope=\"col\" class=\"num\">Fortschritt in %</th></tr></thead>\n<tbody>\n");
        foreach (var e in entries)
        {
            h.Append("<tr data-measure=\"").Append(E(e.Name)).Append("\"><td class=\"code\">").Append(E(e.Code))
                .Append("</td><td class=\"title\">").Append(E(e.Title)).Append("</td><td>")
                .Append(E(FieldLabel(m, e.FieldOfAction))).Append("</td><td class=\"status\">")
                .Append(E(GermanFormat.Status(e.Status))).Append("</td><td class=\"num progress\">")
                .Append(GermanFormat.Integer(e.ProgressPercent)).Append("</td></tr>\n");
        }
        h.Append("</tbody>\n</table>\n");
    }

    internal static string FieldLabel(ReportModel m, int field)
    {
        if (field <= 0) return GermanFormat.Missing;
        var title = m.FieldTitle(field);
        var number = field.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return title.Length == 0 ? number : number + " " + title;
    }

    private static void Footer(StringBuilder h, ReportModel m)
    {
        h.Append("<footer>\n<p>Berichtsstand <code class=\"snapshot-name\">").Append(E(m.Snapshot.Name)).Append("</code>");
        if (m.CycleName.Length > 0)
        {
            h.Append(" des Berichtszyklus <code class=\"cycle-name\">").Append(E(m.CycleName)).Append("</code>");
        }
        h.Append("</p>\n<p>Prüfsumme des Berichtsinhalts (SHA-256): <code class=\"content-sha256\">")
            .Append(E(m.Snapshot.ContentSha256.Length == 0 ? GermanFormat.Missing : m.Snapshot.ContentSha256)).Append("</code></p>\n")
            .Append("<p class=\"muted\">Dieser Bericht ist vollständig aus dem unveränderlich gespeicherten Berichtsstand erzeugt; ")
            .Append("über die Prüfsumme lässt sich ein ausgedruckter Bericht dem gespeicherten Stand zuordnen.</p>\n</footer>\n");
    }
}
