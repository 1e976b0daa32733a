using IntegrationServices.Demographics;
using IntegrationServices.ServiceDefaults.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddDemographicsService();
if (ReadinessProbe.IsRequested(args)) return await ReadinessProbe.RunAsync(builder.Configuration, Console.Error);
var app = builder.Build();
app.MapDemographicsService();
await app.RunAsync();
return 0;
