using System.Reflection;
using System.Text.RegularExpressions;
using SymbolicGrad.Generator.Planning;
using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// [Differentiable(Graph = true)]: the Mermaid picture of the forward and backward passes, in the header comment and as
/// the constant NameGraph. Baselines of whole files; structure checked against the plan the picture is drawn from.
/// </summary>
public sealed partial class GraphTests
{
    private const string Gabor = """
        using System;
        using SymbolicGrad;

        namespace Pictures;

        public static partial class Gabor
        {
            [Differentiable(Graph = true)]
            public static double Predict([NoDiff] double x, double phi0, double phi1)
            {
                double z = phi0 + 0.06 * phi1 * x;
                return Math.Sin(z) * Math.Exp(-(z * z) / 32.0);
            }
        }
        """;

    private const string DigitNet = """
        using SymbolicGrad;
        using static SymbolicGrad.Ops;

        namespace Pictures;

        public sealed partial class DigitNet : Model
        {
            readonly Mat W1, W2; readonly Vec b1, b2;

            public DigitNet(int inputs, int hidden, int classes, int seed = 0)
            {
                W1 = Parameters.Matrix(hidden, inputs, Init.He(seed));
                b1 = Parameters.Vector(hidden);
                W2 = Parameters.Matrix(classes, hidden, Init.Xavier(seed + 1));
                b2 = Parameters.Vector(classes);
            }

            [Differentiable(Graph = true)]
            public float Loss([NoDiff] Vec x, int label)
                => SoftmaxCrossEntropy(W2 * Relu(W1 * x + b1) + b2, label);
        }
        """;

    private const string Horner = """
        using SymbolicGrad;

        namespace Pictures;

        public static partial class Poly
        {
            [Differentiable(Graph = true)]
            public static double Horner(double[] c, double x)
            {
                double p = 0;
                for (int i = c.Length - 1; i >= 0; i--) p = p * x + c[i];
                return p;
            }
        }
        """;

    /// <summary>Names Mermaid or Markdown could misread (a keyword with @, Greek, underscores) and math with &lt; &gt; &amp;&amp; " #.</summary>
    private const string OddNames = """
        using System;
        using SymbolicGrad;

        namespace Pictures;

        public static partial class Odd
        {
            static readonly double Scale = 2.0;

            [Differentiable(Graph = true)]
            public static double @event(double @double, double Δx, double _end, [NoDiff] int n)
            {
                double a_b = @double > 0.5 && Δx < 2.0 ? @double * Δx : -Δx;
                double q = Math.Max(a_b, _end) / (1.0 + a_b * a_b);
                return n % 2 == 0 ? q * Scale : q - Math.Exp(_end);
            }
        }
        """;

    /// <summary>Nested loops, a loop left by break and return, a while on a differentiable condition.</summary>
    private const string Loops = """
        using System;
        using SymbolicGrad;

        namespace Pictures;

        public static partial class Loops
        {
            [Differentiable(Graph = true)]
            public static double Triangle(double[] a, double x)
            {
                double s = 0;
                for (int i = 0; i < a.Length; i++)
                {
                    double t = a[i];
                    for (int j = 0; j < i; j++) t = t * x;
                    s += t;
                }
                return s;
            }

            [Differentiable(Graph = true)]
            public static double FirstLarge(double[] v, double w)
            {
                double sum = 0;
                for (int i = 0; i < v.Length; i++)
                {
                    if (v[i] < 0) break;
                    if (v[i] * w > 4.0) return v[i] * w * w;
                    sum += v[i] * w;
                }
                return sum;
            }

            [Differentiable(Graph = true)]
            public static double Halve(double x)
            {
                double y = x;
                while (y > 1.0) y *= 0.5;
                return y * x;
            }
        }
        """;

    /// <summary>A residual model with a layer helper, and a static function of vectors.</summary>
    private const string Tensors = """
        using SymbolicGrad;
        using static SymbolicGrad.Ops;

        namespace Pictures;

        public sealed partial class Residual : Model
        {
            readonly Mat W1, W2, W3; readonly Vec b1, b2;

            public Residual(int inputs, int width, int outputs, int seed = 0)
            {
                W1 = Parameters.Matrix(width, inputs, Init.He(seed));
                b1 = Parameters.Vector(width);
                W2 = Parameters.Matrix(width, width, Init.He(seed + 1));
                b2 = Parameters.Vector(width);
                W3 = Parameters.Matrix(outputs, width, Init.Xavier(seed + 2));
            }

            [Differentiable]
            static Vec Dense(Mat W, Vec b, Vec x) => Relu(W * x + b);

            [Differentiable(Graph = true)]
            public float Loss([NoDiff] Vec x, [NoDiff] Vec target)
            {
                Vec h = Tanh(W1 * x + b1);
                Vec r = h + Dense(W2, b2, h);
                return Mse(W3 * r, target);
            }
        }

        public static partial class Layer
        {
            [Differentiable(Graph = true)]
            public static float Loss(Mat W, Vec b, [NoDiff] Vec x, int label)
                => SoftmaxCrossEntropy(Concat(Tanh(W * x + b), Sigmoid(b)), label) + 0.01f * Dot(b, b);
        }
        """;

