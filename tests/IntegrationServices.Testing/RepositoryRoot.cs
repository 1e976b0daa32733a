namespace IntegrationServices.Testing;

/// <summary>Finds the checkout (the folder with IntegrationServices.sln) and ../shared beside it.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    /// <summary>The shared folder beside the checkout (read-only reference data for tests).</summary>
    public static string Shared => System.IO.Path.GetFullPath(System.IO.Path.Combine(Path, "..", "shared"));

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "IntegrationServices.sln"))) return dir.FullName;
        throw new InvalidOperationException("IntegrationServices.sln not found above " + AppContext.BaseDirectory);
    }
}
