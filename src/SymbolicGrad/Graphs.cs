using System.Text;

namespace SymbolicGrad;

/// <summary>
/// Writes the graphs <c>[Differentiable(Graph = true)]</c> generates (the <c>NameGraph</c> constants, Mermaid text)
/// into Markdown, where GitHub, GitLab, VS Code and most Markdown viewers draw them.
/// </summary>
/// <example>
/// <code>
/// Graphs.WriteMarkdown("graph.md", ("DigitNet.Loss", DigitNet.LossGraph));
/// </code>
/// </example>
public static class Graphs
{
    /// <summary>
    /// Writes <paramref name="graphs"/> into the Markdown file at <paramref name="path"/> (replaced if it exists), each under
    /// a <c>##</c> heading of its name, in a <c>```mermaid</c> block. The file is written whole or not at all.
    /// </summary>
    /// <param name="path">The Markdown file to write; its folder must exist.</param>
    /// <param name="graphs">Each graph's heading and its Mermaid text (a <c>NameGraph</c> constant).</param>
    /// <exception cref="ArgumentException">No graph, an empty or multi-line name, or Mermaid text that is empty or would end the code block.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    public static void WriteMarkdown(string path, params (string Name, string Mermaid)[] graphs)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string markdown = ToMarkdown(graphs);
        AtomicFile.Write(path, stream =>
        {
            var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(markdown);
            stream.Write(bytes, 0, bytes.Length);
        });
    }

    /// <summary>The Markdown <see cref="WriteMarkdown"/> writes: a heading and a <c>```mermaid</c> block per graph.</summary>
    /// <param name="graphs">Each graph's heading and its Mermaid text.</param>
    /// <exception cref="ArgumentException">No graph, an empty or multi-line name, or Mermaid text that is empty or would end the code block.</exception>
    public static string ToMarkdown(params (string Name, string Mermaid)[] graphs)
    {
        ArgumentNullException.ThrowIfNull(graphs);
        if (graphs.Length == 0) throw new ArgumentException("Give at least one graph to write.", nameof(graphs));
        var text = new StringBuilder();
        for (int k = 0; k < graphs.Length; k++)
        {
            var (name, mermaid) = graphs[k];
            if (string.IsNullOrWhiteSpace(name) || name.Contains('\n') || name.Contains('\r'))
            {
                throw new ArgumentException($"Graph {k}'s name must be one non-empty line, not '{name}'.", nameof(graphs));
            }
            if (string.IsNullOrWhiteSpace(mermaid))
            {
                throw new ArgumentException($"Graph '{name}' has no Mermaid text.", nameof(graphs));
            }
            if (mermaid.Contains("```", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Graph '{name}' contains ``` and would end its Markdown code block.", nameof(graphs));
            }
            if (k > 0) text.Append('\n');
            text.Append("## ").Append(name.Trim()).Append("\n\n```mermaid\n");
            text.Append(mermaid.Replace("\r\n", "\n").TrimEnd('\n')).Append("\n```\n");
        }
        return text.ToString();
    }
}
