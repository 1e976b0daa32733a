using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.ServiceDefaults.Api;

namespace IntegrationServices.Demographics.Api;

/// <summary>Indicators between the catalogue and the API.</summary>
public static class IndicatorMapping
{
    public static Indicator ToProto(this IndicatorEntry entry) => new()
    {
        Name = DemographicsNames.Indicators.Format(entry.Id),
        Title = entry.Title,
        Unit = entry.Unit,
        Definition = entry.Definition,
        Source = entry.Source,
    };

    /// <summary>The indicator a create asks for, each bad field a violation in <paramref name="validator"/> (null when the indicator is missing).</summary>
    public static IndicatorEntry? ToEntry(CreateIndicatorRequest request, Validator validator)
    {
        var id = "";
        if (string.IsNullOrEmpty(request.IndicatorId)) validator.Add("indicator_id", "is required, e.g. \"unemployed_persons\"");
        else id = ResourceIds.Choose(request.IndicatorId, "indicator_id", validator);
        if (request.Indicator is not { } indicator)
        {
            validator.Add("indicator", "is required");
            return null;
        }
        validator.Text(indicator.Title, "indicator.title", 200)
            .Enum(indicator.Unit, "indicator.unit")
            .FreeText(indicator.Definition, "indicator.definition", 2000, required: true)
            .FreeText(indicator.Source, "indicator.source", 2000, required: true);
        return new IndicatorEntry
        {
            Id = id,
            Title = indicator.Title?.Trim() ?? "",
            Unit = indicator.Unit,
            Definition = indicator.Definition?.Trim() ?? "",
            Source = indicator.Source?.Trim() ?? "",
        };
    }
}
