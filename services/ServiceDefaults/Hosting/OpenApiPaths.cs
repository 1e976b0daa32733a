using System.Text.RegularExpressions;
using Google.Api;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Mvc.ApiExplorer;

namespace IntegrationServices.ServiceDefaults.Hosting;

/// <summary>
/// The OpenAPI path of a transcoded method keeps the literal segments of its resource name: the route
/// <c>/v1/{name=reportingCycles/*/snapshot}</c> is described as <c>/v1/reportingCycles/{name}/snapshot</c>.
/// Grpc.Swagger describes it as <c>/v1/{name}</c>, which collides with <c>/v1/{name=reportingCycles/*}</c>
/// (the document then fails to generate) and suggests a parameter holding slashes, which OpenAPI path
/// parameters cannot.
/// </summary>
internal sealed partial class OpenApiPaths : IApiDescriptionProvider
{
    // After Grpc.Swagger's provider (-900), which creates the descriptions.
    public int Order => -800;

    public void OnProvidersExecuting(ApiDescriptionProviderContext context)
    {
    }

    public void OnProvidersExecuted(ApiDescriptionProviderContext context)
    {
        foreach (var description in context.Results)
        {
            var metadata = description.ActionDescriptor.EndpointMetadata.OfType<GrpcJsonTranscodingMetadata>().FirstOrDefault();
            if (metadata is not null && Template(metadata.HttpRule) is { } template)
                description.RelativePath = Variable().Replace(template.TrimStart('/'),
                    m => m.Groups["pattern"].Success ? m.Groups["pattern"].Value.Replace("*", "{" + m.Groups["field"].Value + "}") : m.Value);
        }
    }

    private static string? Template(HttpRule rule) => rule.PatternCase switch
    {
        HttpRule.PatternOneofCase.Get => rule.Get,
        HttpRule.PatternOneofCase.Post => rule.Post,
        HttpRule.PatternOneofCase.Patch => rule.Patch,
        HttpRule.PatternOneofCase.Put => rule.Put,
        HttpRule.PatternOneofCase.Delete => rule.Delete,
        HttpRule.PatternOneofCase.Custom => rule.Custom.Path,
        _ => null,
    };

    /// <summary>A variable <c>{field}</c> or <c>{field=pattern}</c> whose pattern has one single-segment wildcard.</summary>
    [GeneratedRegex(@"\{(?<field>[A-Za-z0-9_.]+)(=(?<pattern>[^}*]*\*[^}*]*))?\}")]
    private static partial Regex Variable();
}
