namespace IntegrationServices.Reporting.Core.Domain.Reports;

/// <summary>
/// The stylesheet inlined into every HTML report: readable on screen, printable on A4 (page breaks
/// before each field of action, table headers repeated, notices without background). The table of
/// contents leaves room for two-digit numbers, so that from 10 on they do not overlap their text.
/// </summary>
internal static class HtmlReportStyle
{
    public const string Css = """
        :root { color-scheme: light; }
        * { box-sizing: border-box; }
        body { margin: 0 auto; max-width: 60rem; padding: 1.5rem 1.25rem 3rem; font-family: system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #1a1a1a; background: #ffffff; }
        h1 { font-size: 1.7rem; line-height: 1.25; margin: 0.2rem 0 0.75rem; }
        h2 { font-size: 1.35rem; margin: 2.25rem 0 0.75rem; padding-bottom: 0.2rem; border-bottom: 2px solid #1f5fa8; }
        h3 { font-size: 1.1rem; margin: 1.75rem 0 0.5rem; }
        .kicker { margin: 0; color: #4a4a4a; font-size: 0.95rem; }
        dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0.75rem 0; }
        dl.meta dt { font-weight: 600; }
        dl.meta dd { margin: 0; }
        .notice { border: 3px solid #b3261e; background: #fdecea; color: #5f1410; padding: 0.75rem 1rem; margin: 1rem 0; font-size: 1.05rem; }
        .notice strong { font-size: 1.15rem; }
        nav ol { margin: 0.25rem 0; padding-left: 2.5em; columns: 2; column-gap: 3em; }
        nav li { break-inside: avoid; }
        nav a { color: #1f5fa8; }
        table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 0.95rem; }
        caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
        th, td { border: 1px solid #c8c8c8; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
        thead th { background: #eef2f7; }
        tfoot th, tfoot td { font-weight: 600; background: #f6f6f6; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        /* Figures never break; a long header (an indicator's title as stored) wraps instead of widening the table past the page. */
        td.num { white-space: nowrap; }
        td.code, td.date { white-space: nowrap; }
        svg { display: block; max-width: 100%; height: auto; margin: 0.5rem 0; font-family: inherit; print-color-adjust: exact; -webkit-print-color-adjust: exact; }
        svg text { font-size: 12px; }
        svg text.segment-label { font-size: 13px; font-weight: 600; }
        .muted { color: #4a4a4a; }
        td.title p { margin: 0.25rem 0 0; font-size: 0.9rem; }
        .status-note .label { font-weight: 600; }
        .rollup { color: #1f5fa8; }
        tr.sub-measure td.title { padding-left: 1.5rem; }
        .sub-marker { color: #4a4a4a; font-size: 0.85rem; }
        sup.mark { font-size: 0.7rem; font-weight: 600; color: #b3261e; margin-left: 0.1rem; }
        dl.indicators dt { font-weight: 600; margin-top: 0.75rem; }
        dl.indicators dd { margin: 0.2rem 0 0 1rem; }
        dl.indicators dd p { margin: 0.1rem 0; }
        .source { color: #4a4a4a; font-size: 0.9rem; }
        footer { margin-top: 3rem; padding-top: 0.75rem; border-top: 1px solid #c8c8c8; font-size: 0.85rem; color: #333333; }
        code { font-family: ui-monospace, "Cascadia Mono", Consolas, monospace; overflow-wrap: anywhere; }
        @media print {
          @page { size: A4; margin: 16mm 14mm 18mm; }
          body { max-width: none; padding: 0; font-size: 10.5pt; background: none; }
          nav { display: none; }
          thead th, tfoot th, tfoot td, .notice { background: none; }
          .notice { border-width: 2pt; }
          section.field { break-before: page; }
          h2, h3, caption { break-after: avoid; }
          tr, svg, figure { break-inside: avoid; }
          thead { display: table-header-group; }
          a { color: inherit; text-decoration: none; }
        }
        """;
}
