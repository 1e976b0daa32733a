using Microsoft.Extensions.Options;

namespace IntegrationServices.Demographics.Application;

/// <summary>Section "Demographics": the limits of an import (API.md, Release 2), validated on start.</summary>
public sealed class ImportOptions
{
    public const string Section = "Demographics";

    /// <summary>An import whose client sends no row for this long ends with DEADLINE_EXCEEDED, and nothing is stored.</summary>
    public TimeSpan ImportIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An import of more rows ends with RESOURCE_EXHAUSTED as soon as it passes the limit, and nothing is stored.</summary>
    public long MaxImportRows { get; set; } = 5_000_000;

    /// <summary>A CSV body larger than this is refused with 413 as it arrives, and nothing is stored.</summary>
    public long MaxCsvBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>
    /// SQLite: where an import's rows wait while its client sends (a temporary file, 22 bytes a row plus
    /// its comment, unlinked as soon as it is open); by default the system's temporary directory (TMPDIR).
    /// </summary>
    public string SpoolDirectory { get; set; } = Path.GetTempPath();

    /// <summary>Refuses to start with settings out of range, naming each.</summary>
    public sealed class Validation : IValidateOptions<ImportOptions>
    {
        public ValidateOptionsResult Validate(string? name, ImportOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }

    private IEnumerable<string> Problems()
    {
        if (ImportIdleTimeout < TimeSpan.FromSeconds(1) || ImportIdleTimeout > TimeSpan.FromHours(1))
            yield return $"{Section}:ImportIdleTimeout must be between 00:00:01 and 01:00:00 (is {ImportIdleTimeout}).";
        if (MaxImportRows is < 1 or > 100_000_000)
            yield return $"{Section}:MaxImportRows must be between 1 and 100,000,000 (is {MaxImportRows}).";
        if (MaxCsvBytes is < 1024 or > 64L * 1024 * 1024 * 1024)
            yield return $"{Section}:MaxCsvBytes must be between 1 KiB and 64 GiB (is {MaxCsvBytes}).";
        if (!Directory.Exists(SpoolDirectory))
            yield return $"{Section}:SpoolDirectory must be an existing directory (is '{SpoolDirectory}').";
    }
}
