using IntegrationServices.SnapshotWorker;

var builder = WebApplication.CreateBuilder(args);
builder.AddSnapshotWorker();
var app = builder.Build();
app.MapSnapshotWorker();
app.Run();
