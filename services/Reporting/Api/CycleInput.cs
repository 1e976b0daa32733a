using Google.Protobuf.Collections;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.ServiceDefaults.Api;

namespace IntegrationServices.Reporting.Api;

/// <summary>
/// The request fields of a cycle, checked for form and turned into domain values: every bad field is
/// one violation on its request path (<c>reporting_cycle.title</c>, <c>reporting_cycle.consultations[1].role</c>, …).
/// </summary>
public static class CycleInput
{
    /// <summary>UpdateReportingCycle's mask: the top-level fields, or single fields of the paper.</summary>
    public static readonly UpdatableFields Updatable = new(
        ["title", "description", "reference_date", "reporting_date", "scope", "paper", "consultations",
         "paper.reference", "paper.paper_type", "paper.title", "paper.under_direction_of", "paper.date"],
        ["name", "state", "snapshot", "etag", "create_time", "update_time", "knowledge_cutoff"]);

    /// <summary>A create's cycle: title and both dates required, no results in the consultations.</summary>
    public static CycleDraft Draft(ReportingCycle input, string field, Validator v)
    {
        var reference = v.Date(input.ReferenceDate, $"{field}.reference_date", required: true, requiredHint: "the Stichtag");
        var reporting = v.Date(input.ReportingDate, $"{field}.reporting_date", required: true, requiredHint: "the date the snapshot is due");
        if (CycleRules.DatesConflict(reference, reporting) is { } conflict) v.Add($"{field}.reporting_date", conflict);
        v.Text(input.Title, $"{field}.title", 400).FreeText(input.Description, $"{field}.description", 4000);
        return new CycleDraft
        {
            Title = input.Title?.Trim() ?? "",
            Description = input.Description?.Trim() ?? "",
            ReferenceDate = reference,
            ReportingDate = reporting,
            Scope = Scope(input.Scope, $"{field}.scope", v),
            Paper = Paper(input.Paper, $"{field}.paper", v),
            Consultations = Consultations(input.Consultations, $"{field}.consultations", v),
        };
    }

    /// <summary>An update's values: only the fields <paramref name="mask"/> names are read and checked.</summary>
    public static CycleDraft Values(ReportingCycle input, IReadOnlyList<string> mask, string field, Validator v)
    {
        var values = new CycleDraft();
        foreach (var path in mask)
        {
            switch (path)
            {
                case "title":
                    v.Text(input.Title, $"{field}.title", 400);
                    values = values with { Title = input.Title?.Trim() ?? "" };
                    break;
                case "description":
                    v.FreeText(input.Description, $"{field}.description", 4000);
                    values = values with { Description = input.Description?.Trim() ?? "" };
                    break;
                case "reference_date":
                    values = values with { ReferenceDate = v.Date(input.ReferenceDate, $"{field}.reference_date", required: true, requiredHint: "the Stichtag") };
                    break;
                case "reporting_date":
                    values = values with { ReportingDate = v.Date(input.ReportingDate, $"{field}.reporting_date", required: true, requiredHint: "the date the snapshot is due") };
                    break;
                case "scope":
                    values = values with { Scope = Scope(input.Scope, $"{field}.scope", v) };
                    break;
                case "consultations":
                    values = values with { Consultations = Consultations(input.Consultations, $"{field}.consultations", v) };
                    break;
            }
        }
        // "paper" and "paper.<field>" read the same paper; the rules take what the mask names of it.
        return mask.Any(p => p == "paper" || p.StartsWith("paper.", StringComparison.Ordinal))
            ? values with { Paper = Paper(input.Paper, $"{field}.paper", v) }
            : values;
    }

