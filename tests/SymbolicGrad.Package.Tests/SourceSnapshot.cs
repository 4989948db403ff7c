namespace SymbolicGrad.Package.Tests;

/// <summary>
/// Copies what packing needs (root files, src/, generator/) without bin/ and obj/: the pack then runs as from a clean
/// clone, and never writes into the checkout while the solution's own build and tests run beside it.
/// </summary>
public static class SourceSnapshot
{
    private static readonly string[] Folders = ["src", "generator"];
    private static readonly HashSet<string> Skipped = new(StringComparer.Ordinal) { "bin", "obj", ".git", ".vs" };

    /// <summary>Copies the packable sources of <paramref name="root"/> into <paramref name="destination"/>.</summary>
    public static void Copy(string root, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (string file in Directory.GetFiles(root))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }
        foreach (string folder in Folders)
        {
            CopyTree(Path.Combine(root, folder), Path.Combine(destination, folder));
        }
    }

    private static void CopyTree(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (string file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }
        foreach (string folder in Directory.GetDirectories(source))
        {
            string name = Path.GetFileName(folder);
            if (!Skipped.Contains(name))
            {
                CopyTree(folder, Path.Combine(destination, name));
            }
        }
    }
}
