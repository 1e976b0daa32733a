using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.Contracts.Reporting.V1;

namespace IntegrationServices.Reporting.Core.Domain;

/// <summary>
/// The canonical form of a snapshot: the <see cref="Snapshot"/> message without <c>create_time</c>
/// and <c>content_sha256</c>, serialized with protobuf binary. Everything in it is ordered by a fixed
/// rule (entries by name, groups by key, areas by name) and nothing run-dependent goes in, so the same
/// cycle and the same knowledge always give the same bytes and the same SHA-256.
/// </summary>
public static class SnapshotContent
{
    public static byte[] CanonicalBytes(Snapshot snapshot)
    {
        var content = snapshot.Clone();
        content.CreateTime = null;
        content.ContentSha256 = "";
        return content.ToByteArray();
    }

    public static string Sha256Hex(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>The statuses in their fixed order (every group lists all of them, zeros included).</summary>
    public static readonly MeasureStatus[] Statuses =
        [MeasureStatus.NotStarted, MeasureStatus.InProgress, MeasureStatus.Implemented, MeasureStatus.Ongoing, MeasureStatus.Discontinued];

    /// <summary>The indicators compared between two snapshots, in their fixed order.</summary>
    public static readonly string[] Indicators =
        ["population_total", "foreign_nationals", "population_with_migration_background", "migration_background_share_percent"];

    /// <summary>
    /// The changes from <paramref name="base"/> to <paramref name="target"/>: measures whose status or
    /// progress changed, measures new in the target, measures no longer in it (retired or out of
    /// scope), and per area (city first) and indicator the values and their difference.
    /// </summary>
    public static SnapshotChanges Compare(Snapshot? @base, Snapshot target)
    {
        var changes = new SnapshotChanges { Base = @base?.Name ?? "", Target = target.Name };
        if (@base is null) return changes;
        var before = (@base.Measures?.Entries ?? []).ToDictionary(e => e.Name, StringComparer.Ordinal);
        var after = (target.Measures?.Entries ?? []).ToDictionary(e => e.Name, StringComparer.Ordinal);
        foreach (var entry in after.Values.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (!before.TryGetValue(entry.Name, out var old)) { changes.NewMeasures.Add(entry.Clone()); continue; }
            if (old.Status != entry.Status || old.ProgressPercent != entry.ProgressPercent)
                changes.StatusChanges.Add(new MeasureStatusChange
                {
                    Name = entry.Name,
                    Code = entry.Code,
                    Title = entry.Title,
                    OldStatus = old.Status,
                    NewStatus = entry.Status,
                    OldProgressPercent = old.ProgressPercent,
                    NewProgressPercent = entry.ProgressPercent,
                });
        }
        foreach (var entry in before.Values.Where(e => !after.ContainsKey(e.Name)).OrderBy(e => e.Name, StringComparer.Ordinal))
            changes.RetiredMeasures.Add(entry.Clone());

        var baseAreas = Areas(@base.Demographics);
        var targetAreas = Areas(target.Demographics);
        var names = baseAreas.Keys.Union(targetAreas.Keys)
            .OrderBy(n => n == CityArea ? 0 : 1).ThenBy(n => n, StringComparer.Ordinal);
        foreach (var area in names)
        {
            baseAreas.TryGetValue(area, out var b);
            targetAreas.TryGetValue(area, out var t);
            foreach (var indicator in Indicators)
            {
                var bv = Value(b, indicator);
                var tv = Value(t, indicator);
                if (bv is null && tv is null) continue;
                var delta = new IndicatorDelta { Area = area, AreaTitle = t?.AreaTitle ?? b?.AreaTitle ?? "", Indicator = indicator };
                if (bv is { } x) delta.BaseValue = x;
                if (tv is { } y) delta.TargetValue = y;
                if (bv is not null && tv is not null) delta.Delta = Math.Round(tv.Value - bv.Value, 2);
                changes.IndicatorDeltas.Add(delta);
            }
        }
        return changes;
    }

    public const string CityArea = "areas/0";

    private static Dictionary<string, DemographicsAreaSummary> Areas(SnapshotDemographics? demographics)
    {
        var areas = new Dictionary<string, DemographicsAreaSummary>(StringComparer.Ordinal);
        if (demographics is null) return areas;
        foreach (var a in demographics.Areas) areas[a.Area] = a;
        if (demographics.City is { } city && !string.IsNullOrEmpty(city.Area)) areas[city.Area] = city;
        return areas;
    }

    private static double? Value(DemographicsAreaSummary? a, string indicator) => a is null ? null : indicator switch
    {
        "population_total" => a.HasPopulationTotal ? a.PopulationTotal : null,
        "foreign_nationals" => a.HasForeignNationals ? a.ForeignNationals : null,
        "population_with_migration_background" => a.HasPopulationWithMigrationBackground ? a.PopulationWithMigrationBackground : null,
        "migration_background_share_percent" => a.HasMigrationBackgroundSharePercent ? a.MigrationBackgroundSharePercent : null,
        _ => null,
    };

    public static string Key(int number) => number.ToString(CultureInfo.InvariantCulture);
}
