using IntegrationServices.Measures;

var builder = WebApplication.CreateBuilder(args);
builder.AddMeasuresService();
var app = builder.Build();
app.MapMeasuresService();
app.Run();
