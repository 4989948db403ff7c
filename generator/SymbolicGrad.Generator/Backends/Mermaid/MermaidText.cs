using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace SymbolicGrad.Generator.Backends.Mermaid;

/// <summary>
/// Writes a <see cref="GraphPicture"/> as a Mermaid flowchart: groups as subgraphs, boxes with their math and notes,
/// arrows, and one style class per kind of box. Every label is quoted with Mermaid's entity codes for the characters
/// that would end or change it, so any C# name or math symbol is safe.
/// </summary>
internal static class MermaidText
{
    private const string Indent = "    ";

    private static readonly (BoxStyle Style, string Class, string Css)[] Classes =
    {
        (BoxStyle.Input, "input", "fill:#eef2ff,stroke:#5561a8"),
        (BoxStyle.Forward, "forward", "fill:#ffffff,stroke:#888888"),
        (BoxStyle.Stored, "stored", "fill:#ffe8b3,stroke:#b36b00,stroke-width:2px"),
        (BoxStyle.Recomputed, "recomputed", "fill:#ffffff,stroke:#b36b00,stroke-dasharray:5 3"),
        (BoxStyle.Overwrites, "overwrites", "fill:#e3f4dd,stroke:#3c763d"),
        (BoxStyle.Backward, "backward", "fill:#f4f4f4,stroke:#888888"),
        (BoxStyle.Gradient, "gradient", "fill:#f8dede,stroke:#a94442,stroke-width:2px"),
    };

    public static string Write(GraphPicture picture)
    {
        var text = new StringBuilder();
        text.Append("flowchart TD\n");
        foreach (var box in picture.Boxes.Where(b => b.Group is null)) WriteBox(text, box, 1);
        foreach (var group in picture.Groups.Where(g => g.Parent is null)) WriteGroup(text, picture, group, 1);
        foreach (var arrow in picture.Arrows)
        {
            string line = arrow.Dashed ? "-.->" : "-->";
            string label = arrow.Label is null ? "" : "|\"" + Escape(arrow.Label) + "\"|";
            text.Append(Indent).Append(arrow.From).Append(' ').Append(line).Append(label).Append(' ').Append(arrow.To).Append('\n');
        }
        foreach (var (style, name, css) in Classes)
        {
            var ids = picture.Boxes.Where(b => b.Style == style).Select(b => b.Id).ToList();
            if (ids.Count == 0) continue;
            text.Append(Indent).Append("classDef ").Append(name).Append(' ').Append(css).Append('\n');
            text.Append(Indent).Append("class ").Append(string.Join(",", ids)).Append(' ').Append(name).Append('\n');
        }
        return text.ToString();
    }

    private static void WriteGroup(StringBuilder text, GraphPicture picture, BoxGroup group, int depth)
    {
        string indent = string.Concat(Enumerable.Repeat(Indent, depth));
        text.Append(indent).Append("subgraph ").Append(group.Id).Append("[\"").Append(Escape(group.Title)).Append("\"]\n");
        foreach (var box in picture.Boxes.Where(b => b.Group == group.Id)) WriteBox(text, box, depth + 1);
        foreach (var inner in picture.Groups.Where(g => g.Parent == group.Id)) WriteGroup(text, picture, inner, depth + 1);
        text.Append(indent).Append("end\n");
    }

    private static void WriteBox(StringBuilder text, Box box, int depth)
    {
        var label = new StringBuilder(Escape(box.Math));
        // Mermaid draws <br/> as a line break; the notes' own text is escaped like the math.
        foreach (string note in box.Notes) label.Append("<br/>").Append(Escape(note));
        string open = box.Style == BoxStyle.Input ? "([\"" : "[\"";
        string close = box.Style == BoxStyle.Input ? "\"])" : "\"]";
        for (int k = 0; k < depth; k++) text.Append(Indent);
        text.Append(box.Id).Append(open).Append(label).Append(close).Append('\n');
    }

    /// <summary>
    /// A label's text with Mermaid's entity codes for what would end the quoted label or be read as HTML or Markdown:
    /// <c>#</c> first, since the codes start with it.
    /// </summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '#': escaped.Append("#35;"); break;
                case '"': escaped.Append("#quot;"); break;
                case '<': escaped.Append("#lt;"); break;
                case '>': escaped.Append("#gt;"); break;
                case '&': escaped.Append("#amp;"); break;
                case '`': escaped.Append("#96;"); break;
                case '\r': case '\n': escaped.Append(' '); break;
                default: escaped.Append(c); break;
            }
        }
        return escaped.ToString();
    }

    /// <summary>The Mermaid text's lines, as the header comment repeats them.</summary>
    public static IEnumerable<string> Lines(string mermaid) => mermaid.TrimEnd('\n').Split('\n');
}
