namespace SymbolicGrad.Package.Tests;

/// <summary>Finds the checkout this test runs from.</summary>
public static class RepositoryRoot
{
    /// <summary>The nearest folder above the test binaries that holds SymbolicGrad.sln.</summary>
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SymbolicGrad.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException($"No SymbolicGrad.sln in {AppContext.BaseDirectory} or any folder above it.");
    }
}
