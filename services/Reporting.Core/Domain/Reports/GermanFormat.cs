using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using IntegrationServices.Contracts.Measures.V1;

namespace IntegrationServices.Reporting.Core.Domain.Reports;

/// <summary>
/// German formatting of numbers, dates and labels for the report. Deliberately independent of the
/// machine culture and of ICU data: the separators are fixed here, so the same snapshot renders to
/// the same bytes on every machine.
/// </summary>
internal static class GermanFormat
{
    /// <summary>Shown for a missing value (never 0).</summary>
    public const string Missing = "–";

    private static readonly NumberFormatInfo Numbers = new()
    {
        NumberDecimalSeparator = ",",
        NumberGroupSeparator = ".",
        NumberGroupSizes = [3],
        NegativeSign = "-",
        PositiveSign = "+",
    };

    /// <summary>Statuses in the order the report shows them (summary, charts, legends).</summary>
    public static readonly IReadOnlyList<MeasureStatus> StatusOrder = SnapshotContent.Statuses;

    /// <summary>Titles of the eight fields of action (since 2018), used only when the snapshot has no title.</summary>
    public static string DefaultFieldTitle(int number) => number switch
    {
        1 => "Bildung und Sprachförderung",
        2 => "Ausbildung und Arbeitsmarkt",
        3 => "Interkulturelle Öffnung der Verwaltung",
        4 => "Demokratieförderung und Abbau von Diskriminierung",
        5 => "Gesundheit",
        6 => "Kultur, Freizeit und Sport",
        7 => "Wohnen und Zusammenleben im Quartier",
        8 => "Geflüchtete in städtischer Unterbringung",
        _ => "",
    };

    public static string Status(MeasureStatus status) => status switch
    {
        MeasureStatus.NotStarted => "nicht begonnen",
        MeasureStatus.InProgress => "in Umsetzung",
        MeasureStatus.Implemented => "umgesetzt",
        MeasureStatus.Ongoing => "Daueraufgabe",
        MeasureStatus.Discontinued => "entfallen",
        MeasureStatus.Unspecified => "ohne Angabe",
        _ => "unbekannt (" + ((int)status).ToString(CultureInfo.InvariantCulture) + ")",
    };

    /// <summary>Stable machine token of a status for data attributes, e.g. "IN_PROGRESS".</summary>
    public static string StatusToken(MeasureStatus status) => status switch
    {
        MeasureStatus.NotStarted => "NOT_STARTED",
        MeasureStatus.InProgress => "IN_PROGRESS",
        MeasureStatus.Implemented => "IMPLEMENTED",
        MeasureStatus.Ongoing => "ONGOING",
        MeasureStatus.Discontinued => "DISCONTINUED",
        MeasureStatus.Unspecified => "MEASURE_STATUS_UNSPECIFIED",
        _ => ((int)status).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The kind of a measure as the report names it.</summary>
    public static string Kind(MeasureKind kind) =>
        kind == MeasureKind.FurtherActivity ? "Weitere Aktivität" : "Vom Rat beschlossene Maßnahme";

    public static string Indicator(string indicator) => indicator switch
    {
        "population_total" => "Bevölkerung (Einwohner mit Hauptwohnsitz)",
        "foreign_nationals" => "Ausländerinnen und Ausländer",
        "population_with_migration_background" => "Bevölkerung mit Migrationshintergrund",
        "migration_background_share_percent" => "Anteil Bevölkerung mit Migrationshintergrund",
        _ => indicator,
    };

    /// <summary>An integer with German digit grouping, e.g. 27350 → "27.350".</summary>
    public static string Integer(long value) => value.ToString("#,##0", Numbers);

    /// <summary>
    /// A count that arrives as a double: grouped, without decimals when integral, else up to two
    /// decimals ("27.350", "1.234,5"); missing, NaN or infinite → "–".
    /// </summary>
    public static string Count(double? value)
    {
        if (value is not { } v || !double.IsFinite(v)) return Missing;
        return Normalize(v).ToString("#,##0.##", Numbers);
    }

    /// <summary>A percentage with one decimal, e.g. "12,3 %"; missing → "–".</summary>
    public static string Percent(double? value)
    {
        if (value is not { } v || !double.IsFinite(v)) return Missing;
        return Normalize(Math.Round(v, 1, MidpointRounding.AwayFromZero)).ToString("#,##0.0", Numbers) + " %";
    }

    /// <summary>A number with one decimal and no unit, e.g. "12,3" (where the column header says "in %"); missing → "–".</summary>
    public static string Decimal(double? value)
    {
        if (value is not { } v || !double.IsFinite(v)) return Missing;
        return Normalize(Math.Round(v, 1, MidpointRounding.AwayFromZero)).ToString("#,##0.0", Numbers);
    }

    /// <summary>A whole percentage, e.g. "45 %".</summary>
    public static string WholePercent(int value) => value.ToString("0", Numbers) + " %";

    /// <summary>A signed difference, e.g. "+1.234", "-56", "0"; missing → "–".</summary>
    public static string Delta(double? value)
    {
        if (value is not { } v || !double.IsFinite(v)) return Missing;
        v = Normalize(v);
        var text = Math.Abs(v).ToString("#,##0.##", Numbers);
        return v > 0 ? "+" + text : v < 0 ? "-" + text : text;
    }

    /// <summary>Invariant number for SVG coordinates (at most two decimals).</summary>
    public static string Svg(double value) =>
        Normalize(Math.Round(value, 2, MidpointRounding.AwayFromZero)).ToString("0.##", CultureInfo.InvariantCulture);

    public static DateOnly? ToDate(Google.Type.Date? date)
    {
        if (date is null || date.Year <= 0 || date.Month is < 1 or > 12 || date.Day < 1) return null;
        if (date.Day > DateTime.DaysInMonth(date.Year, date.Month)) return null;
        return new DateOnly(date.Year, date.Month, date.Day);
    }

    /// <summary>German date "dd.MM.yyyy"; missing → "–".</summary>
    public static string Date(Google.Type.Date? date) => Date(ToDate(date));

    public static string Date(DateOnly? date) =>
        date is { } d ? d.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture) : Missing;

    /// <summary>ISO date "yyyy-MM-dd" for machine-readable output; missing → "".</summary>
    public static string IsoDate(Google.Type.Date? date) =>
        ToDate(date) is { } d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";

    /// <summary>
    /// An instant as Europe/Berlin wall-clock time, e.g. "01.04.2019, 00:00 Uhr (MESZ)". A cut-off at
    /// midnight adds which day it closes: "(Stand: Ende des 31.03.2019)".
    /// </summary>
    public static string BerlinInstant(Timestamp? timestamp)
    {
        if (timestamp is null) return Missing;
        var utc = timestamp.ToDateTimeOffset();
        var local = TimeZoneInfo.ConvertTime(utc, ReportingCalendar.Berlin);
        var zone = ReportingCalendar.Berlin.IsDaylightSavingTime(utc) ? "MESZ" : "MEZ";
        var text = local.ToString("dd.MM.yyyy', 'HH:mm' Uhr'", CultureInfo.InvariantCulture) + " (" + zone + ")";
        if (local.TimeOfDay == TimeSpan.Zero)
        {
            var dayBefore = DateOnly.FromDateTime(local.DateTime).AddDays(-1);
            text += ", d. h. Stand Ende des " + Date(dayBefore);
        }
        return text;
    }

    private static double Normalize(double v) => v == 0 ? 0d : v; // no "-0"
}
