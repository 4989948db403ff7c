using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace SymbolicGrad.Package.Tests;

/// <summary>
/// Packs the runtime from a clean copy of the sources and uses only that package from a brand-new project, as a user would.
/// </summary>
public sealed partial class PackageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);

    [Fact]
    [Trait("Category", "Package")]
    public void Packed_package_alone_gives_a_fresh_console_project_working_gradients()
    {
        string root = RepositoryRoot.Find();
        string work = Directory.CreateTempSubdirectory("symbolicgrad-package-").FullName;
        try
        {
            string sources = Path.Combine(work, "sources");
            SourceSnapshot.Copy(root, sources);
            string feed = Path.Combine(work, "feed");
            Succeed(ProcessRunner.Dotnet(sources, PackTimeout,
                "pack", Path.Combine(sources, "src", "SymbolicGrad", "SymbolicGrad.csproj"), "-c", "Release", "-o", feed));

            string package = SinglePackage(feed);
            AssertPackageContents(package);
            foreach (string dependency in LocalFeed.AddDependencies(feed, package, GlobalPackagesFolder(sources)))
            {
                output.WriteLine($"feed: added dependency {dependency}");
            }

            string consumer = Path.Combine(work, "consumer");
            ConsumerProject.Write(consumer, feed, VersionOf(package));
            Succeed(ProcessRunner.Dotnet(consumer, BuildTimeout, "build", "-c", "Release"));
            ProcessResult run = Succeed(ProcessRunner.Dotnet(consumer, RunTimeout,
                Path.Combine(consumer, "bin", "Release", "net10.0", "Consumer.dll")));

            AssertPrintedGradients(run);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private ProcessResult Succeed(ProcessResult result)
    {
        output.WriteLine(result.ToString());
        Assert.True(result.ExitCode == 0, $"Command failed:\n{result}");
        return result;
    }

    // Where the pack's restore put the runtime's dependencies: the restore records it in project.assets.json
    // (asking `dotnet nuget locals` instead printed nothing under some test hosts).
    private static string GlobalPackagesFolder(string sources)
    {
        string assets = Path.Combine(sources, "src", "SymbolicGrad", "obj", "project.assets.json");
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(assets));
        foreach (var folder in document.RootElement.GetProperty("packageFolders").EnumerateObject())
        {
            return folder.Name;
        }
        throw new Xunit.Sdk.XunitException($"no packageFolders in {assets}");
    }

    private static string SinglePackage(string feed)
    {
        string[] packages = Directory.GetFiles(feed, "*.nupkg");
        string listing = string.Join(", ", packages.Select(Path.GetFileName));
        Assert.True(packages.Length == 1, $"expected exactly one package in {feed}, found: {listing}");
        Assert.Matches(PackageName(), Path.GetFileName(packages[0]));
        return packages[0];
    }

    private static string VersionOf(string package) => PackageName().Match(Path.GetFileName(package)).Groups["version"].Value;

    private static void AssertPackageContents(string package)
    {
        using ZipArchive zip = ZipFile.OpenRead(package);
        HashSet<string> entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        string listing = string.Join("\n", entries.Order());
        Assert.True(entries.Contains("lib/net10.0/SymbolicGrad.dll"), $"no runtime in lib/net10.0:\n{listing}");
        Assert.True(entries.Contains("analyzers/dotnet/cs/SymbolicGrad.Generator.dll"), $"no generator in analyzers/dotnet/cs:\n{listing}");
        Assert.True(entries.Contains("README.md"), $"no README.md at the package root:\n{listing}");
        Assert.True(zip.GetEntry("analyzers/dotnet/cs/SymbolicGrad.Generator.dll")!.Length > 0, "the packed generator is empty");
    }

    private static void AssertPrintedGradients(ProcessResult run)
    {
        string[] lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        double[] addMultiply = Numbers(lines, "AddMultiply", run);
        Assert.Equal([-12.0, -4.0, -4.0, 3.0], addMultiply);

        double[] gabor = Numbers(lines, "Gabor", run);
        double z = 0.5 + 0.06 * 1.5 * 3.0;
        double e = Math.Exp(-z * z / 32.0);
        double dfdz = Math.Cos(z) * e - Math.Sin(z) * e * z / 16.0;
        double[] expected = [Math.Sin(z) * e, dfdz, dfdz * 0.06 * 3.0];
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - gabor[i]) <= 1e-12, $"Gabor output {i}: expected {expected[i]:R}, printed {gabor[i]:R}\n{run}");
        }
    }

    private static double[] Numbers(string[] lines, string label, ProcessResult run)
    {
        string line = lines.SingleOrDefault(l => l.StartsWith(label + " ", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"the consumer printed no '{label}' line:\n{run}");
        return line[(label.Length + 1)..].Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
    }

    [GeneratedRegex(@"^SymbolicGrad\.(?<version>\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?)\.nupkg$")]
    private static partial Regex PackageName();
}
