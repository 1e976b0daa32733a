using System.Text.RegularExpressions;
using IntegrationServices.Testing;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace IntegrationServices.Suite.Tests;

/// <summary>
/// No Docker engine runs here, so compose.yaml and the Dockerfile are checked structurally: every component
/// with the ports of API.md (none for the scalable worker), health checks by the component's own probe,
/// healthy dependencies, restart policies, existing build inputs, the observability profile, no secret
/// written into the file, and an image that restores in its own layer and runs chiseled and non-root.
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly (string Service, string Project, int Grpc, int Http)[] Components =
    [
        ("measures", "services/Measures/IntegrationServices.Measures.csproj", 5101, 5201),
        ("demographics", "services/Demographics/IntegrationServices.Demographics.csproj", 5102, 5202),
        ("reporting", "services/Reporting/IntegrationServices.Reporting.csproj", 5103, 5203),
        ("snapshot-worker", "workers/SnapshotWorker/IntegrationServices.SnapshotWorker.csproj", 5104, 5204),
    ];

    private static readonly string[] MeasuresUsers = ["integration_measures:integration_measures", "integration_measures:integration_migrator"];
    private static readonly string[] DemographicsUsers = ["integration_demographics:integration_demographics", "integration_demographics:integration_migrator"];
    private static readonly string[] ReportingUsers = ["integration_reporting:integration_migrator", "integration_reporting:integration_reporting", "integration_reporting:integration_worker"];

    private static readonly string ComposeText = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "compose.yaml"));

    private static YamlMappingNode Services()
    {
        var stream = new YamlStream();
        // Merge keys (<<: *anchor) are resolved the way docker compose resolves them.
        stream.Load(new MergingParser(new Parser(new StringReader(ComposeText))));
        return (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["services"];
    }

    private static YamlMappingNode Service(string name) => (YamlMappingNode)Services()[name];

    private static string Scalar(YamlNode node, params string[] path)
    {
        foreach (var key in path) node = ((YamlMappingNode)node)[key];
        return ((YamlScalarNode)node).Value!;
    }

    [Fact]
    public void Sql_server_is_the_official_2022_image_with_a_sqlcmd_health_check()
    {
        var sql = Service("sqlserver");
        Assert.StartsWith("mcr.microsoft.com/mssql/server:2022", Scalar(sql, "image"));
        Assert.Equal("Y", Scalar(sql, "environment", "ACCEPT_EULA"));
        Assert.Matches(@"^\$\{MSSQL_SA_PASSWORD", Scalar(sql, "environment", "MSSQL_SA_PASSWORD"));
        Assert.Contains("sqlcmd", string.Join(" ", ((YamlSequenceNode)sql["healthcheck"]["test"]).Select(n => n.ToString())));
    }

    [Fact]
    public void Every_component_is_present_with_its_ports_health_check_and_healthy_dependency()
    {
        foreach (var (name, project, grpc, http) in Components)
        {
            var service = Service(name);
            if (name == "snapshot-worker")
                // `docker compose up --scale snapshot-worker=2`: replicas cannot share a fixed host port.
                Assert.False(service.Children.ContainsKey("ports"), "the worker must publish no host port");
            else
            {
                var ports = ((YamlSequenceNode)service["ports"]).Select(p => p.ToString()).ToList();
                Assert.Contains($"{grpc}:{grpc}", ports);
                Assert.Contains($"{http}:{http}", ports);
            }
            Assert.False(service.Children.ContainsKey("container_name"), $"{name}: a fixed container name prevents scaling");
            Assert.Equal($"http://0.0.0.0:{grpc}", Scalar(service, "environment", "Kestrel__Endpoints__Grpc__Url"));
            Assert.Equal($"http://0.0.0.0:{http}", Scalar(service, "environment", "Kestrel__Endpoints__Http__Url"));
            Assert.Equal("SqlServer", Scalar(service, "environment", "Storage__Provider"));
            Assert.Equal("Jwt", Scalar(service, "environment", "Auth__Mode"));
            // One database per service; the worker writes into the reporting context's database.
            Assert.Contains($"Database=integration_{(name == "snapshot-worker" ? "reporting" : name)}", Scalar(service, "environment", "Storage__ConnectionString"));

            // Exec form with the component's own probe: the chiseled image has neither a shell nor curl.
            Assert.Equal(["CMD", "/app/component", "--probe"], ((YamlSequenceNode)service["healthcheck"]["test"]).Select(n => n.ToString()));
            Assert.Equal(name, Scalar(service, "environment", "OTEL_SERVICE_NAME"));
            Assert.Equal("${OTEL_EXPORTER_OTLP_ENDPOINT:-}", Scalar(service, "environment", "OTEL_EXPORTER_OTLP_ENDPOINT"));
            Assert.Equal("service_healthy", Scalar(service, "depends_on", "sqlserver", "condition"));
            Assert.Equal("unless-stopped", Scalar(service, "restart"));

            Assert.True(File.Exists(Path.Combine(RepositoryRoot.Path, Scalar(service, "build", "context"), Scalar(service, "build", "dockerfile"))), $"{name}: Dockerfile missing");
            Assert.Equal(project, Scalar(service, "build", "args", "PROJECT"));
            Assert.True(File.Exists(Path.Combine(RepositoryRoot.Path, project)), $"{name}: {project} missing");
        }
    }

    [Fact]
    public void No_secret_is_written_into_the_file()
    {
        Assert.DoesNotMatch(new Regex(@"Password=(?!\$\{)", RegexOptions.IgnoreCase), ComposeText);
        foreach (var service in Services().Children.Values.Cast<YamlMappingNode>())
        {
            if (!service.Children.ContainsKey("environment")) continue;
            foreach (var (key, value) in ((YamlMappingNode)service["environment"]).Children)
                if (Regex.IsMatch(key.ToString(), "PASSWORD|SECRET|TOKEN|SIGNING_?KEY|SigningKey", RegexOptions.IgnoreCase))
                    Assert.Matches(@"^\$\{[A-Z_]+", value.ToString());
        }
        Assert.True(File.Exists(Path.Combine(RepositoryRoot.Path, ".env.example")));
        Assert.Contains(".env", File.ReadAllLines(Path.Combine(RepositoryRoot.Path, ".gitignore")));
    }

    [Fact]
    public void The_observability_profile_runs_the_Aspire_dashboard_receiving_OTLP()
    {
        var dashboard = Service("aspire-dashboard");
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspire-dashboard:", Scalar(dashboard, "image"));
        Assert.Equal(["observability"], ((YamlSequenceNode)dashboard["profiles"]).Select(n => n.ToString()));
        Assert.Contains("127.0.0.1:18888:18888", ((YamlSequenceNode)dashboard["ports"]).Select(n => n.ToString()));
        Assert.Contains("18889", ((YamlSequenceNode)dashboard["expose"]).Select(n => n.ToString()));
        // Only the dashboard is optional: every other service runs without a profile.
        Assert.All(Services().Children.Where(kv => kv.Key.ToString() != "aspire-dashboard"),
            kv => Assert.False(((YamlMappingNode)kv.Value).Children.ContainsKey("profiles"), $"{kv.Key} needs no profile"));
        Assert.Contains("OTEL_EXPORTER_OTLP_ENDPOINT=", File.ReadAllText(Path.Combine(RepositoryRoot.Path, ".env.example")));
    }

    [Fact]
    public void The_image_restores_in_its_own_layer_and_runs_chiseled_non_root_with_an_exec_form_entry_point()
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "deploy", "Dockerfile"));
        var lines = dockerfile.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        int Index(string prefix) => lines.FindIndex(l => l.StartsWith(prefix, StringComparison.Ordinal));

        // Restore sees only the project files: a code change does not invalidate the restored packages.
        var build = lines.FindIndex(l => Regex.IsMatch(l, @"^FROM .*sdk.* AS build$"));
        Assert.True(build >= 0);
        var restore = Index("RUN dotnet restore");
        var copyAll = lines.FindIndex(build, l => l == "COPY . .");
        Assert.True(build < restore && restore < copyAll && copyAll < Index("RUN dotnet publish"), "restore must run before the sources are copied");
        Assert.Contains(lines.Skip(build).Take(restore - build), l => l.StartsWith("COPY --from=projects", StringComparison.Ordinal));
        Assert.Contains("--no-restore", lines[Index("RUN dotnet publish")]);

        Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled-extra AS runtime", lines);
        Assert.Matches(@"(?m)^USER \$APP_UID", dockerfile);
        Assert.Equal("ENTRYPOINT [\"/app/component\"]", lines.Last(l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, l => l.Contains("apt-get", StringComparison.Ordinal) || l.Contains("curl", StringComparison.Ordinal));
    }

    [Fact]
    public void No_component_connects_as_sa_each_runs_as_its_own_login_and_migrates_as_the_migrator()
    {
        var logins = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, _, _, _) in Components)
        {
            var environment = Service(name)["environment"];
            var login = Regex.Match(Scalar(environment, "Storage__ConnectionString"), "User Id=([^;]+)").Groups[1].Value;
            Assert.Equal(name == "snapshot-worker" ? "integration_worker" : $"integration_{name}", login);
            Assert.True(logins.Add(login), $"{name} shares its login");
            if (((YamlMappingNode)environment).Children.ContainsKey("Storage__MigrationConnectionString"))
                Assert.Contains("User Id=integration_migrator;", Scalar(environment, "Storage__MigrationConnectionString"));
        }
        // Only SQL Server's own health check and the one-shot login step use sa.
        foreach (var (key, service) in Services().Children)
            if (key.ToString() is not ("sqlserver" or "sql-logins"))
                Assert.DoesNotMatch(new Regex(@"User Id=sa;|-U sa\b", RegexOptions.IgnoreCase), YamlText(service));
        Assert.Equal("service_completed_successfully", Scalar(Service("measures"), "depends_on", "sql-logins", "condition"));
    }

    [Fact]
    public void The_login_script_gives_each_run_time_login_a_user_in_its_own_database_only()
    {
        var script = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "deploy", "sql", "logins.sql"));
        // sqlcmd's $(…) variables are not T-SQL: a sample value stands in for each.
        var sql = Regex.Replace(script, @"\$\((\w+)\)", "sample");
        Assert.Empty(TSqlFidelity.Errors(sql));
        var visitor = new LoginScriptVisitor();
        TSqlFidelity.Parse(sql).Accept(visitor);

        Assert.Equal(MeasuresUsers,
            visitor.Users.Where(u => u.StartsWith("integration_measures:", StringComparison.Ordinal)).Order());
        Assert.Equal(DemographicsUsers,
            visitor.Users.Where(u => u.StartsWith("integration_demographics:", StringComparison.Ordinal)).Order());
        Assert.Equal(ReportingUsers,
            visitor.Users.Where(u => u.StartsWith("integration_reporting:", StringComparison.Ordinal)).Order());
        // Run-time logins join the run-time role only; the migrator owns the databases.
        foreach (var membership in visitor.Memberships)
            Assert.Matches(membership.EndsWith(":integration_migrator", StringComparison.Ordinal) ? ":db_owner:" : ":integration_runtime:", membership);

        // The run-time role (a platform migration) may read and write data, never alter the schema or the audit trail.
        var role = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "services", "ServiceDefaults", "Migrations", "SqlServer", "0000_platform_runtime_role.sql"));
        Assert.Empty(TSqlFidelity.Errors(role));
        Assert.Matches(@"DENY UPDATE, DELETE ON OBJECT::dbo\.audit_records TO integration_runtime", role);
        Assert.Matches(@"DENY ALTER ON SCHEMA::dbo TO integration_runtime", role);
        Assert.DoesNotMatch(new Regex(@"GRANT[^;]*\b(ALTER|CONTROL|EXECUTE)\b", RegexOptions.IgnoreCase), role);
    }

    /// <summary>"database:user" of every CREATE USER and "database:role:member" of every ALTER ROLE … ADD MEMBER, after the USE before it.</summary>
    private sealed class LoginScriptVisitor : Microsoft.SqlServer.TransactSql.ScriptDom.TSqlFragmentVisitor
    {
        private string _database = "master";
        public List<string> Users { get; } = [];
        public List<string> Memberships { get; } = [];

        public override void Visit(Microsoft.SqlServer.TransactSql.ScriptDom.UseStatement node) => _database = node.DatabaseName.Value;
        public override void Visit(Microsoft.SqlServer.TransactSql.ScriptDom.CreateUserStatement node) => Users.Add($"{_database}:{node.Name.Value}");
        public override void Visit(Microsoft.SqlServer.TransactSql.ScriptDom.AlterRoleStatement node)
        {
            if (node.Action is Microsoft.SqlServer.TransactSql.ScriptDom.AddMemberAlterRoleAction add)
                Memberships.Add($"{_database}:{node.Name.Value}:{add.Member.Value}");
        }
    }

    /// <summary>A service's YAML as text, for searching it.</summary>
    private static string YamlText(YamlNode node)
    {
        using var writer = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }
}
