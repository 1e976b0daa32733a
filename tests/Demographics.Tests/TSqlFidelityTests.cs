using IntegrationServices.Demographics.Api;
using IntegrationServices.Testing;

namespace IntegrationServices.Demographics.Tests;

public sealed class TSqlFidelityTests
{
    [Fact]
    public void Every_SQL_Server_migration_and_statement_parses_and_names_created_tables() =>
        TSqlFidelity.AssertValid(typeof(DemographicsService).Assembly);
}
