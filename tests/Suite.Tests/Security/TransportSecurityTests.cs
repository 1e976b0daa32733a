using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.ServiceDefaults.Security;
using IntegrationServices.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using MeasuresClient = IntegrationServices.Contracts.Measures.V1.MeasuresService.MeasuresServiceClient;

namespace IntegrationServices.Suite.Tests.Security;

/// <summary>TLS comes from standard Kestrel endpoint configuration, on real sockets.</summary>
public sealed class TransportSecurityTests
{
    [Fact]
    public async Task Grpc_endpoint_serves_tls_from_kestrel_certificate_configuration()
    {
        var directory = Directory.CreateTempSubdirectory("tls-test").FullName;
        var certificatePath = Path.Combine(directory, "suite.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllBytesAsync(certificatePath, certificate.Export(X509ContentType.Pfx, "test-password"));
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = "https://127.0.0.1:0",
            ["Kestrel:Endpoints:Grpc:Certificate:Path"] = certificatePath,
            ["Kestrel:Endpoints:Grpc:Certificate:Password"] = "test-password",
            ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0",
            ["Storage:DataDirectory"] = directory,
            ["Auth:SigningKey"] = TestTokens.SigningKey,
        });
        SuiteComponents.Measures.Add(builder);
        await using var app = builder.Build();
        SuiteComponents.Measures.Map(app);
        await app.StartAsync();
        // Port 0 lets the kernel choose; the TLS endpoint is the https address.
        var grpcPort = new Uri(app.Urls.Single(u => u.StartsWith("https://", StringComparison.Ordinal))).Port;
        try
        {
            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Subject == "CN=localhost" };
            using var channel = GrpcChannel.ForAddress($"https://127.0.0.1:{grpcPort}", new GrpcChannelOptions { HttpHandler = handler });
            var client = new MeasuresClient(channel);
            var fields = await client.ListFieldsOfActionAsync(new ListFieldsOfActionRequest(),
                new Grpc.Core.Metadata { { "authorization", "Bearer " + TestTokens.For([Roles.Reader]) } });
            Assert.Equal(8, fields.FieldsOfAction.Count);

            // Plain text on the TLS port is refused: the endpoint really is TLS-only.
            using var plain = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
            await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => new MeasuresClient(plain).ListFieldsOfActionAsync(new ListFieldsOfActionRequest()).ResponseAsync);
        }
        finally
        {
            await app.StopAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

}
