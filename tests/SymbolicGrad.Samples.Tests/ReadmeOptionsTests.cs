using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using SymbolicGrad.Samples.Digits;

namespace SymbolicGrad.SamplesTests;

/// <summary>The README's table of Digits' options and the program's <c>--help</c> name the same options.</summary>
public sealed partial class ReadmeOptionsTests
{
    [GeneratedRegex(@"^\| `(?<option>--[a-z]+)[ `]", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [GeneratedRegex(@"^  (?<option>--[a-z]+)", RegexOptions.Multiline)]
    private static partial Regex UsageLine();

    [Fact]
    public void The_README_table_lists_exactly_the_options_help_lists()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryFolder(), "README.md")).Replace("\r\n", "\n");
        var table = TableRow().Matches(readme).Select(m => m.Groups["option"].Value).Order(StringComparer.Ordinal).ToArray();
        var usage = UsageLine().Matches(DigitsOptions.Usage).Select(m => m.Groups["option"].Value).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(usage, table);
        Assert.Equal(table.Distinct().Count(), table.Length);
    }

    [Fact]
    public void Help_lists_every_option_of_the_design_contract()
    {
        // DESIGN.md "Contracts of the next capabilities": outside tests run Digits with these.
        string[] contract = ["--hidden", "--model", "--augment", "--dropout", "--batchnorm", "--search", "--trials", "--threads", "--graph", "--export"];
        var usage = UsageLine().Matches(DigitsOptions.Usage).Select(m => m.Groups["option"].Value).ToHashSet();

        foreach (string option in contract) Assert.Contains(option, usage);
        Assert.True(usage.Count >= 20, DigitsOptions.Usage);
    }

    private static string RepositoryFolder([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));
}
