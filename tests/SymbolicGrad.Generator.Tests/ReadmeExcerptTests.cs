using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// The generated code the README shows is what the generator writes: each excerpt's lines appear, in order, in the
/// baseline of the same method (a comment starting with "// …" stands for lines left out), and the operation counts the
/// README gives for DigitNet are its baseline's.
/// </summary>
public sealed partial class ReadmeExcerptTests
{
    [Theory]
    [InlineData("The generator adds `PredictGradient`", "GaborModel.g.cs")]
    [InlineData("The backward loop of `HornerGradient`", "HornerKeepsTheCarriedValue.g.cs")]
    [InlineData("δ is ready, layer by layer:", "DigitNet.g.cs")]
    public void The_excerpt_is_in_the_baseline(string textBefore, string baseline)
    {
        string[] excerpt = CodeBlockAfter(textBefore);
        string[] generated = File.ReadAllLines(Path.Combine(RepositoryFolder(), "tests", "SymbolicGrad.Generator.Tests", "Baselines", baseline))
            .Select(l => l.Trim()).ToArray();

        int at = 0, compared = 0;
        foreach (string line in ShownLines(excerpt))
        {
            int found = Array.IndexOf(generated, line, at);
            Assert.True(found >= 0, $"README line not in {baseline} (after its line {at}): {line}");
            at = found + 1;
            compared++;
        }
        Assert.True(compared >= 10, $"only {compared} lines compared");
    }

    [GeneratedRegex(@"(?<forward>\d+) forward and (?<backward>\d+) backward\s+operations")]
    private static partial Regex ReadmeCounts();

    [GeneratedRegex(@"Forward pass: (?<forward>\d+) operations; backward pass: (?<backward>\d+) operations\.")]
    private static partial Regex HeaderCounts();

    [Fact]
    public void The_README_gives_DigitNets_operation_counts()
    {
        var readme = ReadmeCounts().Match(Readme());
        var header = HeaderCounts().Match(File.ReadAllText(Path.Combine(RepositoryFolder(), "tests", "SymbolicGrad.Generator.Tests", "Baselines", "DigitNet.g.cs")));

        Assert.True(readme.Success && header.Success);
        Assert.Equal(header.Groups["forward"].Value, readme.Groups["forward"].Value);
        Assert.Equal(header.Groups["backward"].Value, readme.Groups["backward"].Value);
    }

    // The excerpt's lines, trimmed, without blank lines and without the comments that stand for lines left out ("// …"
    // and the comment lines continuing it).
    private static IEnumerable<string> ShownLines(string[] excerpt)
    {
        bool elision = false;
        foreach (string raw in excerpt)
        {
            string line = raw.Trim();
            if (line.StartsWith("// …", StringComparison.Ordinal)) elision = true;
            else if (!line.StartsWith("//", StringComparison.Ordinal)) elision = false;
            if (!elision && line.Length > 0) yield return line;
        }
    }

    private static string[] CodeBlockAfter(string textBefore)
    {
        string readme = Readme();
        int at = readme.IndexOf(textBefore, StringComparison.Ordinal);
        Assert.True(at >= 0, $"the README has no '{textBefore}'");
        int start = readme.IndexOf("```csharp\n", at, StringComparison.Ordinal) + "```csharp\n".Length;
        int end = readme.IndexOf("```", start, StringComparison.Ordinal);
        return readme[start..end].Split('\n');
    }

    private static string Readme() => File.ReadAllText(Path.Combine(RepositoryFolder(), "README.md")).Replace("\r\n", "\n");

    private static string RepositoryFolder([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));
}
