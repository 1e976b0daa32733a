using Role = IntegrationServices.Contracts.Reporting.V1.Consultation.Types.Role;

namespace IntegrationServices.Reporting.Core.Domain.OParl;

/// <summary>OParl 1.1 type URIs and the mapping of consultation roles to and from OParl's free text.</summary>
public static class OParlSchema
{
    public const string Version = "https://schema.oparl.org/1.1/";
    public const string System = "https://schema.oparl.org/1.1/System";
    public const string Body = "https://schema.oparl.org/1.1/Body";
    public const string File = "https://schema.oparl.org/1.1/File";
    public const string Paper = "https://schema.oparl.org/1.1/Paper";
    public const string Consultation = "https://schema.oparl.org/1.1/Consultation";
    public const string Meeting = "https://schema.oparl.org/1.1/Meeting";
    public const string AgendaItem = "https://schema.oparl.org/1.1/AgendaItem";
    public const string Organization = "https://schema.oparl.org/1.1/Organization";

    /// <summary>The German role text written on export.</summary>
    public static string RoleText(Role role) => role switch
    {
        Role.Information => "Kenntnisnahme",
        Role.Preliminary => "Vorberatung",
        Role.Decision => "Entscheidung",
        Role.Hearing => "Anhörung",
        _ => "",
    };

    /// <summary>The role of an OParl role text; unknown text → unspecified (never guessed).</summary>
    public static Role ParseRole(string? text)
    {
        var t = (text ?? "").Trim().ToLowerInvariant();
        return t switch
        {
            "kenntnisnahme" or "zur kenntnis" or "zur kenntnisnahme" or "information" => Role.Information,
            "vorberatung" or "beratung" => Role.Preliminary,
            "entscheidung" or "beschlussfassung" or "beschluss" => Role.Decision,
            "anhörung" => Role.Hearing,
            _ => Role.Unspecified,
        };
    }

    /// <summary>A result text that means the committee postponed the item.</summary>
    public static bool IsPostponement(string? result) =>
        result is not null && (result.Contains("zurückgestellt", StringComparison.OrdinalIgnoreCase)
                               || result.Contains("vertagt", StringComparison.OrdinalIgnoreCase));

    public static bool IsUrl(string? text) =>
        text is not null && (text.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("http://", StringComparison.OrdinalIgnoreCase));
}
