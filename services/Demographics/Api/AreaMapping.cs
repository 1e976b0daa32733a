using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Demographics.Domain;
using IntegrationServices.ServiceDefaults.Api;

namespace IntegrationServices.Demographics.Api;

/// <summary>Areas between the catalogue and the API.</summary>
public static class AreaMapping
{
    private static readonly ResourceName Areas = DemographicsNames.Areas;

    public static Area ToProto(this AreaEntry entry)
    {
        var area = new Area
        {
            Name = Areas.Format(entry.Id),
            Code = entry.Code,
            Title = entry.Title,
            Kind = entry.Kind,
            Parent = entry.ParentId is null ? "" : Areas.Format(entry.ParentId),
            ValidFrom = entry.ValidFrom?.ToProto(),
            ValidTo = entry.ValidTo?.ToProto(),
            Description = entry.Description,
            RecordTime = entry.RecordTime.ToProto(),
        };
        area.Successors.AddRange(entry.Successors.Select(Areas.Format));
        return area;
    }

    /// <summary>
    /// The area a create asks for, each bad field a violation in <paramref name="validator"/> (null when the
    /// area is missing). The id is <c>area_id</c>, else the code; parent and successors may be names or ids.
    /// Whether they exist is the catalogue's question, asked when the area is added.
    /// </summary>
    public static AreaEntry? ToEntry(CreateAreaRequest request, Validator validator)
    {
        if (request.Area is not { } area)
        {
            validator.Add("area", "is required");
            return null;
        }
        bool Flagged(string field) => validator.Violations.Any(v => v.Field == field);

        validator.Text(area.Code, "area.code", 32)
            .Text(area.Title, "area.title", 200)
            .FreeText(area.Description, "area.description", 2000)
            .Enum(area.Kind, "area.kind")
            .Text(area.Parent, "area.parent", 200, required: false);
        var code = area.Code?.Trim() ?? "";
        string id;
        if (!string.IsNullOrEmpty(request.AreaId)) id = ResourceIds.Choose(request.AreaId, "area_id", validator);
        else
        {
            id = code;
            if (!Flagged("area.code") && !ResourceIds.IsValid(id))
                validator.Add("area.code", $"'{TextRules.Printable(id)}' is not usable as an id: it {ResourceIds.Rule}; pass area_id otherwise");
        }

        var from = validator.Date(area.ValidFrom, "area.valid_from");
        var to = validator.Date(area.ValidTo, "area.valid_to");
        if (from is not null && to is not null && from > to) validator.Add("area.valid_to", "must not be before valid_from");

        for (var i = 0; i < area.Successors.Count; i++) validator.Text(area.Successors[i], $"area.successors[{i}]", 200);
        var successors = area.Successors.Select(s => Areas.IdOf(s.Trim())).Distinct(StringComparer.Ordinal).ToList();
        if (successors.Contains(id)) validator.Add("area.successors", "an area cannot be its own successor");
        if (successors.Count > 0 && to is null && !Flagged("area.valid_to"))
            validator.Add("area.valid_to", "is required when successors are given (an area is merged when it ends)");

        return new AreaEntry
        {
            Id = id,
            Code = code,
            Title = area.Title?.Trim() ?? "",
            Kind = area.Kind,
            ParentId = string.IsNullOrWhiteSpace(area.Parent) ? null : Areas.IdOf(area.Parent.Trim()),
            ValidFrom = from,
            ValidTo = to,
            Description = area.Description?.Trim() ?? "",
            Successors = successors,
        };
    }
}
