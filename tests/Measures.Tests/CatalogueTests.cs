namespace IntegrationServices.Measures.Tests;

/// <summary>The catalogue: fields of action, action concepts and organizational units.</summary>
public abstract class CatalogueTests(MeasuresFixture fixture) : MeasuresTestBase(fixture)
{
    [Fact]
    public async Task ListFieldsOfAction_returns_the_eight_seeded_fields_with_their_German_titles()
    {
        string[] titles =
        [
            "Bildung und Sprachförderung",
            "Ausbildung und Arbeitsmarkt",
            "Interkulturelle Öffnung der Verwaltung",
            "Demokratieförderung und Abbau von Diskriminierung",
            "Gesundheit",
            "Kultur, Freizeit und Sport",
            "Wohnen und Zusammenleben im Quartier",
            "Geflüchtete in städtischer Unterbringung",
        ];

        var all = await Reader.ListFieldsOfActionAsync(new ListFieldsOfActionRequest());

        Assert.Equal("", all.NextPageToken);
        Assert.Equal(Enumerable.Range(1, 8), all.FieldsOfAction.Select(f => f.Number));
        Assert.Equal(Enumerable.Range(1, 8).Select(n => $"fieldsOfAction/{n}"), all.FieldsOfAction.Select(f => f.Name));
        Assert.Equal(titles, all.FieldsOfAction.Select(f => f.Title));
        Assert.All(all.FieldsOfAction, f => Assert.False(string.IsNullOrWhiteSpace(f.Description)));

        var (paged, sizes) = await PagesAsync<FieldOfAction>(async token =>
        {
            var page = await Reader.ListFieldsOfActionAsync(new ListFieldsOfActionRequest { PageSize = 3, PageToken = token });
            return (page.FieldsOfAction, page.NextPageToken);
        });
        Assert.Equal([3, 3, 2], sizes);
        Assert.Equal(all.FieldsOfAction, paged);
    }

    [Fact]
    public async Task CreateActionConcept_stores_the_concept_and_ListActionConcepts_lists_it()
    {
        var id = Unique("konzept");
        var created = await Coordinator.CreateActionConceptAsync(new CreateActionConceptRequest
        {
            ActionConceptId = id,
            ActionConcept = new ActionConcept { Title = "Konzept zur Integration von Flüchtlingen", CouncilPaper = "16-01642", Note = "Beschlussdatum offen" },
        });

        Assert.Equal($"actionConcepts/{id}", created.Name);
        Assert.Equal("Konzept zur Integration von Flüchtlingen", created.Title);
        Assert.Null(created.AdoptedOn);
        Assert.Equal("16-01642", created.CouncilPaper);
        Assert.Equal("Beschlussdatum offen", created.Note);
        Assert.Equal(NowStamp, created.CreateTime);

        var withDate = await NewConceptAsync();
        Assert.Equal(D(2016, 1, 1), withDate.AdoptedOn);

        var listed = await ListAllConceptsAsync(pageSize: 1);
        Assert.Contains(created, listed);
        Assert.Contains(withDate, listed);
        Assert.Equal(listed.Select(c => c.Name).Distinct(), listed.Select(c => c.Name));
        Assert.Equal(listed.Select(c => c.Name).Order(StringComparer.Ordinal), listed.Select(c => c.Name));

        var audit = Assert.Single(await AuditOfAsync(created.Name));
        Assert.Equal(Service + "CreateActionConcept", audit.Method);
        Assert.Equal("coordinator-user", audit.Subject);
        Assert.Contains("16-01642", audit.Change);
    }

