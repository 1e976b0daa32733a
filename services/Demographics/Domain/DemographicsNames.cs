using IntegrationServices.ServiceDefaults.Api;

namespace IntegrationServices.Demographics.Domain;

/// <summary>The resource names of the Demographics service (API.md): <c>areas/{id}</c> and <c>indicators/{id}</c>.</summary>
public static class DemographicsNames
{
    public static readonly ResourceName Areas = new("areas", "130");

    public static readonly ResourceName Indicators = new("indicators", "population_total");

    /// <summary>The collection an import's audit record names: an import adds observations, it has no name of its own.</summary>
    public const string Observations = "observations";
}