    [Fact]
    public void ScalarFunctionGraph()
    {
        var run = GeneratorHarness.Run(Gabor).AssertClean();
        Baseline.Verify(run.Source("Pictures.Gabor.Predict.g.cs"));
    }

    [Fact]
    public void ModelGraph()
    {
        var run = GeneratorHarness.Run(DigitNet).AssertClean();
        Baseline.Verify(run.Source("Pictures.DigitNet.Loss.g.cs"));
    }

    [Fact]
    public void LoopGraph()
    {
        var run = GeneratorHarness.Run(Horner).AssertClean();
        Baseline.Verify(run.Source("Pictures.Poly.Horner.g.cs"));
    }

    [Theory]
    [InlineData(Gabor, "Pictures.Gabor", "Predict")]
    [InlineData(DigitNet, "Pictures.DigitNet", "Loss")]
    [InlineData(Horner, "Pictures.Poly", "Horner")]
    [InlineData(OddNames, "Pictures.Odd", "event")]
    public void TheConstantCompilesAndEqualsTheHeaderComment(string source, string type, string method)
    {
        var run = GeneratorHarness.Run(source).AssertClean();
        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        var field = assembly.Type(type).GetField(method + "Graph", BindingFlags.Public | BindingFlags.Static);
        Assert.NotNull(field);
        Assert.True(field!.IsLiteral, "NameGraph is a const");
        string constant = (string)field.GetRawConstantValue()!;
        Assert.StartsWith("flowchart TD\n", constant, StringComparison.Ordinal);

        string file = run.GeneratedSources.Single(s => s.Key.EndsWith("." + method + ".g.cs", StringComparison.Ordinal)).Value;
        var lines = file.Replace("\r\n", "\n").Split('\n');
        int title = Array.FindIndex(lines, l => l == $"// Forward and backward graph (Mermaid), also in the constant {method}Graph:");
        Assert.True(title > 0, "no graph in the header");
        var header = lines.Skip(title + 1).TakeWhile(l => l.StartsWith("// ", StringComparison.Ordinal)).Select(l => l[3..]);
        Assert.Equal(constant, string.Join("\n", header) + "\n");
    }

    [Theory]
    [InlineData(Gabor, "Pictures.Gabor.Predict.g.cs")]
    [InlineData(DigitNet, "Pictures.DigitNet.Loss.g.cs")]
    [InlineData(Horner, "Pictures.Poly.Horner.g.cs")]
    [InlineData(OddNames, "Pictures.Odd.event.g.cs")]
    public void EveryForwardValueAndInputIsABoxAndTheSyntaxHolds(string source, string hintName)
    {
        var run = GeneratorHarness.Run(source).AssertClean();
        var mermaid = MermaidOf(run.Source(hintName));
        var chart = Chart.Parse(mermaid);
        var plan = PlanOf(run);
        foreach (var parameter in plan.Method.Parameters)
        {
            Assert.True(chart.Boxes.TryGetValue("n" + parameter.Input, out var label), $"input {parameter.Name} has no box");
            Assert.StartsWith(Escape(parameter.Name.TrimStart('@')), label, StringComparison.Ordinal);
        }
        foreach (var value in AllValues(plan.ForwardCode))
        {
            Assert.True(chart.Boxes.TryGetValue("n" + value.Node, out var label), $"forward value {value.Name} has no box");
            Assert.StartsWith(Escape(value.Name) + " = ", label, StringComparison.Ordinal);
        }
        foreach (var value in AllValues(plan.BackwardCode))
        {
            Assert.True(chart.Boxes.ContainsKey("n" + value.Node), $"backward value {value.Name} has no box");
        }
        // A box marked stored is read by the backward pass, and every forward box the backward pass reads is marked.
        var backward = chart.Members("backward");
        foreach (var id in chart.Members("forward"))
        {
            bool readByBackward = chart.Arrows.Any(a => a.From == id && backward.Contains(a.To) && a.Label != "recomputes");
            bool stored = chart.Boxes[id].Contains("stored for the backward pass", StringComparison.Ordinal)
                || chart.Boxes[id].Contains("kept on the tape", StringComparison.Ordinal);
            Assert.True(readByBackward == stored, $"{id} ({chart.Boxes[id]}): read by the backward pass {readByBackward}, marked stored {stored}");
        }
    }

