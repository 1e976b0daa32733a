using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using Google.Protobuf.WellKnownTypes;

namespace IntegrationServices.Cli;

/// <summary>Options and arguments with the API's value forms: dates, instants, resource names, enum names.</summary>
internal static class Values
{
    /// <summary>An option taking a calendar date (yyyy-MM-dd).</summary>
    public static Option<Google.Type.Date?> Date(string name, string description, bool required = false) => new(name)
    {
        Description = description + " (yyyy-MM-dd)",
        Required = required,
        HelpName = "yyyy-MM-dd",
        CustomParser = ParseDate,
    };

    /// <summary>An option taking an instant (ISO 8601 with offset, e.g. 2018-07-31T22:00:00Z).</summary>
    public static Option<Timestamp?> Instant(string name, string description) => new(name)
    {
        Description = description + " (ISO 8601 with offset, e.g. 2018-07-31T22:00:00Z)",
        HelpName = "instant",
        CustomParser = ParseInstant,
    };

    /// <summary>An option taking the name of a proto enum value (e.g. IN_PROGRESS).</summary>
    public static Option<T> Enum<T>(string name, string description, bool required = false) where T : struct, System.Enum
    {
        var option = new Option<T>(name)
        {
            Description = $"{description}: {string.Join(", ", IntegrationServices.ServiceDefaults.Api.ProtoEnum<T>.SpecifiedNames)}",
            Required = required,
            HelpName = typeof(T).Name,
            CustomParser = result =>
            {
                var text = result.Tokens.Single().Value;
                if (IntegrationServices.ServiceDefaults.Api.ProtoEnum<T>.TryParse(text.ToUpperInvariant(), out var value)
                    && IntegrationServices.ServiceDefaults.Api.ProtoEnum<T>.IsSpecified(value)) return value;
                result.AddError($"'{text}' is not one of {string.Join(", ", IntegrationServices.ServiceDefaults.Api.ProtoEnum<T>.SpecifiedNames)} ({name}).");
                return default;
            },
        };
        return option;
    }

    /// <summary>An option taking a number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<T> Number<T>(string name, string description, T min, T max, T? defaultValue = null, bool required = false)
        where T : struct, INumber<T>
    {
        var option = new Option<T>(name)
        {
            Description = description,
            Required = required,
            CustomParser = result =>
            {
                var text = result.Tokens.Single().Value;
                if (T.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
                result.AddError($"{name} must be a number from {min} to {max}, not '{text}'.");
                return default;
            },
        };
        if (defaultValue is { } d) option.DefaultValueFactory = _ => d;
        return option;
    }

    /// <summary>A resource given as its id ("42") or its name ("measures/42"): the name.</summary>
    public static string Name(string collection, string idOrName) =>
        idOrName.StartsWith(collection + "/", StringComparison.Ordinal) ? idOrName : $"{collection}/{idOrName}";

    /// <summary>A cycle's id from "2018" or "reportingCycles/2018".</summary>
    public static string CycleId(string idOrName) =>
        idOrName.StartsWith("reportingCycles/", StringComparison.Ordinal) ? idOrName["reportingCycles/".Length..] : idOrName;

    public static string Text(Google.Type.Date? date) =>
        date is null || date.Year == 0 ? "" : $"{date.Year:D4}-{date.Month:D2}-{date.Day:D2}";

    public static string Text(Timestamp? instant) =>
        instant is null ? "" : instant.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static Google.Type.Date? ParseDate(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return new Google.Type.Date { Year = date.Year, Month = date.Month, Day = date.Day };
        result.AddError($"'{text}' is not a date (yyyy-MM-dd).");
        return null;
    }

    private static Timestamp? ParseInstant(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant)
            && (text.EndsWith('Z') || text.Contains('+') || text.LastIndexOf('-') > 9))
            return Timestamp.FromDateTimeOffset(instant);
        result.AddError($"'{text}' is not an instant with offset (e.g. 2018-07-31T22:00:00Z).");
        return null;
    }
}
