using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.Reporting.Core.Domain.OParl;
using Microsoft.Extensions.Options;
using Role = IntegrationServices.Contracts.Reporting.V1.Consultation.Types.Role;

namespace IntegrationServices.Reporting.Core.Tests.Domain;

public sealed class OParlExportTests
{
    [Fact]
    public void Organization_ids_are_stable_and_distinct()
    {
        Assert.Equal("ausschuss-fuer-soziales-und-gesundheit", OParlExporter.Slug("Ausschuss für Soziales und Gesundheit"));
        Assert.Equal("50-fachbereich-soziales-und-gesundheit", OParlExporter.Slug("50 Fachbereich Soziales und Gesundheit"));
        var exporter = new OParlExporter(Options.Create(new OParlOptions { BaseUrl = "https://x.example/oparl/" }));
        var export = exporter.Export(new Cycle
        {
            Id = "slug",
            Title = "t",
            ReferenceDate = new DateOnly(2020, 1, 1),
            ReportingDate = new DateOnly(2020, 2, 1),
            Paper = new Paper("1", null, "t", null, null),
            Consultations =
            [
                new(1, "A-B", Role.Information, false, null, true, null, false),
                new(2, "A B", Role.Information, false, null, true, null, false),
                new(3, "A-B", Role.Information, false, null, true, null, false),
            ],
        });
        Assert.Equal(2, export.OrganizationsJson.Count);
        Assert.Contains("\"id\": \"https://x.example/oparl/organizations/a-b\"", export.OrganizationsJson[0]);
        Assert.DoesNotContain("\"id\": \"https://x.example/oparl/organizations/a-b\"", export.OrganizationsJson[1]);
    }
}
