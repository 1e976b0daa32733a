using System.ComponentModel.DataAnnotations;

namespace IntegrationServices.ServiceDefaults.Storage;

public enum StorageProvider
{
    Sqlite,
    SqlServer,
}

/// <summary>Section "Storage": which database a service uses.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary><c>Sqlite</c> (embedded default) or <c>SqlServer</c> (production).</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>
    /// Required for SQL Server. For SQLite optional: without it the file is
    /// <c>{DataDirectory}/{service}.db</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Where SQLite files live (one per service).</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Seconds a single statement may run.</summary>
    [Range(1, 3600)]
    public int CommandTimeoutSeconds { get; set; } = 30;

    /// <summary>Apply migrations on start (on by default; turn off where a DBA migrates).</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// SQL Server: the login that migrates (creates the database if it is missing, changes the schema), when
    /// the run-time <see cref="ConnectionString"/>'s login may only read and write data. Default: that one.
    /// </summary>
    public string? MigrationConnectionString { get; set; }
}
