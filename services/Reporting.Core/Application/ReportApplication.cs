using Grpc.Core;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.Reporting.Core.Domain.Reports;
using IntegrationServices.Reporting.Core.Storage;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Storage;
using Format = IntegrationServices.Contracts.Reporting.V1.RenderReportRequest.Types.Format;
using State = IntegrationServices.Contracts.Reporting.V1.ReportingCycle.Types.State;

namespace IntegrationServices.Reporting.Core.Application;

/// <summary>The report of a cycle: its snapshot rendered with the cycle's title and council paper (RenderReport, <c>GET /reports/…</c>).</summary>
public sealed class ReportApplication(Database database, ReportingCycleRepository cycles, SnapshotStore snapshots, ReportRenderer renderer)
{
    public async Task<RenderedReport> RenderAsync(string cycleId, Format format, CancellationToken ct)
    {
        var (cycle, stored) = await database.ReadAsync(async db =>
            (await cycles.GetAsync(db, cycleId, forUpdate: false, ct), await snapshots.GetAsync(db, cycleId, ct)), ct);
        var name = ReportingNames.Cycles.Format(cycleId);
        if (cycle is null)
            throw new ServiceException(StatusCode.NotFound, "RESOURCE_NOT_FOUND", $"There is no reporting cycle {name}.");
        if (stored is null)
            throw new ServiceException(StatusCode.NotFound, "RESOURCE_NOT_FOUND",
                $"{name} has no snapshot yet (state {ProtoEnum<State>.Name(cycle.State)}); the report exists once the snapshot worker has taken it.");
        return renderer.Render(stored.ToProto(), cycle, format);
    }
}
