using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace IntegrationServices.ServiceDefaults.Api;

/// <summary>
/// The fields an update method may change, for <see cref="FieldMasks.Resolve"/>: the updatable paths
/// (top-level field names, plus sub-paths such as "paper.reference" where a message field may be changed
/// in parts) and the output-only ones, which a mask may not name.
/// </summary>
public sealed record UpdatableFields(IReadOnlyList<string> Paths, IReadOnlyList<string> OutputOnly);

/// <summary>
/// AIP-134 update masks, the same in every service: an explicit mask lists the fields to change; an
/// absent or empty mask means "the fields the request populates" (every updatable field set to a
/// non-default value); <c>*</c> means every updatable field, so that unset ones are cleared.
/// </summary>
public static class FieldMasks
{
    public const string Everything = "*";

    /// <summary>
    /// The distinct paths to apply, in the order of <see cref="UpdatableFields.Paths"/>. Unknown or
    /// output-only paths, and a mask that ends up naming nothing, are INVALID_ARGUMENT on <paramref name="field"/>.
    /// </summary>
    public static IReadOnlyList<string> Resolve(FieldMask? mask, IMessage resource, UpdatableFields fields, string field = "update_mask")
    {
        var validator = new Validator();
        List<string> paths;
        if (mask is null || mask.Paths.Count == 0)
        {
            paths = fields.Paths.Where(p => !p.Contains('.') && IsPopulated(resource, p)).ToList();
            validator.Require(paths.Count > 0, field,
                $"is empty and the request sets no updatable field; name the fields to change ({string.Join(", ", fields.Paths)}) or \"*\" for all");
        }
        else if (mask.Paths.Contains(Everything))
        {
            validator.Require(mask.Paths.Count == 1, field, "\"*\" stands alone: it already means every updatable field");
            paths = fields.Paths.Where(p => !p.Contains('.')).ToList();
        }
        else
        {
            foreach (var path in mask.Paths)
            {
                if (fields.OutputOnly.Contains(path))
                    validator.Add(field, $"'{TextRules.Printable(path)}' is output-only and cannot be updated");
                else if (!fields.Paths.Contains(path))
                    validator.Add(field, $"'{TextRules.Printable(path)}' cannot be updated; updatable: {string.Join(", ", fields.Paths)}");
            }
            paths = fields.Paths.Where(mask.Paths.Contains).ToList();
        }
        validator.ThrowIfInvalid();
        return paths;
    }

    /// <summary>Whether the request sets a field: a message present, a list non-empty, a scalar not its default.</summary>
    public static bool IsPopulated(IMessage message, string fieldName)
    {
        var descriptor = message.Descriptor.FindFieldByName(fieldName)
            ?? throw new ArgumentException($"{message.Descriptor.FullName} has no field '{fieldName}'", nameof(fieldName));
        if (descriptor.HasPresence) return descriptor.Accessor.HasValue(message);
        var value = descriptor.Accessor.GetValue(message);
        return descriptor.FieldType switch
        {
            _ when descriptor.IsRepeated || descriptor.IsMap => ((System.Collections.ICollection)value).Count > 0,
            FieldType.String => !string.IsNullOrEmpty((string)value),
            FieldType.Bytes => !((ByteString)value).IsEmpty,
            FieldType.Bool => (bool)value,
            FieldType.Enum => Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) != 0,
            FieldType.Message or FieldType.Group => value is not null,
            _ => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) != 0,
        };
    }
}
