using IntegrationServices.Reporting;
using IntegrationServices.ServiceDefaults.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddReportingService();
if (ReadinessProbe.IsRequested(args)) return await ReadinessProbe.RunAsync(builder.Configuration, Console.Error);
var app = builder.Build();
app.MapReportingService();
await app.RunAsync();
return 0;
