using Grpc.Health.V1;
using IntegrationServices.ServiceDefaults.Hosting;
using IntegrationServices.Testing;
using Microsoft.Data.Sqlite;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace IntegrationServices.ServiceDefaults.Tests;

/// <summary>Readiness answers on a real SQLite file that is missing at first: asked once, reused for a second, then asked again.</summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task A_readiness_answer_is_reused_for_a_second_and_then_asked_again()
    {
        var directory = TestHost.NewDataDirectory();
        var file = Path.Combine(directory, "late.db");
        var clock = TestHost.NewClock();
        await using var host = await TestHost.StartAsync(
            b => b.AddServiceDefaults(new ServiceIdentity("integration.test.v1.TestService", "late"), new DefaultPorts(5999, 5998)),
            app => app.MapServiceDefaults(),
            new Dictionary<string, string?> { ["Storage:ConnectionString"] = $"Data Source={file};Mode=ReadWrite" }, clock, directory);
        var health = new Health.HealthClient(host.Invoker());

        var missing = await health.CheckAsync(new HealthCheckRequest());
        await using (var create = new SqliteConnection($"Data Source={file};Pooling=False")) await create.OpenAsync();
        var withinTheSecond = await health.CheckAsync(new HealthCheckRequest());
        clock.Advance(DatabaseHealthCheck.Fresh);
        var afterIt = await health.CheckAsync(new HealthCheckRequest());

        Assert.Equal(ServingStatus.NotServing, missing.Status);
        Assert.Equal(ServingStatus.NotServing, withinTheSecond.Status);
        Assert.Equal(ServingStatus.Serving, afterIt.Status);
    }
}
