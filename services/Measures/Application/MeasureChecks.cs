using IntegrationServices.Measures.Domain;
using IntegrationServices.Measures.Storage;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Measures.Application;

/// <summary>The checks a write on a measure makes against the stored data, inside its own transaction.</summary>
public sealed class MeasureChecks(MeasureRepository measures, CatalogueRepository catalogue)
{
    /// <summary>
    /// Everything the fields refer to exists, and the parent makes no cycle; each broken reference is one
    /// violation of its field; a council-adopted measure has its concept and adoption date. <paramref name="selfId"/> is the measure written (0 for a new one).
    /// </summary>
    public async Task ReferencesAsync(DbScope db, MeasureFields f, long selfId, CancellationToken ct)
    {
        var v = new Validator();
        foreach (var (path, problem) in f.KindProblems()) v.Add("measure." + path, problem);
        if (!await catalogue.FieldOfActionExistsAsync(db, f.FieldOfAction, ct))
            v.Add("measure.field_of_action", $"field of action {f.FieldOfAction} does not exist");
        if (f.ActionConceptId is not null && await catalogue.GetActionConceptAsync(db, f.ActionConceptId, ct) is null)
            v.Add("measure.action_concept", $"{MeasureNames.ActionConcepts.Format(f.ActionConceptId)} does not exist");
        if (await catalogue.GetUnitAsync(db, f.ResponsibleUnitId, ct) is null)
            v.Add("measure.responsible_unit", $"{MeasureNames.Units.Format(f.ResponsibleUnitId)} does not exist");
        if (f.ParentId is { } parent)
        {
            string? problem;
            if (parent == selfId) problem = MeasureRules.ParentProblem(selfId, parent, []);
            else if (!await measures.ExistsAsync(db, parent, ct)) problem = $"{MeasureNames.Measures.Format(parent)} does not exist";
            else if (selfId == 0) problem = null;
            else problem = MeasureRules.ParentProblem(selfId, parent, await measures.AncestryAsync(db, parent, MeasureRules.MaxParentDepth, ct));
            if (problem is not null) v.Add("measure.parent", problem);
        }
        v.ThrowIfInvalid();
    }

    /// <summary>
    /// Editors act only on measures of their own units (or units below them), and move them only there.
    /// An unknown measure (null) is PERMISSION_DENIED for them as well, so nothing about it is revealed.
    /// Checked in the write's transaction: a unit moved meanwhile cannot slip through.
    /// </summary>
    public async Task EditorScopeAsync(DbScope db, Caller caller, MeasureRow? measure, string? newUnitId, CancellationToken ct)
    {
        if (caller.HasAnyRole(Roles.Coordinator, Roles.Admin)) return;
        var units = await catalogue.AllUnitsAsync(db, ct);
        var scope = UnitScope.Expand(caller.Units, units.Select(u => (u.Id, u.ParentId)));
        if (!UnitScope.Allows(scope, measure?.ResponsibleUnitId, newUnitId))
            throw ServiceException.PermissionDenied(
                $"Editors may change only measures of their own units ({string.Join(", ", caller.Units.DefaultIfEmpty("none"))}) and the units below them.");
    }
}
