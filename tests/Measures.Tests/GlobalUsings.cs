global using Google.Rpc;
global using Grpc.Core;
global using IntegrationServices.Contracts.Measures.V1;
global using IntegrationServices.Measures.Tests.Infrastructure;
global using IntegrationServices.ServiceDefaults.Security;
global using IntegrationServices.Testing;
global using MeasuresClient = IntegrationServices.Contracts.Measures.V1.MeasuresService.MeasuresServiceClient;
global using Status = Grpc.Core.Status;
