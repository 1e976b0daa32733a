using System.ComponentModel.DataAnnotations;

namespace IntegrationServices.Reporting.Core.Domain.OParl;

/// <summary>Section "OParl": where the exported OParl objects' ids live.</summary>
public sealed class OParlOptions
{
    public const string Section = "OParl";

    /// <summary>Base URL of the exported object ids, e.g. "https://ris.example.de/oparl" (no trailing slash needed).</summary>
    [Required, Url]
    public string BaseUrl { get; set; } = "http://127.0.0.1:5203/oparl";

    /// <summary>Id of the body (Körperschaft) under the base URL that exported papers and organizations belong to.</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,100}$")]
    public string BodyId { get; set; } = "braunschweig";
}
