using IntegrationServices.Demographics;

var builder = WebApplication.CreateBuilder(args);
builder.AddDemographicsService();
var app = builder.Build();
app.MapDemographicsService();
app.Run();
