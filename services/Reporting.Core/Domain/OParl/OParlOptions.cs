using System.ComponentModel.DataAnnotations;

namespace IntegrationServices.Reporting.Core.Domain.OParl;

/// <summary>Section "OParl": where the OParl objects live (their ids are their URLs) and the read-only endpoint that serves them.</summary>
public sealed class OParlOptions
{
    public const string Section = "OParl";

    /// <summary>
    /// Base URL of every OParl object id, e.g. "https://ris.example.de/oparl/v1" (no trailing slash
    /// needed). The Reporting HTTP port serves the objects under this URL's path.
    /// </summary>
    [Required, Url]
    public string BaseUrl { get; set; } = "http://127.0.0.1:5203/oparl/v1";

    /// <summary>Id of the body (Körperschaft) under the base URL that papers, meetings and organizations belong to.</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,100}$")]
    public string BodyId { get; set; } = "braunschweig";

    /// <summary>The body's name.</summary>
    [Required, StringLength(200, MinimumLength = 1)]
    public string BodyName { get; set; } = "Stadt Braunschweig";

    /// <summary>Serve OParl over HTTP; false: every OParl path is a 404 (ExportOParl over gRPC stays).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Objects per page of an external list (papers, meetings, organizations).</summary>
    [Range(1, 1000)]
    public int PageSize { get; set; } = 50;

    /// <summary>
    /// Where the rendered reports are, e.g. "https://berichte.example.de/reports"; unset: "/reports" at
    /// the scheme, host and port of <see cref="BaseUrl"/> (the Reporting HTTP port).
    /// </summary>
    [Url]
    public string? ReportsUrl { get; set; }
}
