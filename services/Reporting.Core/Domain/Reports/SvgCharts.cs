using System.Globalization;
using System.Text;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Contracts.Reporting.V1;

namespace IntegrationServices.Reporting.Core.Domain.Reports;

/// <summary>
/// The report's inline SVG charts. Every text goes through the HTML encoder; every number is written
/// with the invariant culture (SVG coordinates) so the output does not depend on the machine.
/// </summary>
internal static class SvgCharts
{
    /// <summary>Width of a status bar in SVG user units; segment widths are count / total × this.</summary>
    public const double StatusBarWidth = 720;

    private const double BarHeight = 28;
    private const int LegendPerRow = 5;
    private const double LegendSpacing = StatusBarWidth / LegendPerRow;

    /// <summary>Fill and label colour per status (contrast ≥ 4.5:1 for the count inside the segment).</summary>
    public static (string Fill, string Text) Colors(MeasureStatus status) => status switch
    {
        MeasureStatus.NotStarted => ("#b8bec6", "#1a1a1a"),
        MeasureStatus.InProgress => ("#e3a21a", "#1a1a1a"),
        MeasureStatus.Implemented => ("#2e7d32", "#ffffff"),
        MeasureStatus.Ongoing => ("#1f5fa8", "#ffffff"),
        MeasureStatus.Discontinued => ("#8e3b46", "#ffffff"),
        _ => ("#e4e4e4", "#1a1a1a"),
    };

    /// <summary>
    /// A stacked horizontal bar of the field's measure statuses: one &lt;rect&gt; per status with a
    /// count (data-status, data-count), widths proportional to the counts, and a legend of all
    /// statuses below it.
    /// </summary>
    public static void StatusChart(StringBuilder html, Func<string, string> e, FieldSection field)
    {
        var legend = ReportModel.AllStatuses(field.Tallies).ToList();
        var legendRows = (legend.Count + LegendPerRow - 1) / LegendPerRow;
        var height = BarHeight + 14 + legendRows * 20;
        var sum = field.Tallies.Sum(t => t.Count);
        var titleId = field.Anchor + "-chart-title";
        var description = field.Heading + " – Stand der Umsetzung: "
            + (sum == 0
                ? "keine Maßnahmen"
                : string.Join(", ", field.Tallies.Select(t => GermanFormat.Integer(t.Count) + " " + GermanFormat.Status(t.Status)))
                  + " (" + GermanFormat.Integer(field.Total) + " Maßnahmen)");

        html.Append("<svg class=\"status-chart\" role=\"img\" aria-labelledby=\"").Append(titleId)
            .Append("\" viewBox=\"0 0 ").Append(GermanFormat.Svg(StatusBarWidth)).Append(' ').Append(GermanFormat.Svg(height))
            .Append("\" width=\"").Append(GermanFormat.Svg(StatusBarWidth)).Append("\" height=\"").Append(GermanFormat.Svg(height))
            .Append("\" data-field=\"").Append(e(field.Key)).Append("\" data-total=\"").Append(Inv(field.Total))
            .Append("\" data-bar-width=\"").Append(GermanFormat.Svg(StatusBarWidth)).Append("\">\n");
        html.Append("<title id=\"").Append(titleId).Append("\">").Append(e(description)).Append("</title>\n");
        html.Append("<rect class=\"bar-bg\" x=\"0\" y=\"0\" width=\"").Append(GermanFormat.Svg(StatusBarWidth))
            .Append("\" height=\"").Append(GermanFormat.Svg(BarHeight)).Append("\" fill=\"#f3f3f3\" stroke=\"#8a8a8a\" stroke-width=\"1\"/>\n");

        if (sum == 0)
        {
            html.Append("<text x=\"").Append(GermanFormat.Svg(StatusBarWidth / 2)).Append("\" y=\"19\" text-anchor=\"middle\" class=\"empty\">keine Maßnahmen</text>\n");
        }
        else
        {
            // x from the cumulative count, so that the segments close up without gaps or rounding drift.
            var cumulative = 0;
            foreach (var tally in field.Tallies)
            {
                var x = StatusBarWidth * cumulative / sum;
                cumulative += tally.Count;
                var width = StatusBarWidth * cumulative / sum - x;
                var (fill, text) = Colors(tally.Status);
                var label = GermanFormat.Status(tally.Status);
                html.Append("<rect class=\"segment\" data-status=\"").Append(GermanFormat.StatusToken(tally.Status))
                    .Append("\" data-label=\"").Append(e(label)).Append("\" data-count=\"").Append(Inv(tally.Count))
                    .Append("\" x=\"").Append(GermanFormat.Svg(x)).Append("\" y=\"0\" width=\"").Append(GermanFormat.Svg(width))
                    .Append("\" height=\"").Append(GermanFormat.Svg(BarHeight)).Append("\" fill=\"").Append(fill)
                    .Append("\" stroke=\"#ffffff\" stroke-width=\"1\"><title>")
                    .Append(e(label + ": " + GermanFormat.Integer(tally.Count) + " von " + GermanFormat.Integer(sum)
                        + " (" + GermanFormat.Percent(100.0 * tally.Count / sum) + ")"))
                    .Append("</title></rect>\n");
                if (width >= 26)
                {
                    html.Append("<text class=\"segment-label\" x=\"").Append(GermanFormat.Svg(x + width / 2))
                        .Append("\" y=\"19\" text-anchor=\"middle\" fill=\"").Append(text).Append("\">")
                        .Append(GermanFormat.Integer(tally.Count)).Append("</text>\n");
                }
            }
        }

        for (var i = 0; i < legend.Count; i++)
        {
            var x = i % LegendPerRow * LegendSpacing;
            var y = BarHeight + 12 + i / LegendPerRow * 20;
            var (fill, _) = Colors(legend[i].Status);
            html.Append("<rect class=\"legend-swatch\" data-legend=\"").Append(GermanFormat.StatusToken(legend[i].Status))
                .Append("\" x=\"").Append(GermanFormat.Svg(x)).Append("\" y=\"").Append(GermanFormat.Svg(y))
                .Append("\" width=\"12\" height=\"12\" fill=\"").Append(fill).Append("\" stroke=\"#555555\" stroke-width=\"0.5\"/>")
                .Append("<text class=\"legend-label\" x=\"").Append(GermanFormat.Svg(x + 17)).Append("\" y=\"")
                .Append(GermanFormat.Svg(y + 10.5)).Append("\">")
                .Append(e(GermanFormat.Status(legend[i].Status) + " (" + GermanFormat.Integer(legend[i].Count) + ")"))
                .Append("</text>\n");
        }
        html.Append("</svg>\n");
    }

