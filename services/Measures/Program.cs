using IntegrationServices.Measures;
using IntegrationServices.ServiceDefaults.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddMeasuresService();
if (ReadinessProbe.IsRequested(args)) return await ReadinessProbe.RunAsync(builder.Configuration, Console.Error);
var app = builder.Build();
app.MapMeasuresService();
await app.RunAsync();
return 0;