    public static IReadOnlyList<string> Scope(IEnumerable<string> scope, string field, Validator v)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var item in scope)
        {
            if (v.Name(ReportingNames.ActionConcepts, item, $"{field}[{i}]") is not null) names.Add(item);
            i++;
        }
        return names.ToList();
    }

    public static Paper? Paper(CouncilPaper? paper, string field, Validator v)
    {
        if (paper is null) return null;
        v.Text(paper.Reference, $"{field}.reference", 64, required: false)
            .Text(paper.PaperType, $"{field}.paper_type", 100, required: false)
            .Text(paper.Title, $"{field}.title", 1000, required: false)
            .Text(paper.UnderDirectionOf, $"{field}.under_direction_of", 400, required: false);
        return Core.Domain.Paper.OrNone(new Paper(Blank(paper.Reference), Blank(paper.PaperType), Blank(paper.Title), Blank(paper.UnderDirectionOf),
            v.Date(paper.Date, $"{field}.date")));
    }

    /// <summary>
    /// Consultations of a create or update: orders given (unique, positive) or all 0 (then numbered by
    /// position); no results — those are recorded with RecordConsultationResult once the snapshot is taken.
    /// </summary>
    public static IReadOnlyList<ConsultationEntry> Consultations(RepeatedField<Consultation> consultations, string field, Validator v)
    {
        if (consultations.Count > CycleRules.MaxConsultations)
        {
            v.Add(field, $"must have at most {CycleRules.MaxConsultations} entries (got {consultations.Count})");
            return [];
        }
        var numberByPosition = consultations.All(c => c.Order == 0);
        var seen = new HashSet<int>();
        var entries = new List<ConsultationEntry>();
        for (var i = 0; i < consultations.Count; i++)
        {
            var c = consultations[i];
            var path = $"{field}[{i}]";
            var order = numberByPosition ? i + 1 : c.Order;
            if (order <= 0) v.Add($"{path}.order", "must be positive (or 0 for every entry, to number them by position)");
            else if (!seen.Add(order)) v.Add($"{path}.order", $"{order} is used twice; every consultation needs its own order");
            v.Text(c.Organization, $"{path}.organization", 400).Enum(c.Role, $"{path}.role");
            if (!string.IsNullOrEmpty(c.Result) || c.Postponed)
                v.Add($"{path}.result", "results cannot be set here; record them with RecordConsultationResult once the snapshot is taken");
            entries.Add(new ConsultationEntry(order, c.Organization?.Trim() ?? "", c.Role, c.Authoritative,
                v.Date(c.MeetingDate, $"{path}.meeting_date"), c.Public, null, false));
        }
        return entries.OrderBy(e => e.Order).ToList();
    }

    /// <summary>A recurrence rule and the number of cycles to plan from it (at most up to the year 9000).</summary>
    public static Recurrence? Recurrence(RecurrenceRule? rule, int count, Validator v)
    {
        v.Require(count is >= 1 and <= Core.Domain.Recurrence.MaxCount, "count", $"must be between 1 and {Core.Domain.Recurrence.MaxCount}");
        if (rule is null)
        {
            v.Add("rule", "is required, e.g. first_reference_date 2019-12-31, interval_months 12, reporting_offset_months 3");
            return null;
        }
        var first = v.Date(rule.FirstReferenceDate, "rule.first_reference_date", required: true, requiredHint: "the Stichtag of the first cycle");
        var interval = rule.IntervalMonths == 0 ? 12 : rule.IntervalMonths;
        v.Require(interval is >= 1 and <= 120, "rule.interval_months", "must be between 1 and 120 (0 = 12, yearly)")
            .Range(rule.ReportingOffsetMonths, 0, 120, "rule.reporting_offset_months")
            .Range(rule.ReportingOffsetDays, 0, 366, "rule.reporting_offset_days");
        if (!v.IsValid || first is null) return null;
        var recurrence = new Recurrence(first.Value, interval, rule.ReportingOffsetMonths, rule.ReportingOffsetDays);
        if (recurrence.ReferenceDate(count - 1).Year > Core.Domain.Recurrence.LastYear)
            v.Add("count", $"reaches beyond the year {Core.Domain.Recurrence.LastYear}");
        return recurrence;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
