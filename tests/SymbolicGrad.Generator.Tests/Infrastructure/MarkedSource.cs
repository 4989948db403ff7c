using Microsoft.CodeAnalysis.Text;

namespace SymbolicGrad.Generator.Tests.Infrastructure;

/// <summary>Test source with one span marked as <c>[|…|]</c>: the markers are removed and the span remembered.</summary>
internal sealed record MarkedSource(string Text, TextSpan Span)
{
    private const string Open = "[|";
    private const string Close = "|]";

    /// <summary>Strips exactly one <c>[|…|]</c> pair from <paramref name="marked"/>.</summary>
    public static MarkedSource Parse(string marked)
    {
        var start = marked.IndexOf(Open, StringComparison.Ordinal);
        var end = start < 0 ? -1 : marked.IndexOf(Close, start + Open.Length, StringComparison.Ordinal);
        if (start < 0 || end < 0)
            throw new ArgumentException("Test source must mark the expected span with [|…|].", nameof(marked));
        var text = marked.Remove(end, Close.Length).Remove(start, Open.Length);
        if (text.Contains(Open, StringComparison.Ordinal) || text.Contains(Close, StringComparison.Ordinal))
            throw new ArgumentException("Test source must contain exactly one [|…|] marker.", nameof(marked));
        return new MarkedSource(text, TextSpan.FromBounds(start, end - Open.Length));
    }

    /// <summary>The text inside the markers.</summary>
    public string MarkedText => Text.Substring(Span.Start, Span.Length);
}
