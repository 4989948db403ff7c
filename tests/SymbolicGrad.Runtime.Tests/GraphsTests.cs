namespace SymbolicGrad.Runtime.Tests;

/// <summary>Graphs.WriteMarkdown: named Mermaid graphs in Markdown code blocks, written whole, bad input refused.</summary>
public sealed class GraphsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("graphs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Several_graphs_each_get_a_heading_and_a_mermaid_block()
    {
        string path = Path.Combine(_folder, "graphs.md");
        File.WriteAllText(path, "old content that must go");

        Graphs.WriteMarkdown(path, ("F", "flowchart TD\n    a --> b\n"), ("Net.Loss", "flowchart TD\r\n    c[\"∂L/∂W\"]"));

        Assert.Equal(
            "## F\n\n```mermaid\nflowchart TD\n    a --> b\n```\n\n## Net.Loss\n\n```mermaid\nflowchart TD\n    c[\"∂L/∂W\"]\n```\n",
            File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Theory]
    [InlineData("", "flowchart TD", "name must be one non-empty line")]
    [InlineData("two\nlines", "flowchart TD", "name must be one non-empty line")]
    [InlineData("F", " ", "'F' has no Mermaid text")]
    [InlineData("F", "flowchart TD\n```\nrm -rf", "'F' contains ```")]
    public void Bad_graphs_are_refused_and_nothing_is_written(string name, string mermaid, string expected)
    {
        string path = Path.Combine(_folder, "bad.md");

        var error = Assert.Throws<ArgumentException>(() => Graphs.WriteMarkdown(path, (name, mermaid)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void No_graph_an_empty_path_and_a_missing_folder_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Graphs.WriteMarkdown(Path.Combine(_folder, "none.md")));
        Assert.Throws<ArgumentException>(() => Graphs.WriteMarkdown(" ", ("F", "flowchart TD")));
        var missing = Assert.Throws<DirectoryNotFoundException>(() =>
            Graphs.WriteMarkdown(Path.Combine(_folder, "no-such-folder", "g.md"), ("F", "flowchart TD")));
        Assert.Contains("no-such-folder", missing.Message, StringComparison.Ordinal);
    }
}
