using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// SG0104 comes from SymbolicGrad.Analyzers (LoopTapeAnalyzer), not the generator: what it says each loop tapes must be
/// what the generated code tapes, and the usual suppressions must silence it.
/// </summary>
public sealed partial class LoopTapeAnalyzerTests
{
    private const string Header = """
        using System;
        using SymbolicGrad;

        namespace Tapes;

        public static partial class C
        {

        """;

    /// <summary>Loop programs of every shape the reverse mode handles (one loop a line: a loop is named by its line).</summary>
    public static TheoryData<string, string> Programs => new()
    {
        { "Horner", "public static double F(double[] c, double x) { double p = 0; for (int i = c.Length - 1; i >= 0; i--) p = p * x + c[i]; return p; }" },
        { "FloatHorner", "public static float F(float[] c, float x) { float p = 0f; for (int i = c.Length - 1; i >= 0; i--) p = p * x + c[i]; return p; }" },
        { "Dot", "public static double F(double[] a, double[] b) { double s = 0; for (int i = 0; i < a.Length; i++) s += a[i] * b[i]; return s; }" },
        { "Foreach", "public static double F(double[] a, double w) { double s = 0; foreach (double v in a) { double r = w * v - 1.0; s += r * r; } return s; }" },
        { "Product", "public static double F(double[] a, double x) { double p = 1; foreach (double v in a) p *= Math.Sin(v * x); return p; }" },
        { "Nested", "public static double F(double[] a, double x) { double s = 0; for (int i = 0; i < a.Length; i++) { double t = a[i];\n        for (int j = 0; j < i; j++) t = t * x; s += t; } return s; }" },
        { "Rotation", "public static double F(double x, int n) { double u = 1, v = 0; for (int k = 0; k < n; k++) { double next = u * Math.Cos(x) - v * Math.Sin(x); v = u * Math.Sin(x) + v * Math.Cos(x); u = next; } return u + 2 * v; }" },
        { "Recurrence", "public static double F(double x, int n) { double a = x, b = 1; for (int k = 0; k < n; k++) { double c = a * b + Math.Tanh(a); b = a; a = c; } return a; }" },
        { "While", "public static double F(double x) { double y = x; while (y > 1e-3) y = y * 0.5 + Math.Sin(y) * 0.1; return y; }" },
        { "DoWhile", "public static double F(double x, int n) { double y = x; int k = 0; do { y = Math.Exp(-y * y) + y * 0.5; k++; } while (k < n); return y; }" },
        { "BreakAndContinue", "public static double F(double[] a, double x) { double s = 0; for (int i = 0; i < a.Length; i++) { if (a[i] < 0) continue; if (s > 10) break; s = s * x + a[i]; } return s; }" },
        { "ReturnInside", "public static double F(double[] a, double x) { double p = x; for (int i = 0; i < a.Length; i++) { p = p * a[i]; if (p > 100) return p; } return -p; }" },
        { "TwoLoops", "public static double F(double[] a, double x) { double p = 0; for (int i = 0; i < a.Length; i++) p = Math.Tanh(p + a[i] * x); double s = 0;\n        for (int i = 0; i < a.Length; i++) s += a[i] * p; return s; }" },
        { "Span", "public static double F(ReadOnlySpan<double> a, double x) { double p = 0; for (int i = 0; i < a.Length; i++) p = p * x + a[i]; return p; }" },
    };

    [Theory]
    [MemberData(nameof(Programs))]
    public void TheAnalyzerSaysWhatTheGeneratedCodeTapes(string name, string method)
    {
        var run = GeneratorHarness.Run(Header + "    [Differentiable]\n    " + method + "\n}\n").AssertClean();
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "SG0104");
        string generated = run.Source("Tapes.C.F.g.cs");

        var said = run.AnalyzerDiagnostics.Where(d => d.Id == "SG0104").ToDictionary(
            d => (Keyword: Regex.Match(d.GetMessage(), "this '(\\w+)' loop").Groups[1].Value, Line: d.Location.GetLineSpan().StartLinePosition.Line + 1),
            d => TapedFields(d.GetMessage()));
        var (reversed, kept) = WhatTheCodeTapes(generated);

