using System.Globalization;
using IntegrationServices.ServiceDefaults.Api;

namespace IntegrationServices.Measures.Domain;

/// <summary>The resource names of the Measures service (AIP-122), one instance per collection.</summary>
public static class MeasureNames
{
    /// <summary><c>measures/{id}</c>: ids are the measures' row ids.</summary>
    public static readonly ResourceName Measures = new("measures", "42", numeric: true);

    public static readonly ResourceName ActionConcepts = new("actionConcepts", "idk");

    public static readonly ResourceName Units = new("units", "50");

    /// <summary><c>fieldsOfAction/{number}</c>, 1–8.</summary>
    public static readonly ResourceName FieldsOfAction = new("fieldsOfAction", "1", numeric: true);

    public const string StatusEvents = "statusEvents";

    /// <summary><c>measures/{measure}/statusEvents/{event}</c>.</summary>
    public static string StatusEvent(long measureId, long eventId) =>
        Measures.Child(measureId.ToString(CultureInfo.InvariantCulture), StatusEvents, eventId.ToString(CultureInfo.InvariantCulture));

    /// <summary>The event id of a name <see cref="StatusEvent"/> formatted.</summary>
    public static long StatusEventId(string name) => long.Parse(name[(name.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);
}
