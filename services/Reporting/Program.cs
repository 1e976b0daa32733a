using IntegrationServices.Reporting;

var builder = WebApplication.CreateBuilder(args);
builder.AddReportingService();
var app = builder.Build();
app.MapReportingService();
app.Run();
