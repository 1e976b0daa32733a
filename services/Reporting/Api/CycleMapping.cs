using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.Reporting.Core.Domain.OParl;
using IntegrationServices.ServiceDefaults.Api;

namespace IntegrationServices.Reporting.Api;

/// <summary>Domain → proto, with the redaction of non-public results for callers who may not see them.</summary>
public static class CycleMapping
{
    public static ReportingCycle ToProto(this Cycle cycle, bool revealNonPublicResults)
    {
        var proto = new ReportingCycle
        {
            Name = cycle.Name,
            Title = cycle.Title,
            Description = cycle.Description,
            ReferenceDate = cycle.ReferenceDate.ToProto(),
            ReportingDate = cycle.ReportingDate.ToProto(),
            State = cycle.State,
            Snapshot = cycle.Snapshot ?? "",
            Etag = cycle.Etag,
            CreateTime = cycle.CreateTime.ToProto(),
            UpdateTime = cycle.UpdateTime.ToProto(),
            KnowledgeCutoff = cycle.KnowledgeCutoff.ToProto(),
        };
        proto.Scope.AddRange(cycle.Scope);
        if (cycle.Paper is { } paper)
            proto.Paper = new CouncilPaper
            {
                Reference = paper.Reference ?? "",
                PaperType = paper.PaperType ?? "",
                Title = paper.Title ?? "",
                UnderDirectionOf = paper.UnderDirectionOf ?? "",
                Date = paper.Date?.ToProto(),
            };
        foreach (var c in cycle.Consultations)
        {
            var withheld = !c.Public && c.HasResult && !revealNonPublicResults;
            proto.Consultations.Add(new Consultation
            {
                Order = c.Order,
                Organization = c.Organization,
                Role = c.Role,
                Authoritative = c.Authoritative,
                MeetingDate = c.MeetingDate?.ToProto(),
                Public = c.Public,
                Result = withheld ? "" : c.Result ?? "",
                Postponed = c.Postponed,
                ResultWithheld = withheld,
            });
        }
        return proto;
    }

    public static ExportOParlResponse ToProto(this OParlExport export)
    {
        var response = new ExportOParlResponse { PaperJson = export.PaperJson };
        response.MeetingsJson.AddRange(export.MeetingsJson);
        response.OrganizationsJson.AddRange(export.OrganizationsJson);
        return response;
    }
}
