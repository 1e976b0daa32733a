namespace IntegrationServices.Demographics.Domain;

/// <summary>The indicator ids the service itself relies on (seeded by migration 0002).</summary>
public static class IndicatorIds
{
    public const string PopulationTotal = "population_total";
    public const string PopulationOfficialUpdate = "population_official_update";
    public const string ForeignNationals = "foreign_nationals";
    public const string GermansWithMigrationBackground = "germans_with_migration_background";
    public const string PopulationWithMigrationBackground = "population_with_migration_background";
    public const string RefugeesInMunicipalHousing = "refugees_in_municipal_housing";
}