    [Theory]
    [InlineData(Loops)]
    [InlineData(Tensors)]
    public void EveryGraphOfLoopsAndTensorCodeIsWellFormed(string source)
    {
        var run = GeneratorHarness.Run(source).AssertClean();
        var files = run.GeneratedSources.Values.Where(f => f.Contains("Graph = \"", StringComparison.Ordinal)).ToList();
        Assert.Equal(Regex.Matches(source, "Graph = true").Count, files.Count);
        foreach (string file in files)
        {
            var chart = Chart.Parse(MermaidOf(file));
            Assert.NotEmpty(chart.Members("forward"));
            Assert.NotEmpty(chart.Members("backward"));
            Assert.Contains(chart.Boxes.Values, l => l.Contains("the result", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void RandomProgramsGetWellFormedGraphs()
    {
        var programs = Enumerable.Range(0, 40).Select(i => RandomProgramGenerator.Generate(20260 + i, "P" + i)).ToList();
        string source = Regex.Replace(RandomProgram.File("Drawn", programs), @"\[Differentiable\](\s+public static double P\d)", "[Differentiable(Graph = true)]$1");
        Assert.Equal(programs.Count, Regex.Matches(source, "Graph = true").Count);
        // Random programs may leave a parameter unused (SG0101): only errors count.
        var run = GeneratorHarness.Run(source);
        Assert.True(run.GeneratorException is null && !run.GeneratorErrors.Any() && !run.OutputErrors.Any(), run.Describe());
        foreach (var program in programs)
        {
            string file = run.Source($"RandomPrograms.Drawn.{program.Name}.g.cs");
            var chart = Chart.Parse(MermaidOf(file));
            Assert.Contains(chart.Boxes.Values, l => l.Contains("the result", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void TheModelShowsWhatIsStoredAndWhatOverwritesADeadBuffer()
    {
        var chart = Chart.Parse(MermaidOf(GeneratorHarness.Run(DigitNet).AssertClean().Source("Pictures.DigitNet.Loss.g.cs")));
        string Box(string math) => chart.Boxes.Values.Single(l => l.StartsWith(math, StringComparison.Ordinal));
        // The ReLU's derivative reads its output: t1 (the product) is never kept, t2 (the ReLU, written over t1) is.
        Assert.DoesNotContain("stored", Box("t1 = W1·x"), StringComparison.Ordinal);
        Assert.Contains("overwrites t1, not read again", Box("t2 = max(t1 + b1, 0)"), StringComparison.Ordinal);
        Assert.Contains("stored for the backward pass", Box("t2 = max(t1 + b1, 0)"), StringComparison.Ordinal);
        Assert.Contains("stored for the backward pass", Box("logsumexpT4 = logΣexp(t4)"), StringComparison.Ordinal);
        Assert.DoesNotContain("stored", Box("t3 = W2·t2"), StringComparison.Ordinal);
        Assert.Contains("∂L/∂W1 += Σ ∂L/∂(t1 + b1)·xᵀ", chart.Boxes.Values);
        Assert.Equal(4, chart.Boxes.Values.Count(l => l.StartsWith("∂L/∂W", StringComparison.Ordinal) || l.StartsWith("∂L/∂b", StringComparison.Ordinal)));
    }

    [Fact]
    public void TheLoopShowsTheTapeAndTheRecomputedCounter()
    {
        var chart = Chart.Parse(MermaidOf(GeneratorHarness.Run(Horner).AssertClean().Source("Pictures.Poly.Horner.g.cs")));
        Assert.Contains(chart.Boxes.Values, l => l.StartsWith("p: 0, then p · x + c[i]", StringComparison.Ordinal) && l.Contains("kept on the tape", StringComparison.Ordinal));
        Assert.Contains(chart.Boxes.Values, l => l.StartsWith("i: c.Length − 1, then i − 1", StringComparison.Ordinal) && !l.Contains("tape", StringComparison.Ordinal));
        Assert.Contains(chart.Boxes.Values, l => l.Contains("recomputed from the loop's counter", StringComparison.Ordinal));
        Assert.Contains(chart.Boxes.Values, l => l.Contains("restored: this iteration's value", StringComparison.Ordinal));
    }

    [Fact]
    public void OddNamesAndMathCharactersAreEscaped()
    {
        var chart = Chart.Parse(MermaidOf(GeneratorHarness.Run(OddNames).AssertClean().Source("Pictures.Odd.event.g.cs")));
        Assert.Contains(chart.Boxes.Values, l => l.Contains("#gt;", StringComparison.Ordinal));
        Assert.Contains(chart.Boxes.Values, l => l.Contains("#amp;#amp;", StringComparison.Ordinal));
        Assert.Contains(chart.Boxes.Values, l => l.StartsWith("Δx", StringComparison.Ordinal));
        Assert.Contains(chart.Boxes.Values, l => l.StartsWith("double", StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutGraphThereIsNoConstantAndNoPicture()
    {
        var run = GeneratorHarness.Run(Gabor.Replace("Graph = true", "Graph = false")).AssertClean();
        string file = run.Source("Pictures.Gabor.Predict.g.cs");
        Assert.DoesNotContain("PredictGraph", file, StringComparison.Ordinal);
        Assert.DoesNotContain("flowchart", file, StringComparison.Ordinal);
    }

    [Fact]
    public void ATakenGraphNameIsSG0017()
    {
        var run = GeneratorHarness.Run(Gabor.Replace("    [Differentiable(Graph = true)]", "    public const string PredictGraph = \"mine\";\n    [Differentiable(Graph = true)]"));
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "SG0017" && d.GetMessage().Contains("PredictGraph", StringComparison.Ordinal));
        Assert.Empty(run.OutputErrors);
    }

    [Fact]
    public void TwoOverloadsAskingForTheirGraphAreSG0017AndTheFirstKeepsIt()
    {
        var run = GeneratorHarness.Run("""
            using SymbolicGrad;
            namespace Pictures;
            public static partial class Over
            {
                [Differentiable(Graph = true)]
                public static double F(double x) => x * x;

                [Differentiable(Graph = true)]
                public static double F(float x, double y) => x * y;
            }
            """);
        var conflict = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "SG0017");
        Assert.Contains("FGraph", conflict.GetMessage(), StringComparison.Ordinal);
        Assert.Empty(run.OutputErrors);
        Assert.Single(run.GeneratedSources.Values, s => s.Contains("public const string FGraph", StringComparison.Ordinal));
    }

    private static string MermaidOf(string file)
    {
        var match = Regex.Match(file, "public const string \\w+Graph = (\"(?:[^\"\\\\]|\\\\.)*\");");
        Assert.True(match.Success, "no NameGraph constant");
        return Regex.Unescape(match.Groups[1].Value[1..^1]);
    }

    private static string Escape(string text) => text.Replace("#", "#35;").Replace("\"", "#quot;").Replace("<", "#lt;").Replace(">", "#gt;").Replace("&", "#amp;");

    private static ProgramPlan PlanOf(GeneratorRun run)
    {
        var outputs = run.Result.TrackedSteps[TrackingNames.Plan].SelectMany(s => s.Outputs).Select(o => o.Value).OfType<PlanResult>();
        return Assert.Single(outputs, p => p.Plan is not null).Plan!;
    }

    private static IEnumerable<ScheduledValue> AllValues(IEnumerable<Statement> statements)
    {
        foreach (var statement in statements)
        {
            switch (statement)
            {
                case ValueStatement v: yield return v.Value; break;
                case LoopStatement l: foreach (var inner in AllValues(l.Body)) yield return inner; break;
                case ReverseLoopStatement r: foreach (var inner in AllValues(r.Body)) yield return inner; break;
            }
        }
    }

    /// <summary>A Mermaid flowchart as this backend writes it, checked line by line while it is read.</summary>
    private sealed partial class Chart
    {
        public Dictionary<string, string> Boxes { get; } = new(StringComparer.Ordinal);

        public List<(string From, string To, string? Label)> Arrows { get; } = new();

        private readonly Dictionary<string, string?> _parentOf = new(StringComparer.Ordinal);
        private readonly HashSet<string> _groups = new(StringComparer.Ordinal);

        /// <summary>The group a box or group is directly in (null: the top level).</summary>
        public string? ParentOf(string id) => _parentOf[id];

        /// <summary>The boxes inside group <paramref name="group"/>, at any depth.</summary>
        public HashSet<string> Members(string group) => Boxes.Keys.Where(id => Within(id, group)).ToHashSet();

        private bool Within(string id, string group)
        {
            for (string? at = _parentOf[id]; at is not null; at = _parentOf[at])
            {
                if (at == group) return true;
            }
            return false;
        }

        public static Chart Parse(string mermaid)
        {
            var chart = new Chart();
            var lines = mermaid.Split('\n');
            Assert.Equal("flowchart TD", lines[0]);
            Assert.Equal("", lines[^1]);
            var open = new Stack<string>();
            var classes = new HashSet<string>(StringComparer.Ordinal);
            foreach (string line in lines.Skip(1).SkipLast(1))
            {
                Match m;
                if ((m = GroupLine().Match(line)).Success)
                {
                    string id = m.Groups["id"].Value;
                    Assert.True(chart._parentOf.TryAdd(id, open.Count > 0 ? open.Peek() : null), $"id {id} defined twice");
                    chart._groups.Add(id);
                    AssertEscaped(m.Groups["title"].Value);
                    open.Push(id);
                }
                else if (line.Trim() == "end")
                {
                    Assert.NotEmpty(open);
                    open.Pop();
                }
                else if ((m = BoxLine().Match(line)).Success)
                {
                    string id = m.Groups["id"].Value;
                    Assert.True(chart._parentOf.TryAdd(id, open.Count > 0 ? open.Peek() : null), $"id {id} defined twice");
                    string label = m.Groups["label"].Value;
                    AssertEscaped(label.Replace("<br/>", "\n"));
                    chart.Boxes[id] = label;
                }
                else if ((m = ArrowLine().Match(line)).Success)
                {
                    Assert.Empty(open);
                    string? label = m.Groups["label"].Success ? m.Groups["label"].Value : null;
                    if (label is not null) AssertEscaped(label);
                    chart.Arrows.Add((m.Groups["from"].Value, m.Groups["to"].Value, label));
                }
                else if ((m = ClassDefLine().Match(line)).Success)
                {
                    classes.Add(m.Groups["name"].Value);
                }
                else if ((m = ClassLine().Match(line)).Success)
                {
                    Assert.Contains(m.Groups["name"].Value, classes);
                    foreach (string id in m.Groups["ids"].Value.Split(',')) Assert.True(chart.Boxes.ContainsKey(id), $"class of undefined {id}");
                }
                else
                {
                    Assert.Fail($"Not a Mermaid line this backend writes: '{line}'");
                }
            }
            Assert.Empty(open);
            foreach (var (from, to, _) in chart.Arrows)
            {
                Assert.True(chart.Boxes.ContainsKey(from), $"arrow from undefined {from}");
                Assert.True(chart.Boxes.ContainsKey(to), $"arrow to undefined {to}");
            }
            Assert.Equal(chart.Arrows.Count, chart.Arrows.Select(a => (a.From, a.To)).Distinct().Count());
            return chart;
        }

        /// <summary>No character that ends a quoted label or reads as HTML or Markdown, and every # starts an entity code.</summary>
        private static void AssertEscaped(string text)
        {
            Assert.DoesNotMatch("[\"<>`]", text);
            Assert.DoesNotMatch("#(?![a-z0-9]+;)", text);
        }

        [GeneratedRegex("^ +subgraph (?<id>[A-Za-z][A-Za-z0-9]*)\\[\"(?<title>[^\"]*)\"\\]$")]
        private static partial Regex GroupLine();

        [GeneratedRegex("^ +(?<id>[A-Za-z][A-Za-z0-9]*)(?:\\(\\[\"(?<label>[^\"]*)\"\\]\\)|\\[\"(?<label>[^\"]*)\"\\])$")]
        private static partial Regex BoxLine();

        [GeneratedRegex("^ +(?<from>[A-Za-z][A-Za-z0-9]*) (?:-->|-\\.->)(?:\\|\"(?<label>[^\"]*)\"\\|)? (?<to>[A-Za-z][A-Za-z0-9]*)$")]
        private static partial Regex ArrowLine();

        [GeneratedRegex("^ +classDef (?<name>[a-z]+) [a-z-]+:[^,]+(?:,[a-z-]+:[^,]+)*$")]
        private static partial Regex ClassDefLine();

        [GeneratedRegex("^ +class (?<ids>[A-Za-z0-9]+(?:,[A-Za-z0-9]+)*) (?<name>[a-z]+)$")]
        private static partial Regex ClassLine();
    }
}
