using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Measures.Domain;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Auditing;

namespace IntegrationServices.Measures.Api;

/// <summary>The catalogue's create requests, validated into new entries; every bad field is one violation.</summary>
internal static class CatalogueRequests
{
    public static NewActionConcept NewActionConcept(CreateActionConceptRequest request)
    {
        var v = new Validator();
        v.Try(() => RequestIds.Normalize(request.RequestId));
        var id = ResourceIds.Choose(request.ActionConceptId, "action_concept_id", v);
        var concept = request.ActionConcept;
        if (concept is null) v.Add("action_concept", "is required");
        else v.Text(concept.Title, "action_concept.title", Domain.NewActionConcept.MaxTitle)
              .Text(concept.CouncilPaper, "action_concept.council_paper", Domain.NewActionConcept.MaxCouncilPaper, required: false)
              .FreeText(concept.Note, "action_concept.note", Domain.NewActionConcept.MaxNote);
        var adopted = v.Date(concept?.AdoptedOn, "action_concept.adopted_on");
        v.ThrowIfInvalid();
        return new Domain.NewActionConcept(id, concept!.Title.Trim(), adopted, concept.CouncilPaper ?? "", concept.Note ?? "");
    }

    public static NewUnit NewUnit(CreateOrganizationalUnitRequest request)
    {
        var v = new Validator();
        v.Try(() => RequestIds.Normalize(request.RequestId));
        var id = ResourceIds.Choose(request.OrganizationalUnitId, "organizational_unit_id", v);
        var unit = request.OrganizationalUnit;
        if (unit is null) v.Add("organizational_unit", "is required");
        else v.Text(unit.Title, "organizational_unit.title", Domain.NewUnit.MaxTitle);
        var parent = v.Name(MeasureNames.Units, unit?.Parent, "organizational_unit.parent", required: false);
        v.ThrowIfInvalid();
        return new Domain.NewUnit(id, unit!.Title.Trim(), parent);
    }
}
