using Google.Protobuf.WellKnownTypes;
using IntegrationServices.Contracts.Common.V1;
using IntegrationServices.Measures.Application;

namespace IntegrationServices.Measures.Tests;

/// <summary>The demo data seeder, on a host of its own (it seeds only an empty catalogue).</summary>
public abstract class DemoDataTests(MeasuresFixture fixture) : MeasuresTestBase(fixture)
{
    private async Task<List<OrganizationalUnit>> UnitsAsync() =>
        (await Reader.ListOrganizationalUnitsAsync(new ListOrganizationalUnitsRequest { PageSize = 1000 })).OrganizationalUnits.ToList();

    private async Task<List<ActionConcept>> ConceptsAsync() =>
        (await Reader.ListActionConceptsAsync(new ListActionConceptsRequest { PageSize = 1000 })).ActionConcepts.ToList();

    private async Task<int> EventCountAsync(IEnumerable<Measure> measures)
    {
        var count = 0;
        foreach (var m in measures)
            count += (await Reader.ListStatusEventsAsync(new ListStatusEventsRequest { Parent = m.Name, PageSize = 1000 })).StatusEvents.Count;
        return count;
    }

    [Fact]
    public async Task SeedAsync_seeds_labelled_examples_in_all_eight_fields_and_the_real_catalogue_once()
    {
        await MeasuresDemoData.SeedAsync(Host.Services, CancellationToken.None);

        var measures = await ListAllAsync(new ListMeasuresRequest { ShowRetired = true });
        Assert.NotEmpty(measures);
        Assert.Equal(Enumerable.Range(1, 8), measures.Select(m => m.FieldOfAction).Distinct().Order());
        Assert.All(measures, m => Assert.StartsWith("Beispiel", m.Title));
        Assert.All(measures, m => Assert.Contains("Beispiel", m.Description));
        Assert.Equal(measures.Count, measures.Select(m => m.Code).Distinct().Count());
        Assert.All(measures, m => Assert.True(m.CreateTime.ToDateTime() < Now, $"{m.Name} was not seeded with a past record time"));

        var concepts = await ConceptsAsync();
        var idk = Assert.Single(concepts, c => c.Title == "Integration durch Konsens");
        var refugees = Assert.Single(concepts, c => c.Title == "Konzept zur Integration von Flüchtlingen");
        Assert.Equal("16-01642", refugees.CouncilPaper);
        Assert.Equal(D(2008, 7, 8), idk.AdoptedOn);
        var adopted = measures.Where(m => m.Kind == MeasureKind.CouncilAdopted).ToList();
        Assert.Equal(new[] { idk.Name, refugees.Name }.Order(StringComparer.Ordinal), adopted.Select(m => m.ActionConcept).Distinct().Order(StringComparer.Ordinal));
        // One example further activity, beyond the adopted concepts, and one example parent whose children roll up.
        var further = Assert.Single(measures, m => m.Kind == MeasureKind.FurtherActivity);
        Assert.Equal(("", null), (further.ActionConcept, further.AdoptedOn));
        Assert.Contains("weitere Aktivität", further.Description);
        var parent = Assert.Single(measures, m => m.ChildrenCount > 0);
        Assert.Equal(3, parent.ChildrenCount);
        var children = measures.Where(m => m.Parent == parent.Name).ToList();
        Assert.Equal(children.Average(c => c.ProgressPercent), parent.RollupProgressPercent);

        var units = await UnitsAsync();
        var dezernat = Assert.Single(units, u => u.Title == "Dezernat V");
        var fb50 = Assert.Single(units, u => u.Title == "50 Fachbereich Soziales und Gesundheit");
        Assert.Equal(dezernat.Name, fb50.Parent);
        Assert.Contains(measures, m => m.ResponsibleUnit == fb50.Name);
        Assert.All(measures, m => Assert.Contains(units, u => u.Name == m.ResponsibleUnit));
        Assert.All(units.Where(u => u != dezernat && u != fb50), u => Assert.Contains("Beispiel", u.Title));

        var events = await EventCountAsync(measures);
        var audit = await AuditAsync("");
        Assert.NotEqual(0, events);

        await MeasuresDemoData.SeedAsync(Host.Services, CancellationToken.None);

        Assert.Equal(measures, await ListAllAsync(new ListMeasuresRequest { ShowRetired = true }));
        Assert.Equal(concepts, await ConceptsAsync());
        Assert.Equal(units, await UnitsAsync());
        Assert.Equal(events, await EventCountAsync(measures));
        Assert.Equal(audit, await AuditAsync(""));
    }

    [Fact]
    public async Task The_demo_history_gives_the_past_reporting_dates_something_to_show()
    {
        await MeasuresDemoData.SeedAsync(Host.Services, CancellationToken.None);
        var asOf = D(2018, 6, 30);
        var knownThen = Timestamp.FromDateTime(new DateTime(2018, 7, 1, 0, 0, 0, DateTimeKind.Utc));

        var now = await ListAllAsync(new ListMeasuresRequest { ShowRetired = true });
        var then = await ListAllAsync(new ListMeasuresRequest { AsOf = asOf, KnownAt = knownThen });
        var corrected = await ListAllAsync(new ListMeasuresRequest { AsOf = asOf });

        // Measures added in 2019 are not part of the 2018 picture; ones retired in 2019 still are.
        Assert.True(then.Count < now.Count);
        Assert.All(then, m => Assert.True(m.CreateTime.ToDateTime() <= knownThen.ToDateTime()));
        Assert.Contains(now, m => m.RetireTime is not null);
        Assert.All(now.Where(m => m.RetireTime is not null), r => Assert.Contains(then, m => m.Name == r.Name));
        Assert.Contains(then, m => m.Status != MeasureStatus.NotStarted);

        // Late-recorded status: known later, the same reference date shows more progress for some measures.
        Assert.Contains(then, m => corrected.Single(c => c.Name == m.Name).ProgressPercent > m.ProgressPercent);
        // And a renamed measure carries its old title in the past.
        Assert.Contains(now, m => m.Title.EndsWith("(erweitert)", StringComparison.Ordinal)
                                  && then.Single(t => t.Name == m.Name).Title != m.Title);
    }
}

public sealed class SqliteDemoDataTests(SqliteFixture fixture) : DemoDataTests(fixture), IClassFixture<SqliteFixture>;

public sealed class SqlServerDemoDataTests(SqlServerFixture fixture) : DemoDataTests(fixture), IClassFixture<SqlServerFixture>;