    private const double LabelWidth = 230;
    private const double ShareBarArea = 390;
    private const double ShareWidth = 720;
    private const double RowHeight = 22;
    private const double TopPad = 6;

    /// <summary>
    /// Horizontal bars of the share with migration background per district (one &lt;rect
    /// class="share-bar"&gt; with data-area and data-share each), a dashed line at the city's share and
    /// an axis in percent. Districts without a share are labelled "keine Angabe" (no bar, never 0).
    /// </summary>
    public static void ShareChart(StringBuilder html, Func<string, string> e, SnapshotDemographics demographics)
    {
        var areas = demographics.Areas;
        double? city = demographics.City is { HasMigrationBackgroundSharePercent: true } c
            && double.IsFinite(c.MigrationBackgroundSharePercent) ? c.MigrationBackgroundSharePercent : null;
        var shares = areas.Where(a => a.HasMigrationBackgroundSharePercent && double.IsFinite(a.MigrationBackgroundSharePercent))
            .Select(a => a.MigrationBackgroundSharePercent);
        if (city is { } cs) shares = shares.Append(cs);
        var max = Math.Max(10, Math.Ceiling(shares.DefaultIfEmpty(0).Max() / 10) * 10);
        var plotBottom = TopPad + areas.Count * RowHeight;
        var height = plotBottom + (city is null ? 26 : 44);
        const string titleId = "share-chart-title";

        html.Append("<svg class=\"share-chart\" role=\"img\" aria-labelledby=\"").Append(titleId).Append("\" viewBox=\"0 0 ")
            .Append(GermanFormat.Svg(ShareWidth)).Append(' ').Append(GermanFormat.Svg(height)).Append("\" width=\"")
            .Append(GermanFormat.Svg(ShareWidth)).Append("\" height=\"").Append(GermanFormat.Svg(height))
            .Append("\" data-max-percent=\"").Append(GermanFormat.Svg(max)).Append("\" data-bar-area=\"")
            .Append(GermanFormat.Svg(ShareBarArea)).Append("\">\n");
        html.Append("<title id=\"").Append(titleId).Append("\">")
            .Append(e("Anteil der Bevölkerung mit Migrationshintergrund nach Stadtbezirken"
                + (city is { } cv ? "; Stadt gesamt " + GermanFormat.Percent(cv) : "")))
            .Append("</title>\n");

        // Grid lines and axis labels at 0, 10, 20 … percent.
        for (var tick = 0d; tick <= max + 0.001; tick += max <= 50 ? 10 : 20)
        {
            var x = LabelWidth + tick / max * ShareBarArea;
            html.Append("<line class=\"grid\" x1=\"").Append(GermanFormat.Svg(x)).Append("\" y1=\"").Append(GermanFormat.Svg(TopPad - 2))
                .Append("\" x2=\"").Append(GermanFormat.Svg(x)).Append("\" y2=\"").Append(GermanFormat.Svg(plotBottom))
                .Append("\" stroke=\"#d0d0d0\" stroke-width=\"1\"/>")
                .Append("<text class=\"axis-label\" x=\"").Append(GermanFormat.Svg(x)).Append("\" y=\"")
                .Append(GermanFormat.Svg(plotBottom + 14)).Append("\" text-anchor=\"middle\">")
                .Append(tick.ToString("0", CultureInfo.InvariantCulture)).Append(" %</text>\n");
        }

        for (var i = 0; i < areas.Count; i++)
        {
            var area = areas[i];
            var y = TopPad + i * RowHeight;
            var title = string.IsNullOrWhiteSpace(area.AreaTitle) ? area.Area : area.AreaTitle;
            html.Append("<text class=\"area-label\" x=\"").Append(GermanFormat.Svg(LabelWidth - 8)).Append("\" y=\"")
                .Append(GermanFormat.Svg(y + 14)).Append("\" text-anchor=\"end\">").Append(e(Shorten(title, 34)))
                .Append("<title>").Append(e(title)).Append("</title></text>\n");
            if (area.HasMigrationBackgroundSharePercent && double.IsFinite(area.MigrationBackgroundSharePercent))
            {
                var share = area.MigrationBackgroundSharePercent;
                var width = Math.Max(0, share) / max * ShareBarArea;
                html.Append("<rect class=\"share-bar\" data-area=\"").Append(e(area.Area)).Append("\" data-share=\"")
                    .Append(share.ToString("0.###", CultureInfo.InvariantCulture)).Append("\" x=\"").Append(GermanFormat.Svg(LabelWidth))
                    .Append("\" y=\"").Append(GermanFormat.Svg(y + 3)).Append("\" width=\"").Append(GermanFormat.Svg(width))
                    .Append("\" height=\"15\" fill=\"#1f5fa8\"><title>").Append(e(title + ": " + GermanFormat.Percent(share)))
                    .Append("</title></rect>")
                    .Append("<text class=\"share-value\" x=\"").Append(GermanFormat.Svg(LabelWidth + width + 5)).Append("\" y=\"")
                    .Append(GermanFormat.Svg(y + 14)).Append("\">").Append(e(GermanFormat.Percent(share))).Append("</text>\n");
            }
            else
            {
                html.Append("<text class=\"share-missing\" data-area=\"").Append(e(area.Area)).Append("\" x=\"")
                    .Append(GermanFormat.Svg(LabelWidth + 5)).Append("\" y=\"").Append(GermanFormat.Svg(y + 14))
                    .Append("\">keine Angabe</text>\n");
            }
        }

        if (city is { } cityShare)
        {
            var x = LabelWidth + Math.Max(0, cityShare) / max * ShareBarArea;
            html.Append("<line class=\"city-line\" x1=\"").Append(GermanFormat.Svg(x)).Append("\" y1=\"").Append(GermanFormat.Svg(TopPad - 4))
                .Append("\" x2=\"").Append(GermanFormat.Svg(x)).Append("\" y2=\"").Append(GermanFormat.Svg(plotBottom + 2))
                .Append("\" stroke=\"#8e3b46\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>\n")
                .Append("<line x1=\"").Append(GermanFormat.Svg(LabelWidth)).Append("\" y1=\"").Append(GermanFormat.Svg(plotBottom + 32))
                .Append("\" x2=\"").Append(GermanFormat.Svg(LabelWidth + 24)).Append("\" y2=\"").Append(GermanFormat.Svg(plotBottom + 32))
                .Append("\" stroke=\"#8e3b46\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>")
                .Append("<text class=\"city-label\" x=\"").Append(GermanFormat.Svg(LabelWidth + 30)).Append("\" y=\"")
                .Append(GermanFormat.Svg(plotBottom + 36)).Append("\">")
                .Append(e("Stadt gesamt: " + GermanFormat.Percent(cityShare))).Append("</text>\n");
        }
        html.Append("</svg>\n");
    }

    private static string Shorten(string text, int max)
    {
        if (text.Length <= max) return text;
        var cut = max - 1;
        if (char.IsHighSurrogate(text[cut - 1])) cut--; // never split a surrogate pair
        return text[..cut].TrimEnd() + "…";
    }

    private static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);
}
