using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;

namespace IntegrationServices.Reporting.Api;

/// <summary>
/// Who may read a rendered report over HTTP: anyone once the cycle's council paper is published (the
/// report is the paper's document, linked from OParl); before that, and for a cycle without a public
/// paper, a caller with a read role, as RenderReport. Decided on the request's user as the
/// authentication middleware made it, so every rule of the authentication schemes applies unchanged.
/// </summary>
public static class ReportAccess
{
    /// <summary>Null when the caller may read the report; else the challenge (no valid token) or the refusal (no read role).</summary>
    public static async Task<IResult?> CheckAsync(HttpContext http, string cycleId, OParlApplication oparl, CancellationToken ct)
    {
        if (await oparl.PublishedAsync(cycleId, ct) is not null) return null;
        var authorization = http.RequestServices.GetRequiredService<IAuthorizationService>();
        if ((await authorization.AuthorizeAsync(http.User, Policies.Read)).Succeeded) return null;
        return http.User.Identity?.IsAuthenticated == true ? Results.Forbid() : Results.Challenge();
    }
}
