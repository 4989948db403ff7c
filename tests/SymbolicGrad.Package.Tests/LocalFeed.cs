using System.IO.Compression;
using System.Xml.Linq;

namespace SymbolicGrad.Package.Tests;

/// <summary>
/// Fills the folder feed with the packages SymbolicGrad's packages depend on, copied from the machine's global packages folder
/// (the solution's own restore put them there), so the fresh project restores offline from that one folder.
/// </summary>
public static class LocalFeed
{
    private const string ConsumerFramework = "net10.0";

    /// <summary>Copies every dependency of <paramref name="package"/> for net10.0, transitively, into <paramref name="feed"/>.</summary>
    /// <returns>The ids and versions copied, for the test log.</returns>
    public static IReadOnlyList<string> AddDependencies(string feed, string package, string globalPackages)
    {
        var copied = new List<string>();
        var pending = new Queue<string>([package]);
        while (pending.Count > 0)
        {
            foreach ((string id, string version) in DependenciesOf(pending.Dequeue()))
            {
                string name = $"{id}.{version}".ToLowerInvariant();
                string target = Path.Combine(feed, name + ".nupkg");
                // Already there: copied before, or one of our own packages (named in its own casing).
                if (Directory.GetFiles(feed, "*.nupkg").Any(f => string.Equals(Path.GetFileName(f), name + ".nupkg", StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }
                string source = Path.Combine(globalPackages, id.ToLowerInvariant(), version.ToLowerInvariant(), name + ".nupkg");
                if (!File.Exists(source))
                {
                    throw new FileNotFoundException(
                        $"Dependency {id} {version} is not in the global packages folder {globalPackages}; restore the solution first.", source);
                }
                File.Copy(source, target);
                copied.Add($"{id} {version}");
                pending.Enqueue(target);
            }
        }
        return copied;
    }

    /// <summary>The dependencies a net10.0 project gets from <paramref name="package"/>: (id, lowest version).</summary>
    public static IEnumerable<(string Id, string Version)> DependenciesOf(string package)
    {
        using ZipArchive zip = ZipFile.OpenRead(package);
        ZipArchiveEntry nuspec = zip.Entries.Single(e => !e.FullName.Contains('/') && e.FullName.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase));
        using Stream stream = nuspec.Open();
        XElement root = XDocument.Load(stream).Root!;
        XElement? dependencies = root.Descendants().FirstOrDefault(e => e.Name.LocalName == "dependencies");
        if (dependencies is null)
        {
            return [];
        }
        XElement[] groups = dependencies.Elements().Where(e => e.Name.LocalName == "group").ToArray();
        IEnumerable<XElement> chosen = groups.Length == 0 ? dependencies.Elements() : NearestGroup(groups)?.Elements() ?? [];
        return chosen
            .Where(e => e.Name.LocalName == "dependency")
            .Select(e => ((string)e.Attribute("id")!, LowestVersion((string)e.Attribute("version")!)))
            .ToArray();
    }

    // Good enough for the frameworks our dependencies ship: an exact net10.0 group, else the newest netN.0 below it,
    // else a group without a framework.
    private static XElement? NearestGroup(XElement[] groups)
    {
        static string Framework(XElement g) => ((string?)g.Attribute("targetFramework") ?? "").ToLowerInvariant();
        return groups.FirstOrDefault(g => Framework(g) == ConsumerFramework)
            ?? groups
                .Where(g => Framework(g).StartsWith("net", StringComparison.Ordinal) && Version.TryParse(Framework(g)[3..], out Version? v) && v.Major is >= 5 and <= 10)
                .OrderByDescending(g => Version.Parse(Framework(g)[3..]))
                .FirstOrDefault()
            ?? groups.FirstOrDefault(g => Framework(g).Length == 0);
    }

    // "11.0.0" or "[11.0.0, )": restore picks the lower bound.
    private static string LowestVersion(string range) => range.Trim('[', '(', ' ').Split(',')[0].Trim();
}
