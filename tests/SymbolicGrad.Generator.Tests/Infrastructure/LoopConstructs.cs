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

    /// <summary>What only <see cref="LoopLanguage.Extended"/> programs have (the M family), beyond <see cref="All"/>.</summary>
    public static readonly IReadOnlyList<LoopConstruct> Extended =
    [
        new("while (true) left by break", new Regex(@"while \(true\)")),
        new("for on a differentiable value", new Regex(@"for \(int k\d+ = 0; [suv]\d+ [<>]")),
        new("do on a differentiable value", new Regex(@"^ +while \([suv]\d+ [<>] -?[\d.]+ && g\d+ < \d\);$", RegexOptions.Multiline)),
        new("previous element", new Regex(@"\[i\d+ - 1\]")),
        new("step -2 or ++i", new Regex(@" -= 2\)|; \+\+i\d+\)")),
        new("foreach with a position", new Regex(@"^ +j\d+\+\+;$", RegexOptions.Multiline)),
        new("exit after an assignment", new Regex(@"\{\n +[^\n]+;\n +(break;|continue;|return )")),
        new("division assignment", new Regex(@" /= 1\.0 \+ ")),
        new("tuple deconstruction", new Regex(@"var \(p\d+, p\d+\) = ")),
        new("switch expression", new Regex(@" switch \{ ")),
        new("relational pattern", new Regex(@" is > -[\d.]+ and < ")),
        new("int comparison", new Regex(@"<= \(?([iwgkjc]\d+|n)\b")),
        new("counter parity", new Regex(@" % 2 == [01]")),
        new("Sqrt, Log, Abs, Pow, Cbrt", new Regex(@"Math\.(Sqrt|Log|Abs|Pow|Cbrt)\(")),
        new("Atan2, Clamp, FusedMultiplyAdd, CopySign", new Regex(@"Math\.(Atan2|Clamp|FusedMultiplyAdd|CopySign)\(")),
        new("floating %", new Regex(@" % \d+\.\d+\)")),
    ];
}
