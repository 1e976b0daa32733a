using Google.Protobuf.WellKnownTypes;
using IntegrationServices.ServiceDefaults.Errors;

namespace IntegrationServices.ServiceDefaults.Api;

/// <summary>Conversions between protobuf time types and .NET, validated, in one place.</summary>
public static class ProtoConvert
{
    public static Google.Type.Date ToProto(this DateOnly date) => new() { Year = date.Year, Month = date.Month, Day = date.Day };

    public static Google.Type.Date? ToProto(this DateOnly? date) => date?.ToProto();

    public static Timestamp ToProto(this DateTime instant) =>
        Timestamp.FromDateTime(instant.Kind == DateTimeKind.Utc ? instant : DateTime.SpecifyKind(instant, DateTimeKind.Utc));

    public static Timestamp? ToProto(this DateTime? instant) => instant?.ToProto();

    /// <summary>A complete calendar date, or null when absent; partial or impossible dates → INVALID_ARGUMENT.</summary>
    public static DateOnly? ToDateOnly(Google.Type.Date? date, string field)
    {
        if (date is null || (date.Year == 0 && date.Month == 0 && date.Day == 0)) return null;
        if (date.Year is < 1 or > 9999 || date.Month is < 1 or > 12 || date.Day < 1 || date.Day > DateTime.DaysInMonth(date.Year, date.Month))
            throw ServiceException.Invalid(field, $"is not a valid calendar date ({date.Year:D4}-{date.Month:D2}-{date.Day:D2}); year, month and day are all required");
        return new DateOnly(date.Year, date.Month, date.Day);
    }

    public static DateOnly RequireDate(Google.Type.Date? date, string field) =>
        ToDateOnly(date, field) ?? throw ServiceException.Invalid(field, "is required");

    public static DateTime? ToDateTime(Timestamp? timestamp, string field)
    {
        if (timestamp is null) return null;
        try { return timestamp.ToDateTime(); }
        catch (InvalidOperationException) { throw ServiceException.Invalid(field, "is not a valid timestamp"); }
    }

    /// <summary>Formats a date as ISO text (used in messages, filters and tokens).</summary>
    public static string Iso(this DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
