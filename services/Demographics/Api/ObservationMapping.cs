using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.Demographics.Storage;
using IntegrationServices.ServiceDefaults.Api;

namespace IntegrationServices.Demographics.Api;

/// <summary>Observations and summaries from storage and domain to the API.</summary>
public static class ObservationMapping
{
    public static Observation ToProto(this ObservationRow row)
    {
        var observation = new Observation
        {
            Indicator = DemographicsNames.Indicators.Format(row.IndicatorId),
            Area = DemographicsNames.Areas.Format(row.AreaId),
            ReferenceDate = row.ReferenceDate.ToProto(),
            Value = row.Value,
            Status = ProtoEnum<ObservationStatus>.Parse(row.Status),
            Comment = row.Comment ?? "",
            RecordTime = row.RecordTime.ToProto(),
            Example = row.Example,
        };
        foreach (var (key, value) in Dimensions.Decode(row.Dimensions)) observation.Dimensions[key] = value;
        return observation;
    }

    public static SummarizeAreasResponse ToProto(this AreaSummaryResult result)
    {
        var response = new SummarizeAreasResponse { City = result.City.ToProto() };
        response.Areas.AddRange(result.Areas.Select(ToProto));
        response.UnmappedAreas.AddRange(result.UnmappedAreaIds.Select(DemographicsNames.Areas.Format));
        if (result.RefugeesInMunicipalHousing is { } housing)
            response.RefugeesInMunicipalHousing = new Contracts.Demographics.V1.CityFigure
            {
                Value = housing.Value, ReferenceDate = housing.ReferenceDate.ToProto(), Example = housing.Example, Estimated = housing.Estimated,
            };
        response.Indicators.AddRange(result.Indicators.Select(IndicatorMapping.ToProto));
        return response;
    }

    public static AreaSummary ToProto(this AreaFigures figures)
    {
        var summary = new AreaSummary
        {
            Area = DemographicsNames.Areas.Format(figures.Area.Id),
            AreaTitle = figures.Area.Title,
            ReferenceDate = figures.ReferenceDate?.ToProto(),
        };
        if (figures.PopulationTotal is { } p) summary.PopulationTotal = p;
        if (figures.ForeignNationals is { } f) summary.ForeignNationals = f;
        if (figures.PopulationWithMigrationBackground is { } m) summary.PopulationWithMigrationBackground = m;
        if (figures.MigrationBackgroundSharePercent is { } s) summary.MigrationBackgroundSharePercent = s;
        summary.MappedFrom.AddRange(figures.MappedFrom.Select(DemographicsNames.Areas.Format));
        summary.ExampleFigures.AddRange(figures.ExampleFigures);
        summary.EstimatedFigures.AddRange(figures.EstimatedFigures);
        return summary;
    }
}
