using IntegrationServices.SnapshotWorker;
using IntegrationServices.ServiceDefaults.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddSnapshotWorker();
if (ReadinessProbe.IsRequested(args)) return await ReadinessProbe.RunAsync(builder.Configuration, Console.Error);
var app = builder.Build();
app.MapSnapshotWorker();
await app.RunAsync();
return 0;
