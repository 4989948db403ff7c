using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// docs/diagnostics/SGnnnn.md: one page per id of the catalogue and no other, each with the four sections in order, and
/// every descriptor's help link pointing at its page. Each page's bad example is compiled through the generator and must
/// report its id; each fixed example must compile with no error anywhere and without that id.
/// </summary>
public sealed partial class DiagnosticPageTests
{
    private static readonly string[] Sections = { "## What triggers it", "## Example", "## Fix", "## Why" };

    /// <summary>Pages whose example cannot be compiled on purpose (an internal error has no valid trigger).</summary>
    private static readonly HashSet<string> NoCompiledExample = new(StringComparer.Ordinal) { "SG9999" };

    /// <summary>Pages whose fix is not C# (information to silence in .editorconfig, an error to report).</summary>
    private static readonly HashSet<string> NoCompiledFix = new(StringComparer.Ordinal) { "SG0104", "SG9999" };

    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (var id in DiagnosticCatalogue.All.Select(d => d.Id).Order(StringComparer.Ordinal)) data.Add(id);
        return data;
    }

    [Fact]
    public void EveryIdHasAPageAndEveryPageAnId()
    {
        var ids = DiagnosticCatalogue.All.Select(d => d.Id).ToHashSet();
        var pages = Directory.GetFiles(PagesFolder(), "*.md").Select(Path.GetFileNameWithoutExtension).ToHashSet();
        Assert.Empty(ids.Except(pages!));
        Assert.Empty(pages.Except(ids));
    }

    [Fact]
    public void EveryDescriptorLinksToItsPageThroughTheOneBase()
    {
        Assert.EndsWith("/docs/diagnostics/", DiagnosticCatalogue.HelpLinkBase, StringComparison.Ordinal);
        Assert.True(Uri.IsWellFormedUriString(DiagnosticCatalogue.HelpLinkBase, UriKind.Absolute));
        foreach (var descriptor in DiagnosticCatalogue.All)
        {
            Assert.Equal(DiagnosticCatalogue.HelpLinkBase + descriptor.Id + ".md", descriptor.HelpLinkUri);
        }
    }

    [Fact]
    public void ReportedDiagnosticsCarryTheLink()
    {
        var run = GeneratorHarness.Run(Page("SG0001").Example);
        var reported = Assert.Single(run.Diagnostics, d => d.Id == "SG0001");
        Assert.Equal(DiagnosticCatalogue.HelpLinkBase + "SG0001.md", reported.Descriptor.HelpLinkUri);
    }

    [Fact]
    public void TheReadmeTableLinksEveryPage()
    {
        string readme = File.ReadAllText(Path.Combine(PagesFolder(), "..", "..", "README.md"));
        foreach (var id in DiagnosticCatalogue.All.Select(d => d.Id))
        {
            Assert.Contains($"| [{id}](docs/diagnostics/{id}.md) |", readme, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void PageHasTheSectionsInOrderAndItsTitle(string id)
    {
        string text = File.ReadAllText(PagePath(id));
        var descriptor = DiagnosticCatalogue.Find(id);
        Assert.StartsWith($"# {id}: {descriptor.Title}\n", text.Replace("\r\n", "\n"), StringComparison.Ordinal);
        var headings = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("## ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(Sections, headings);
        var page = Page(id);
        Assert.False(string.IsNullOrWhiteSpace(page.Triggers), "empty 'What triggers it'");
        Assert.False(string.IsNullOrWhiteSpace(page.Why), "empty 'Why'");
        Assert.Equal(!NoCompiledExample.Contains(id), page.ExampleIsCSharp);
        Assert.Equal(!NoCompiledFix.Contains(id), page.FixIsCSharp);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void ExampleReportsTheIdAndFixDoesNot(string id)
    {
        var page = Page(id);
        if (page.ExampleIsCSharp)
        {
            var bad = GeneratorHarness.Run(page.Example);
            Assert.True(bad.GeneratorException is null, bad.Describe());
            // The generator or the analyzer (the declaration rules) reports it.
            Assert.True(bad.Diagnostics.Any(d => d.Id == id), $"{id}'s example does not report it. {bad.Describe()}");
            // Whatever the generator still writes compiles.
            Assert.True(!bad.OutputErrors.Any(d => d.Location.SourceTree is { } t && !bad.InputCompilation.SyntaxTrees.Contains(t)), bad.Describe());
        }
        if (page.FixIsCSharp)
        {
            var fixedRun = GeneratorHarness.Run(page.Fix);
            Assert.True(fixedRun.GeneratorException is null, fixedRun.Describe());
            Assert.DoesNotContain(fixedRun.Diagnostics, d => d.Id == id);
            Assert.True(!fixedRun.GeneratorErrors.Any() && !fixedRun.OutputErrors.Any(), $"{id}'s fix does not compile cleanly. {fixedRun.Describe()}");
            Assert.NotEmpty(fixedRun.GeneratedSources);
        }
    }

    private sealed record DiagnosticPage(string Triggers, string Example, bool ExampleIsCSharp, string Fix, bool FixIsCSharp, string Why);

    private static DiagnosticPage Page(string id)
    {
        string text = File.ReadAllText(PagePath(id)).Replace("\r\n", "\n");
        string Section(int k)
        {
            int start = text.IndexOf(Sections[k] + "\n", StringComparison.Ordinal);
            Assert.True(start >= 0, $"{id}.md has no '{Sections[k]}'");
            start += Sections[k].Length + 1;
            int end = k + 1 < Sections.Length ? text.IndexOf(Sections[k + 1] + "\n", start, StringComparison.Ordinal) : text.Length;
            return text[start..end];
        }
        (string Code, bool CSharp) Block(string section, string name)
        {
            var match = FencedBlock().Match(section);
            Assert.True(match.Success, $"{id}.md: '{name}' has no code block");
            return (match.Groups["code"].Value, match.Groups["lang"].Value == "csharp");
        }
        var example = Block(Section(1), "Example");
        var fix = Block(Section(2), "Fix");
        return new DiagnosticPage(Section(0), example.Code, example.CSharp, fix.Code, fix.CSharp, Section(3));
    }

    [GeneratedRegex(@"```(?<lang>\w+)\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    private static string PagePath(string id) => Path.Combine(PagesFolder(), id + ".md");

    private static string PagesFolder([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "docs", "diagnostics"));
}
