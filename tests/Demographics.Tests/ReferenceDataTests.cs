using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;

namespace IntegrationServices.Demographics.Tests;

/// <summary>The seeded areas are the ones of shared/data, row for row (the product ships its own copy).</summary>
public sealed class ReferenceDataTests : DemographicsTest
{
    [Fact]
    public async Task Seeded_areas_match_the_shared_district_lists()
    {
        var areas = new List<Area>();
        var request = new ListAreasRequest { PageSize = 1000 };
        areas.AddRange((await Client(Roles.Reader).ListAreasAsync(request)).Areas);

        var old = File.ReadAllLines(Path.Combine(RepositoryRoot.Shared, "data", "braunschweig_stadtbezirke_19_bis_2021.csv")).Skip(1)
            .Select(l => l.Split(',')).ToList();
        Assert.Equal(19, old.Count);
        foreach (var row in old)
        {
            var area = areas.Single(a => a.Code == row[0] && a.Title == row[1]);
            Assert.True(area.ValidTo is null || area.ValidTo.Equals(new Google.Type.Date { Year = 2021, Month = 10, Day = 31 }));
            if (area.Successors.Count > 0) Assert.Equal("areas/" + row[3], Assert.Single(area.Successors));
            else Assert.Equal("areas/" + row[3], area.Name); // unchanged district: the same area in both sets
            Assert.Contains(row[5].Split(' ')[0], area.Description);
        }

        var current = File.ReadAllLines(Path.Combine(RepositoryRoot.Shared, "data", "braunschweig_stadtbezirke_12_ab_2021.csv")).Skip(1)
            .Select(l => l.Split(',')).ToList();
        Assert.Equal(12, current.Count);
        foreach (var row in current)
        {
            var area = areas.Single(a => a.Name == "areas/" + row[0]);
            Assert.Equal(row[1], area.Title);
            Assert.Contains($"{row[3]} Sitze", area.Description);
        }
    }
}
