namespace IntegrationServices.Reporting.Reports;

/// <summary>
/// A rendered report: the bytes, the HTTP/gRPC content type (e.g. "text/html; charset=utf-8") and the
/// file extension without dot ("html", "md", "csv") for <c>GET /reports/{cycle-id}.{ext}</c>.
/// </summary>
public sealed record RenderedReport(byte[] Content, string ContentType, string FileExtension);
