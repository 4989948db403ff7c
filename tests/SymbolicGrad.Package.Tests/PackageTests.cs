using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace SymbolicGrad.Package.Tests;

/// <summary>
/// Packs the runtime, the console progress and the plotting packages from a clean copy of the sources, checks what
/// each depends on, and uses them from brand-new projects, as a user would.
/// </summary>
public sealed partial class PackageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);

    /// <summary>Each package and its complete list of dependencies for net10.0 (version "=" means the packages' own).</summary>
    private static readonly (string Id, string Project, (string Id, string Version)[] Dependencies)[] Packages =
    [
        ("SymbolicGrad", "src/SymbolicGrad/SymbolicGrad.csproj", [("System.Numerics.Tensors", "11.0.0")]),
        ("SymbolicGrad.Console", "src/SymbolicGrad.Console/SymbolicGrad.Console.csproj", [("SymbolicGrad", "="), ("Spectre.Console", "0.57.2")]),
        ("SymbolicGrad.Plotting", "src/SymbolicGrad.Plotting/SymbolicGrad.Plotting.csproj",
        [
            ("SymbolicGrad", "="), ("ScottPlot", "5.1.59"),
            // The pins that resolve ScottPlot's SkiaSharp and HarfBuzzSharp requests (see the project file).
            ("SkiaSharp", "3.119.4"), ("SkiaSharp.HarfBuzz", "3.119.4"), ("SkiaSharp.NativeAssets.Linux.NoDependencies", "3.119.4"),
            ("HarfBuzzSharp.NativeAssets.Linux", "8.3.1.5"),
        ]),
    ];

    /// <summary>What the runtime packs under analyzers/dotnet/cs, and nothing else.</summary>
    private static readonly string[] AnalyzerProjects =
    [
        "generator/SymbolicGrad.Generator/SymbolicGrad.Generator.csproj",
        "generator/SymbolicGrad.Analyzers/SymbolicGrad.Analyzers.csproj",
        "generator/SymbolicGrad.CodeFixes/SymbolicGrad.CodeFixes.csproj",
    ];

    [Fact]
    [Trait("Category", "Package")]
    public void Packed_packages_have_only_their_own_dependencies_and_work_from_fresh_console_projects()
    {
        string root = RepositoryRoot.Find();
        string work = Directory.CreateTempSubdirectory("symbolicgrad-package-").FullName;
        try
        {
            string sources = Path.Combine(work, "sources");
            SourceSnapshot.Copy(root, sources);
            string feed = Path.Combine(work, "feed");
            // One pack of a solution holding the three projects and the generator, analyzer and code fixes the runtime packs:
            // one restore and one build of what they share.
            string solution = Path.Combine(sources, "Packages.slnx");
            string[] projects = [.. Packages.Select(p => p.Project), .. AnalyzerProjects];
            File.WriteAllText(solution, "<Solution>\n" + string.Concat(projects.Select(p => $"  <Project Path=\"{p}\" />\n")) + "</Solution>\n");
            Succeed(ProcessRunner.Dotnet(sources, PackTimeout, "pack", solution, "-c", "Release", "-o", feed));

            var packed = Packages.ToDictionary(p => p.Id, p => SinglePackage(feed, p.Id));
            // Packing again without building (as CI does after its build) works for every package and packs the same files.
            string noBuildFeed = Path.Combine(work, "no-build-feed");
            Succeed(ProcessRunner.Dotnet(sources, BuildTimeout, "pack", solution, "-c", "Release", "--no-build", "-o", noBuildFeed));
            foreach (var (id, _, _) in Packages)
            {
                Assert.Equal(Listing(packed[id]), Listing(SinglePackage(noBuildFeed, id)));
            }
            string version = VersionOf(packed["SymbolicGrad"], "SymbolicGrad");
            foreach (var (id, _, dependencies) in Packages)
            {
                AssertDependencies(packed[id], id, dependencies.Select(d => (d.Id, d.Version == "=" ? version : d.Version)));
            }

            AssertPackageContents(packed["SymbolicGrad"]);
            AssertLibraryOnly(packed["SymbolicGrad.Console"], "SymbolicGrad.Console");
            AssertLibraryOnly(packed["SymbolicGrad.Plotting"], "SymbolicGrad.Plotting");
            foreach (string package in new[] { packed["SymbolicGrad"], packed["SymbolicGrad.Console"] })
            {
                foreach (string dependency in LocalFeed.AddDependencies(feed, package, GlobalPackagesFolder(sources)))
                {
                    output.WriteLine($"feed: added dependency {dependency}");
                }
            }

            // The runtime alone: working gradients, and no console UI library anywhere in the build.
            string core = Path.Combine(work, "core-consumer");
            ConsumerProject.Write(core, feed, [("SymbolicGrad", version)], ConsumerProject.CoreProgram);
            AssertPrintedGradients(BuildAndRun(core));
            AssertNothingOf(core, "Spectre");
            AssertNothingOf(core, "ScottPlot");

            // The analyzer runs in a user's build: a [Differentiable] method in a type that is not partial is SG0001,
            // which only the analyzer reports (the generator skips the method).
            string bad = Path.Combine(work, "analyzer-consumer");
            ConsumerProject.Write(bad, feed, [("SymbolicGrad", version)], ConsumerProject.NotPartialProgram);
            var failed = ProcessRunner.Dotnet(bad, BuildTimeout, "build", "-c", "Release");
            output.WriteLine(failed.ToString());
            Assert.True(failed.ExitCode != 0, $"a type that is not partial built:\n{failed}");
            Assert.Contains("error SG0001: 'Plain' must be declared partial so that SymbolicGrad can add 'SquareGradient' to it", failed.Output);

            // The console package: plain lines when redirected, a live bar when asked, System.Console unshadowed.
            string console = Path.Combine(work, "console-consumer");
            ConsumerProject.Write(console, feed, [("SymbolicGrad.Console", version)], ConsumerProject.ConsoleProgram);
            AssertConsoleProgress(BuildAndRun(console));
            Assert.True(File.Exists(Path.Combine(console, "bin", "Release", "net10.0", "Spectre.Console.dll")), "the console package did not bring Spectre.Console");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private ProcessResult BuildAndRun(string consumer)
    {
        Succeed(ProcessRunner.Dotnet(consumer, BuildTimeout, "build", "-c", "Release"));
        return Succeed(ProcessRunner.Dotnet(consumer, RunTimeout, Path.Combine(consumer, "bin", "Release", "net10.0", "Consumer.dll")));
    }

    // No assembly, dependency entry or restored package of that name: the build never saw it.
    private static void AssertNothingOf(string consumer, string name)
    {
        string bin = Path.Combine(consumer, "bin", "Release", "net10.0");
        string[] assemblies = Directory.GetFiles(bin, "*.dll", SearchOption.AllDirectories).Select(Path.GetFileName).ToArray()!;
        Assert.DoesNotContain(assemblies, a => a!.Contains(name, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(name, File.ReadAllText(Path.Combine(bin, "Consumer.deps.json")), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(name, File.ReadAllText(Path.Combine(consumer, "obj", "project.assets.json")), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Directory.GetDirectories(Path.Combine(consumer, "packages")), d => Path.GetFileName(d).Contains(name, StringComparison.OrdinalIgnoreCase));
    }

    private static void AssertDependencies(string package, string id, IEnumerable<(string Id, string Version)> expected)
    {
        var actual = LocalFeed.DependenciesOf(package).OrderBy(d => d.Id, StringComparer.Ordinal).ToArray();
        var wanted = expected.OrderBy(d => d.Id, StringComparer.Ordinal).ToArray();
        Assert.True(wanted.SequenceEqual(actual),
            $"{id} depends on [{string.Join(", ", actual.Select(d => $"{d.Id} {d.Version}"))}], expected [{string.Join(", ", wanted.Select(d => $"{d.Id} {d.Version}"))}]");
    }

    // Every entry of a package with its length, in order (the builds are deterministic).
    private static string[] Listing(string package)
    {
        using ZipArchive zip = ZipFile.OpenRead(package);
        return zip.Entries
            .Select(e => $"{e.FullName} {e.Length}")
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    private static void AssertLibraryOnly(string package, string id)
    {
        using ZipArchive zip = ZipFile.OpenRead(package);
        string[] entries = zip.Entries.Select(e => e.FullName).Order().ToArray();
        string listing = string.Join("\n", entries);
        Assert.Contains($"lib/net10.0/{id}.dll", entries);
        Assert.Contains($"lib/net10.0/{id}.xml", entries);
        Assert.Contains("README.md", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("analyzers/", StringComparison.Ordinal));
        Assert.True(entries.Count(e => e.StartsWith("lib/", StringComparison.Ordinal)) == 2, $"{id} ships more than its own assembly and docs:\n{listing}");
    }

    private static void AssertConsoleProgress(ProcessResult run)
    {
        string[] lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith("training on 4 rows, 1 batches of 4 per epoch, epochs 1–2, SGD(lr 0.1)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("epoch 2/2  loss ", StringComparison.Ordinal));
        Assert.Equal("live bar drawn", lines[^1]);
        Assert.DoesNotContain(lines.SkipLast(1), l => l.Contains('\u001b')); // the redirected console got plain lines
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

    private static string SinglePackage(string feed, string id)
    {
        string[] packages = Directory.GetFiles(feed, id + ".*.nupkg").Where(p => VersionOf(p, id).Length > 0).ToArray();
        string listing = string.Join(", ", Directory.GetFiles(feed, "*.nupkg").Select(Path.GetFileName));
        Assert.True(packages.Length == 1, $"expected exactly one {id} package in {feed}, found: {listing}");
        return packages[0];
    }

    // "SymbolicGrad.Console.0.1.0.nupkg" → "0.1.0" for id SymbolicGrad.Console, "" for id SymbolicGrad.
    private static string VersionOf(string package, string id)
    {
        var match = PackageVersion().Match(Path.GetFileName(package)[(id.Length + 1)..]);
        return Path.GetFileName(package).StartsWith(id + ".", StringComparison.Ordinal) && match.Success ? match.Groups["version"].Value : "";
    }

    private static void AssertPackageContents(string package)
    {
        using ZipArchive zip = ZipFile.OpenRead(package);
        HashSet<string> entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        string listing = string.Join("\n", entries.Order());
        Assert.True(entries.Contains("lib/net10.0/SymbolicGrad.dll"), $"no runtime in lib/net10.0:\n{listing}");
        Assert.True(entries.Contains("analyzers/dotnet/cs/SymbolicGrad.Generator.dll"), $"no generator in analyzers/dotnet/cs:\n{listing}");
        Assert.True(entries.Contains("README.md"), $"no README.md at the package root:\n{listing}");
        Assert.True(zip.GetEntry("analyzers/dotnet/cs/SymbolicGrad.Generator.dll")!.Length > 0, "the packed generator is empty");
        // The generator, the analyzer and the code fixes, and not the Roslyn assemblies the IDE and the compiler provide.
        string[] analyzers = entries.Where(e => e.StartsWith("analyzers/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
            ["analyzers/dotnet/cs/SymbolicGrad.Analyzers.dll", "analyzers/dotnet/cs/SymbolicGrad.CodeFixes.dll", "analyzers/dotnet/cs/SymbolicGrad.Generator.dll"],
            analyzers);
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

    [GeneratedRegex(@"^(?<version>\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?)\.nupkg$")]
    private static partial Regex PackageVersion();
}
