using Google.Protobuf.WellKnownTypes;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Errors;

namespace IntegrationServices.Measures;

/// <summary>Resource names of this service (AIP-122) and their ids.</summary>
public static class Names
{
    public const string Measures = "measures";
    public const string ActionConcepts = "actionConcepts";
    public const string Units = "units";
    public const string FieldsOfAction = "fieldsOfAction";

    public static string Measure(long id) => $"measures/{id}";
    public static string ActionConcept(string id) => $"actionConcepts/{id}";
    public static string Unit(string id) => $"units/{id}";
    public static string FieldOfAction(int number) => $"fieldsOfAction/{number}";
    public static string StatusEvent(long measureId, long eventId) => $"measures/{measureId}/statusEvents/{eventId}";

    /// <summary>"{collection}/{id}" → id; FormatException otherwise (filters report it as INVALID_ARGUMENT).</summary>
    public static string Parse(string name, string collection)
    {
        var prefix = collection + "/";
        if (!name.StartsWith(prefix, StringComparison.Ordinal) || name.Length == prefix.Length || name.IndexOf('/', prefix.Length) >= 0)
            throw new FormatException($"'{name}' is not a resource name of the form {collection}/{{id}}");
        return name[prefix.Length..];
    }

    public static long ParseMeasureId(string name)
    {
        var id = Parse(name, Measures);
        return long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new FormatException($"'{name}' is not a measure name of the form measures/{{number}}");
    }

    /// <summary>Parses a name from a request field: malformed → INVALID_ARGUMENT naming the field.</summary>
    public static T Require<T>(string? value, string field, Func<string, T> parse)
    {
        if (string.IsNullOrEmpty(value)) throw ServiceException.Invalid(field, "is required");
        try { return parse(value); }
        catch (FormatException e) { throw ServiceException.Invalid(field, e.Message); }
    }

    /// <summary>A client-chosen id (AIP-122): lower-case letters, digits and '-', 1–63 characters.</summary>
    public static bool IsValidId(string id) =>
        id.Length is >= 1 and <= 63 && id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') && id[0] != '-' && id[^1] != '-';
}

public static class MeasureMapping
{
    /// <summary>The statuses by their proto names (IN_PROGRESS), as filters and the audit trail spell them.</summary>
    private static readonly IReadOnlyDictionary<string, MeasureStatus> StatusByName = System.Enum.GetValues<MeasureStatus>()
        .Where(s => s != MeasureStatus.Unspecified)
        .ToDictionary(StatusName, StringComparer.Ordinal);

    /// <summary>The proto enum value name of a status, e.g. "IN_PROGRESS" (C#'s ToString() gives "InProgress").</summary>
    public static string StatusName(MeasureStatus status) =>
        typeof(MeasureStatus).GetField(status.ToString())?.GetCustomAttributes(typeof(Google.Protobuf.Reflection.OriginalNameAttribute), false)
            .Cast<Google.Protobuf.Reflection.OriginalNameAttribute>().FirstOrDefault()?.Name ?? status.ToString();

    public static MeasureStatus ParseStatus(string value) =>
        StatusByName.TryGetValue(value, out var status)
            ? status
            : throw new FormatException($"'{value}' is not a measure status ({string.Join(", ", StatusByName.Keys)})");

    public static Measure ToProto(this MeasureRow r) => new()
    {
        Name = Names.Measure(r.Id),
        Code = r.Code,
        Title = r.Title,
        Description = r.Description,
        ActionConcept = Names.ActionConcept(r.ActionConceptId),
        FieldOfAction = r.FieldOfAction,
        ResponsibleUnit = Names.Unit(r.ResponsibleUnitId),
        Parent = r.ParentId is { } p ? Names.Measure(p) : "",
        AdoptedOn = r.AdoptedOn.ToProto(),
        Status = (MeasureStatus)r.Status,
        ProgressPercent = r.ProgressPercent,
        StatusEffectiveDate = r.StatusEffectiveDate?.ToProto(),
        CreateTime = r.CreateTime.ToProto(),
        UpdateTime = r.UpdateTime.ToProto(),
        RetireTime = r.RetireTime?.ToProto(),
        Etag = Etag(r.Revision, r.RetireTime),
    };

    /// <summary>Changes with every new version and with retirement.</summary>
    public static string Etag(int revision, DateTime? retireTime) => retireTime is null ? $"\"{revision}\"" : $"\"{revision}-retired\"";

    public static StatusEvent ToProto(this StatusEventRow r) => new()
    {
        Name = Names.StatusEvent(r.MeasureId, r.Id),
        Status = (MeasureStatus)r.Status,
        ProgressPercent = r.ProgressPercent,
        EffectiveDate = r.EffectiveDate.ToProto(),
        Note = r.Note,
        RecordTime = r.RecordTime.ToProto(),
        RecordedBy = r.RecordedBy,
    };

    public static FieldOfAction ToProto(this FieldOfActionRow r) => new()
    {
        Name = Names.FieldOfAction(r.Number), Number = r.Number, Title = r.Title, Description = r.Description,
    };

    public static ActionConcept ToProto(this ActionConceptRow r) => new()
    {
        Name = Names.ActionConcept(r.Id), Title = r.Title, AdoptedOn = r.AdoptedOn?.ToProto(),
        CouncilPaper = r.CouncilPaper, Note = r.Note, CreateTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.SpecifyKind(r.CreateTime, DateTimeKind.Utc)),
    };

    public static OrganizationalUnit ToProto(this UnitRow r) => new()
    {
        Name = Names.Unit(r.Id), Title = r.Title, Parent = r.ParentId is { } p ? Names.Unit(p) : "",
        CreateTime = Timestamp.FromDateTime(DateTime.SpecifyKind(r.CreateTime, DateTimeKind.Utc)),
    };

    public static MeasureFields Fields(this MeasureRow r) => new(r.Code, r.Title, r.Description, r.ActionConceptId,
        r.FieldOfAction, r.ResponsibleUnitId, r.ParentId, r.AdoptedOn);
}