    [Fact]
    public async Task CreateActionConcept_refuses_duplicates_and_invalid_input()
    {
        var existing = await NewConceptAsync();
        var id = existing.Name["actionConcepts/".Length..];

        var e = await Rpc.FailsAsync(StatusCode.AlreadyExists, () => Admin.CreateActionConceptAsync(new CreateActionConceptRequest
        {
            ActionConceptId = id, ActionConcept = new ActionConcept { Title = "Noch einmal" },
        }));
        Rpc.ErrorInfo(e, "RESOURCE_ALREADY_EXISTS");
        await Rpc.InvalidAsync(() => Admin.CreateActionConceptAsync(new CreateActionConceptRequest
        {
            ActionConceptId = "Bad_Id", ActionConcept = new ActionConcept { Title = "" , AdoptedOn = D(2019, 2, 31) },
        }), "action_concept_id", "action_concept.title", "action_concept.adopted_on");
        await Rpc.InvalidAsync(() => Admin.CreateActionConceptAsync(new CreateActionConceptRequest()), "action_concept");
        await Rpc.InvalidAsync(() => Admin.CreateActionConceptAsync(new CreateActionConceptRequest
        {
            ActionConcept = new ActionConcept { Title = new string('t', NewActionConcept.MaxTitle + 1), CouncilPaper = new string('p', NewActionConcept.MaxCouncilPaper + 1) },
        }), "action_concept.title", "action_concept.council_paper");
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => As("editor-c", [Roles.Editor]).CreateActionConceptAsync(new CreateActionConceptRequest
        {
            ActionConcept = new ActionConcept { Title = "Nicht erlaubt" },
        }));
        Assert.Equal("Testkonzept", (await ListAllConceptsAsync(1000)).Single(c => c.Name == existing.Name).Title);
    }

    [Fact]
    public async Task CreateActionConcept_retried_with_the_same_request_id_creates_one_concept()
    {
        var before = await ListAllConceptsAsync(1000);
        var request = new CreateActionConceptRequest { RequestId = Guid.NewGuid().ToString(), ActionConcept = new ActionConcept { Title = "Einmalig" } };

        var first = await Admin.CreateActionConceptAsync(request);
        var retry = await Admin.CreateActionConceptAsync(request);

        Assert.Equal(first, retry);
        Assert.Equal(before.Count + 1, (await ListAllConceptsAsync(1000)).Count);
    }

    private async Task<List<ActionConcept>> ListAllConceptsAsync(int pageSize) =>
        (await PagesAsync<ActionConcept>(async token =>
        {
            var page = await Reader.ListActionConceptsAsync(new ListActionConceptsRequest { PageSize = pageSize, PageToken = token });
            return (page.ActionConcepts, page.NextPageToken);
        })).Items;

    private async Task<List<OrganizationalUnit>> ListAllUnitsAsync(int pageSize) =>
        (await PagesAsync<OrganizationalUnit>(async token =>
        {
            var page = await Reader.ListOrganizationalUnitsAsync(new ListOrganizationalUnitsRequest { PageSize = pageSize, PageToken = token });
            return (page.OrganizationalUnits, page.NextPageToken);
        })).Items;

    [Fact]
    public async Task CreateOrganizationalUnit_stores_the_unit_below_its_parent_and_ListOrganizationalUnits_lists_it()
    {
        var parentId = Unique("dezernat");
        var parent = await Coordinator.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest
        {
            OrganizationalUnitId = parentId, OrganizationalUnit = new OrganizationalUnit { Title = "Dezernat V" },
        });
        var child = await Coordinator.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest
        {
            OrganizationalUnitId = Unique("fb50"),
            OrganizationalUnit = new OrganizationalUnit { Title = "50 Fachbereich Soziales und Gesundheit", Parent = parent.Name },
        });

        Assert.Equal($"units/{parentId}", parent.Name);
        Assert.Equal("", parent.Parent);
        Assert.Equal(parent.Name, child.Parent);
        Assert.Equal("50 Fachbereich Soziales und Gesundheit", child.Title);
        Assert.Equal(NowStamp, child.CreateTime);

        var listed = await ListAllUnitsAsync(pageSize: 2);
        Assert.Contains(parent, listed);
        Assert.Contains(child, listed);
        Assert.Equal(listed.Select(u => u.Name).Distinct(), listed.Select(u => u.Name));

        var audit = Assert.Single(await AuditOfAsync(child.Name));
        Assert.Equal(Service + "CreateOrganizationalUnit", audit.Method);
        Assert.Contains("50 Fachbereich Soziales und Gesundheit", audit.Change);
    }

    [Fact]
    public async Task CreateOrganizationalUnit_refuses_duplicates_unknown_parents_and_invalid_input()
    {
        var unit = await NewUnitAsync();
        var before = await ListAllUnitsAsync(1000);

        await Rpc.FailsAsync(StatusCode.AlreadyExists, () => Admin.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest
        {
            OrganizationalUnitId = unit.Name["units/".Length..], OrganizationalUnit = new OrganizationalUnit { Title = "Doppelt" },
        }));
        await Rpc.InvalidAsync(() => Admin.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest
        {
            OrganizationalUnit = new OrganizationalUnit { Title = "Ohne Eltern", Parent = "units/does-not-exist" },
        }), "organizational_unit.parent");
        await Rpc.InvalidAsync(() => Admin.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest
        {
            OrganizationalUnitId = "-bad-", OrganizationalUnit = new OrganizationalUnit { Title = " ", Parent = "departments/5" },
        }), "organizational_unit_id", "organizational_unit.title", "organizational_unit.parent");
        await Rpc.InvalidAsync(() => Admin.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest()), "organizational_unit");
        await Rpc.FailsAsync(StatusCode.PermissionDenied, () => Reader.CreateOrganizationalUnitAsync(new CreateOrganizationalUnitRequest
        {
            OrganizationalUnit = new OrganizationalUnit { Title = "Nicht erlaubt" },
        }));

        Assert.Equal(before, await ListAllUnitsAsync(1000));
    }

    [Fact]
    public async Task CreateOrganizationalUnit_retried_with_the_same_request_id_creates_one_unit()
    {
        var before = await ListAllUnitsAsync(1000);
        var request = new CreateOrganizationalUnitRequest { RequestId = Guid.NewGuid().ToString(), OrganizationalUnit = new OrganizationalUnit { Title = "Einmalig" } };

        var first = await Admin.CreateOrganizationalUnitAsync(request);
        var retry = await Admin.CreateOrganizationalUnitAsync(request);

        Assert.Equal(first, retry);
        Assert.Equal(before.Count + 1, (await ListAllUnitsAsync(1000)).Count);
    }
}

public sealed class SqliteCatalogueTests(SqliteFixture fixture) : CatalogueTests(fixture), IClassFixture<SqliteFixture>;

public sealed class SqlServerCatalogueTests(SqlServerFixture fixture) : CatalogueTests(fixture), IClassFixture<SqlServerFixture>;
