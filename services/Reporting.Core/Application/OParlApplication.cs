using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.Reporting.Core.Domain.OParl;
using IntegrationServices.Reporting.Core.Storage;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Storage;
using Microsoft.Extensions.Options;

namespace IntegrationServices.Reporting.Core.Application;

/// <summary>
/// The public side of the council papers: which cycles' papers are published today (Europe/Berlin, see
/// <see cref="OParlPublication"/>) and their OParl objects. Reads only; every answer is taken afresh, so
/// a paper appears on the day after its date without a restart.
/// </summary>
public sealed class OParlApplication(Database database, ReportingCycleRepository cycles, OParlExporter exporter,
    IOptions<OParlOptions> options, TimeProvider clock)
{
    /// <summary>System and Body, which need no paper.</summary>
    public OParlDirectory WithoutPapers => new(exporter, options.Value, []);

    /// <summary>Every published paper's objects (the lists, organizations). Public papers are one per cycle: a handful a year.</summary>
    public async Task<OParlDirectory> DirectoryAsync(CancellationToken ct)
    {
        var today = BusinessCalendar.Today(clock);
        var candidates = await database.ReadAsync(db => cycles.PublishedAsync(db, today, ct), ct);
        return new OParlDirectory(exporter, options.Value, candidates.Where(c => OParlPublication.IsPublished(c, today)));
    }

    /// <summary>The objects of one cycle's paper, empty unless it is published (an object of one paper is looked up without reading the others).</summary>
    public async Task<OParlDirectory> DirectoryOfAsync(string cycleId, CancellationToken ct)
    {
        var published = await PublishedAsync(cycleId, ct);
        return new OParlDirectory(exporter, options.Value, published is null ? [] : [published]);
    }

    /// <summary>The cycle if its paper is published today, else null (also for an unknown id).</summary>
    public async Task<Cycle?> PublishedAsync(string cycleId, CancellationToken ct)
    {
        if (!ResourceIds.IsValid(cycleId)) return null;
        var cycle = await database.ReadAsync(db => cycles.GetAsync(db, cycleId, forUpdate: false, ct), ct);
        return cycle is not null && OParlPublication.IsPublished(cycle, BusinessCalendar.Today(clock)) ? cycle : null;
    }
}
