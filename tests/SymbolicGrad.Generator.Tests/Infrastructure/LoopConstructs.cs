using System.Text.RegularExpressions;

namespace SymbolicGrad.Generator.Tests.Infrastructure;

/// <summary>A construct of the loop language, recognized in a random program's text.</summary>
internal sealed record LoopConstruct(string Name, Regex Pattern)
{
    public bool In(string method) => Pattern.IsMatch(method);
}

/// <summary>
/// The constructs issue 9 asks the random programs to cover, as they appear in <see cref="RandomLoopProgramGenerator"/>'s
/// output (the method's statements are indented by 4 spaces, a loop's body by 4 more).
/// </summary>
internal static class LoopConstructs
{
    public static readonly IReadOnlyList<LoopConstruct> All =
    [
        new("nested loops", new Regex(@"^ {8,}(for|foreach|while) \(|^ {8,}do$", RegexOptions.Multiline)),
        new("while on a differentiable value", new Regex(@"while \([suv]\d+ [<>] [^&]+&& g\d+ <")),
        new("break", new Regex(@"\bbreak;")),
        new("continue", new Regex(@"\bcontinue;")),
        new("return inside a loop", new Regex(@"^ {8,}if \(.*\) return ", RegexOptions.Multiline)),
        new("foreach", new Regex(@"foreach \(")),
        new("do-while", new Regex(@"^ +do$", RegexOptions.Multiline)),
        new("ReadOnlySpan", new Regex(@"ReadOnlySpan<double>")),
        new("two carried values", new Regex(@"\(u\d+, v\d+\) = \(v\d+, |u\d+ = v\d+;")),
        new("int local with %", new Regex(@"int q\d+ = .* % ")),
    ];
}
