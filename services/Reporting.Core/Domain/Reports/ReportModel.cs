using System.Globalization;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Contracts.Reporting.V1;
using IntegrationServices.ServiceDefaults.Api;

namespace IntegrationServices.Reporting.Core.Domain.Reports;

/// <summary>One status with its count in a summary or a field of action.</summary>
internal sealed record StatusTally(MeasureStatus Status, int Count);

/// <summary>One field of action (Handlungsfeld) as the report shows it.</summary>
internal sealed record FieldSection(
    int? Number,
    string Key,
    string Title,
    int Total,
    IReadOnlyList<StatusTally> Tallies,
    IReadOnlyList<MeasureEntry> Entries)
{
    /// <summary>e.g. "Handlungsfeld 3: Interkulturelle Öffnung der Verwaltung".</summary>
    public string Heading => Number switch
    {
        0 => "Ohne Zuordnung zu einem Handlungsfeld",
        { } n => Title.Length == 0
            ? "Handlungsfeld " + n.ToString(CultureInfo.InvariantCulture)
            : "Handlungsfeld " + n.ToString(CultureInfo.InvariantCulture) + ": " + Title,
        null => Title.Length == 0 ? "Handlungsfeld " + Key : Title,
    };

    /// <summary>Anchor id, e.g. "hf-3".</summary>
    public string Anchor => "hf-" + (Number?.ToString(CultureInfo.InvariantCulture) ?? SafeId(Key));

    private static string SafeId(string key) =>
        new(key.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
}

/// <summary>
/// The snapshot (and its cycle) normalized for the writers: fields of action in number order with
/// their measures, German title texts, empty collections instead of nulls. Pure: built only from
/// its inputs, in a deterministic order.
/// </summary>
internal sealed class ReportModel
{
    public const string DefaultTitle = "Bericht zum Stand der Umsetzung der kommunalen Integrationsplanung";

    private ReportModel(Snapshot snapshot, Cycle? cycle, bool containsExampleData)
    {
        Snapshot = snapshot;
        Measures = snapshot.Measures ?? new MeasureSummary();
        Demographics = snapshot.Demographics ?? new SnapshotDemographics();
        Changes = snapshot.Changes ?? new SnapshotChanges();
        ContainsExampleData = containsExampleData;
        Title = string.IsNullOrWhiteSpace(cycle?.Title) ? DefaultTitle : cycle.Title.Trim();
        Description = cycle?.Description.Trim() ?? "";
        Paper = cycle?.Paper;
        // Sub-measures stand under their parent, further activities in a section of their own.
        var names = Measures.Entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        Children = Measures.Entries.Where(e => e.Parent.Length > 0 && names.Contains(e.Parent))
            .GroupBy(e => e.Parent, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<MeasureEntry>)g.ToList(), StringComparer.Ordinal);
        Adopted = Measures.Entries.Where(e => e.Kind != MeasureKind.FurtherActivity).ToList();
        FurtherActivities = Measures.Entries.Where(e => e.Kind == MeasureKind.FurtherActivity).ToList();
        Fields = BuildFields(Measures, Adopted, e => !(e.Parent.Length > 0 && names.Contains(e.Parent)));
        StatusTallies = Tally(Measures.Entries.Count > 0
            ? Adopted.GroupBy(e => e.Status).Select(g => new StatusCount { Status = g.Key, Count = g.Count() })
            : Measures.ByStatus);
        Total = Measures.Entries.Count > 0 ? Adopted.Count : Measures.Total;
        AverageProgressPercent = Measures.Entries.Count > 0 ? ProgressAverage.Of(Adopted) : Measures.AverageProgressPercent;
        ReferenceDate = snapshot.ReferenceDate ?? cycle?.ReferenceDate.ToProto();
        CycleName = string.IsNullOrEmpty(snapshot.Cycle) ? cycle?.Name ?? "" : snapshot.Cycle;
    }

    public Snapshot Snapshot { get; }
    public MeasureSummary Measures { get; }
    public SnapshotDemographics Demographics { get; }
    public SnapshotChanges Changes { get; }
    public bool ContainsExampleData { get; }
    public string Title { get; }
    /// <summary>The cycle's description (e.g. the assumptions a report rests on); empty when it has none.</summary>
    public string Description { get; }
    public Paper? Paper { get; }
    /// <summary>The council-adopted measures (every measure of a snapshot without kinds).</summary>
    public IReadOnlyList<MeasureEntry> Adopted { get; }
    /// <summary>Work beyond the council-adopted concepts ("weitere Aktivitäten"), shown apart from them.</summary>
    public IReadOnlyList<MeasureEntry> FurtherActivities { get; }
    /// <summary>The sub-measures of each parent of the snapshot, in the snapshot's order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<MeasureEntry>> Children { get; }
    /// <summary>Mean progress of the council-adopted measures that are not discontinued (<see cref="ProgressAverage"/>).</summary>
    public double AverageProgressPercent { get; }
    public IReadOnlyList<FieldSection> Fields { get; }
    public IReadOnlyList<StatusTally> StatusTallies { get; }
    public int Total { get; }
    public Google.Type.Date? ReferenceDate { get; }
    public string CycleName { get; }

    /// <summary>True when there is a previous snapshot to compare with.</summary>
    public bool HasPreviousReport => !string.IsNullOrEmpty(Changes.Base);

    public static ReportModel Build(Snapshot snapshot, Cycle? cycle) =>
        new(snapshot, cycle, ReportRenderer.DetectExampleData(snapshot));

    public IReadOnlyList<MeasureEntry> ChildrenOf(MeasureEntry entry) => Children.GetValueOrDefault(entry.Name) ?? [];

    /// <summary>An indicator's title as stored with its definition (e.g. "Ausländerinnen und Ausländer"), else the report's label.</summary>
    public string IndicatorTitle(string indicator) =>
        Demographics.Indicators.FirstOrDefault(i => i.Name == "indicators/" + indicator)?.Title is { Length: > 0 } title
            ? title : GermanFormat.Indicator(indicator);

    /// <summary>Marks of one figure of an area: "B" (an example went in), "S" (an input was estimated or provisional).</summary>
    public static string Marks(DemographicsAreaSummary area, string figure) =>
        (area.ExampleFigures.Contains(figure) ? "B" : "") + (area.EstimatedFigures.Contains(figure) ? "S" : "");

    /// <summary>Whether any figure of the demographic table carries a mark (then the legend is shown).</summary>
    public bool HasMarks => Demographics.Areas.Append(Demographics.City).OfType<DemographicsAreaSummary>()
        .Any(a => a.ExampleFigures.Count > 0 || a.EstimatedFigures.Count > 0);

    /// <summary>The refugee-housing figure's marks.</summary>
    public static string Marks(SnapshotCityFigure figure) => (figure.Example ? "B" : "") + (figure.Estimated ? "S" : "");

    /// <summary>The field-of-action title of a measure entry (for CSV), from the snapshot's groups.</summary>
    public string FieldTitle(int fieldOfAction) =>
        Fields.FirstOrDefault(f => f.Number == fieldOfAction)?.Title ?? GermanFormat.DefaultFieldTitle(fieldOfAction);

    /// <summary>
    /// Counts in report order: the five known statuses first (those with a count), then anything else
    /// by enum value. Duplicate statuses are added up.
    /// </summary>
    public static IReadOnlyList<StatusTally> Tally(IEnumerable<StatusCount> counts)
    {
        var sums = new SortedDictionary<int, int>();
        foreach (var c in counts)
        {
            sums[(int)c.Status] = sums.GetValueOrDefault((int)c.Status) + c.Count;
        }
        var result = new List<StatusTally>();
        foreach (var status in GermanFormat.StatusOrder)
        {
            if (sums.Remove((int)status, out var n) && n > 0) result.Add(new StatusTally(status, n));
        }
        foreach (var (status, n) in sums)
        {
            if (n > 0) result.Add(new StatusTally((MeasureStatus)status, n));
        }
        return result;
    }

    /// <summary>All five known statuses in report order (also with 0), then any other status present.</summary>
    public static IEnumerable<StatusTally> AllStatuses(IReadOnlyList<StatusTally> tallies) =>
        GermanFormat.StatusOrder
            .Select(s => new StatusTally(s, tallies.FirstOrDefault(t => t.Status == s)?.Count ?? 0))
            .Concat(tallies.Where(t => !GermanFormat.StatusOrder.Contains(t.Status)));

    /// <summary>
    /// One section per field of action that the snapshot names (a group or an entry), ordered by
    /// number. Counts come from the snapshot's group (its summary); for a field without a group they
    /// are counted from the entries. Entries keep the snapshot's order.
    /// </summary>
    private static List<FieldSection> BuildFields(MeasureSummary measures, IReadOnlyList<MeasureEntry> adopted, Func<MeasureEntry, bool> topLevel)
    {
        var groups = new Dictionary<string, GroupSummary>(StringComparer.Ordinal);
        foreach (var g in measures.ByFieldOfAction)
        {
            groups.TryAdd(NormalizeKey(g.Key), g);
        }
        var entriesByKey = adopted
            .GroupBy(e => e.FieldOfAction.ToString(CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => (IReadOnlyList<MeasureEntry>)g.ToList(), StringComparer.Ordinal);

        var keys = groups.Keys.Union(entriesByKey.Keys)
            .Select(k => (Key: k, Number: int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (int?)null))
            .OrderBy(k => k.Number is null ? 1 : 0)
            .ThenBy(k => k.Number ?? 0)
            .ThenBy(k => k.Key, StringComparer.Ordinal);

        var sections = new List<FieldSection>();
        foreach (var (key, number) in keys)
        {
            var all = entriesByKey.GetValueOrDefault(key) ?? [];
            var entries = all.Where(topLevel).ToList();
            groups.TryGetValue(key, out var group);
            var title = !string.IsNullOrWhiteSpace(group?.Title)
                ? group.Title.Trim()
                : number is { } n ? GermanFormat.DefaultFieldTitle(n) : "";
            // Counted from the council-adopted entries (sub-measures included) where the snapshot has them.
            var tallies = measures.Entries.Count == 0 && group is not null && group.ByStatus.Count > 0
                ? Tally(group.ByStatus)
                : Tally(all.GroupBy(e => e.Status).Select(g => new StatusCount { Status = g.Key, Count = g.Count() }));
            var total = measures.Entries.Count == 0 && group is not null && group.Total > 0 ? group.Total : tallies.Sum(t => t.Count);
            if (total == 0 && measures.Entries.Count > 0) continue; // a field with further activities only
            sections.Add(new FieldSection(number, key, title, total, tallies, entries));
        }
        return sections;
    }

    // "fieldsOfAction/3" and "3" name the same field.
    private static string NormalizeKey(string key)
    {
        const string prefix = "fieldsOfAction/";
        return key.StartsWith(prefix, StringComparison.Ordinal) ? key[prefix.Length..] : key;
    }
}