        Assert.True(said.Count > 0, $"{name}: no SG0104");
        Assert.Equal(reversed.OrderBy(l => l).ToList(), said.Keys.OrderBy(l => l).ToList());
        foreach (var (loop, fields) in said)
        {
            var inCode = kept.TryGetValue(loop, out var k) ? k : [];
            Assert.True(fields.SequenceEqual(inCode), $"{name}, {loop}: the analyzer says [{string.Join(", ", fields)}], the code keeps [{string.Join(", ", inCode)}]");
        }
        // Every field of the tape is written by some loop the analyzer names.
        foreach (Match write in Regex.Matches(generated, @"tape\.(\w+)\[\w+\] = "))
        {
            Assert.Contains(write.Groups[1].Value, said.Values.SelectMany(f => f));
        }
    }

    [Fact]
    public void APragmaSilencesIt()
    {
        var run = GeneratorHarness.Run(Header + """
                [Differentiable]
                public static double F(double[] c, double x)
                {
                    double p = 0;
            #pragma warning disable SG0104
                    for (int i = c.Length - 1; i >= 0; i--) p = p * x + c[i];
            #pragma warning restore SG0104
                    for (int i = 0; i < c.Length; i++) p = p * x + c[i];
                    return p;
                }
            }
            """).AssertClean();
        // The second loop still says what it keeps.
        var left = Assert.Single(run.AnalyzerDiagnostics, d => d.Id == "SG0104");
        Assert.Equal(15, left.Location.GetLineSpan().StartLinePosition.Line + 1);
    }

    [Fact]
    public void SuppressMessageSilencesIt()
    {
        var run = GeneratorHarness.Run(Header + """
                [Differentiable]
                [System.Diagnostics.CodeAnalysis.SuppressMessage("SymbolicGrad", "SG0104")]
                public static double F(double[] c, double x)
                {
                    double p = 0;
                    for (int i = c.Length - 1; i >= 0; i--) p = p * x + c[i];
                    return p;
                }

                [Differentiable]
                public static double G(double[] c, double x)
                {
                    double p = 0;
                    for (int i = c.Length - 1; i >= 0; i--) p = p * x + c[i];
                    return p;
                }
            }
            """).AssertClean();
        var left = Assert.Single(run.AnalyzerDiagnostics, d => d.Id == "SG0104");
        Assert.Equal(21, left.Location.GetLineSpan().StartLinePosition.Line + 1);
    }

    [Fact]
    public void NothingAboutAMethodTheGeneratorRefuses()
    {
        // A loop in a method with an error gets no SG0104: nothing is generated, so nothing is taped.
        var run = GeneratorHarness.Run(Header + """
                [Differentiable]
                public static double F(double[] c, double x)
                {
                    double p = 0;
                    for (int i = 0; i < c.Length; i++) { c[i] = p; p = p * x + c[i]; }
                    return p;
                }
            }
            """);
        Assert.Contains(run.GeneratorErrors, d => d.Id.StartsWith("SG", StringComparison.Ordinal));
        Assert.DoesNotContain(run.AnalyzerDiagnostics, d => d.Id == "SG0104");
    }

    /// <summary>The fields an SG0104 message names ("p, q from a tape, …"), none for "nothing from a tape".</summary>
    private static List<string> TapedFields(string message)
    {
        var match = Regex.Match(message, "loop reads (.*) from a tape, \\d+ bytes per iteration$");
        return match.Success ? match.Groups[1].Value.Split(", ").ToList() : [];
    }

    /// <summary>
    /// The loops the generated backward pass reverses ("The for (line 12) loop, backwards") and, for each forward loop,
    /// what its body keeps ("Kept for the backward pass: p." one level inside "The for (line 12) loop, carrying …").
    /// </summary>
    private static (List<(string Keyword, int Line)> Reversed, Dictionary<(string Keyword, int Line), List<string>> Kept) WhatTheCodeTapes(string code)
    {
        var lines = code.Split('\n');
        var reversed = new List<(string, int)>();
        var kept = new Dictionary<(string, int), List<string>>();
        var header = new Regex(@"^(\s*)// The (\w+) \(line (\d+)\) loop(, backwards)?");
        for (int i = 0; i < lines.Length; i++)
        {
            var loop = header.Match(lines[i]);
            if (loop.Success && loop.Groups[4].Success) reversed.Add((loop.Groups[2].Value, int.Parse(loop.Groups[3].Value)));
            var keep = Regex.Match(lines[i], @"^(\s*)// Kept for the backward pass: (.*)\.\s*$");
            if (!keep.Success) continue;
            int indent = keep.Groups[1].Value.Length;
            for (int j = i - 1; j >= 0; j--)
            {
                var owner = header.Match(lines[j]);
                if (owner.Success && !owner.Groups[4].Success && owner.Groups[1].Value.Length == indent - 4)
                {
                    var key = (owner.Groups[2].Value, int.Parse(owner.Groups[3].Value));
                    kept[key] = (kept.TryGetValue(key, out var earlier) ? earlier : []).Concat(keep.Groups[2].Value.Split(", ")).ToList();
                    break;
                }
            }
        }
        return (reversed, kept);
    }
}
