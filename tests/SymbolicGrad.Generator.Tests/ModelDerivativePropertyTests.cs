using System.Reflection;
using CsCheck;
using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// Random MLP-shaped model methods (<see cref="RandomModel"/>: dense layers written out, a loop over layers, a
/// Conv2d/MaxPool2d front; awkward names everywhere) with <c>Jvp = true</c> and <c>Hessian = true</c>, several per
/// compilation. Each must compile with no error and no warning in generated code, with SG0017 exactly where a name the
/// contract fixes is taken; then, per sample, <c>NameJvp</c>'s tangent is the generated gradient dotted with the
/// direction (1e-4 relative), <c>NameHvp</c>'s H·v matches central differences of the generated gradient, the loss is
/// the same bits in the gradient, the Jvp and the Hvp, and two and four threads calling one model's Jvp and Hvp at once
/// get the single-thread results bit for bit. A failure prints CsCheck's seed; rerun with CsCheck_Seed set to it.
/// </summary>
public sealed class ModelDerivativePropertyTests(ITestOutputHelper output)
{
    /// <summary>Batches of models per run: a few in CI; <c>SYMBOLICGRAD_MODEL_BATCHES</c> runs that many.</summary>
    private static readonly int Batches =
        int.TryParse(Environment.GetEnvironmentVariable("SYMBOLICGRAD_MODEL_BATCHES"), out int n) && n > 0 ? n : 2;
    private const int ModelsPerBatch = 8;

    private delegate float JvpLabel(Vec x, int label, ReadOnlySpan<float> direction, out float tangent);
    private delegate float JvpTarget(Vec x, Vec target, ReadOnlySpan<float> direction, out float tangent);
    private delegate float HvpLabel(Vec x, int label, ReadOnlySpan<float> direction, Span<float> gradient, Span<float> hv);
    private delegate float HvpTarget(Vec x, Vec target, ReadOnlySpan<float> direction, Span<float> gradient, Span<float> hv);

    [Fact]
    public void RandomModelsHaveConsistentJvpAndHvp()
    {
        var one = Gen.Select(Gen.OneOf(RandomModel.Pool).Array[12], Gen.Int[0, 1 << 10].Array[24]);
        var stats = new Stats();
        one.Array[ModelsPerBatch].Sample(batch =>
        {
            var models = batch.Select((m, k) => Build(k, m.Item1, m.Item2)).ToList();
            CheckBatch(models, stats);
        }, iter: Batches, threads: 1, print: batch => string.Join(Environment.NewLine,
            batch.Select((m, k) => Build(k, m.Item1, m.Item2).Source)));
        output.WriteLine(stats.ToString());
        Assert.True(stats.Jvps > 0 && stats.Hvps > 0 && stats.Conflicts > 0 && stats.Loops > 0 && stats.Convs > 0, stats.ToString());
        Assert.True(stats.HvpSkipped <= stats.Hvps / 4, "too many Hvp checks crossed a kink: " + stats);
    }

    // The first three models of a batch are a dense model, a loop over layers and a convolution, with no name the
    // contract fixes (which would make them SG0017 and leave them unchecked), so every run checks each shape's Jvp and Hvp.
    // The fourth asks for Jvp and Hessian and names its input after a parameter they add, so every run checks SG0017
    // too (left to chance, 16 models once had no taken name).
    private static readonly string[] Reserved = ["direction", "gradient", "hv", "tangent"];

    private static RandomModel Build(int k, string[] names, int[] choices)
    {
        if (k == 3)
        {
            var both = (int[])choices.Clone();
            both[2] = 3;
            return RandomModel.Build("M" + k, [Reserved[choices[20] % Reserved.Length], .. names], both);
        }
        if (k > 3) return RandomModel.Build("M" + k, names, choices);
        var plain = names.Where(n => !n.Contains("{M}", StringComparison.Ordinal) && !Reserved.Contains(n)).ToArray();
        var shaped = (int[])choices.Clone();
        shaped[1] = new[] { 0, 3, 5 }[k];
        shaped[2] = 3; // Jvp and Hessian both
        return RandomModel.Build("M" + k, plain, shaped);
    }

    private sealed class Stats
    {
        public int Models, Conflicts, Jvps, Hvps, HvpSkipped, Loops, Convs;

        public override string ToString() =>
            $"{Models} models: {Conflicts} with a taken name (SG0017), {Jvps} Jvp checked ({Loops} loops, {Convs} conv), {Hvps} Hvp checked ({HvpSkipped} skipped near a kink)";
    }

    private static void CheckBatch(IReadOnlyList<RandomModel> models, Stats stats)
    {
        using var assembly = Compile(models.Select(m => new Unit(m.Type, m.Method, m.Conflicts, m.Source)).ToList());
        foreach (var model in models)
        {
            stats.Models++;
            if (model.Conflicts) { stats.Conflicts++; continue; }
            Check(assembly, model, stats);
        }
    }

    /// <summary>A generated class: its name, its [Differentiable] method, whether SG0017 is expected on it, its source.</summary>
    internal sealed record Unit(string Type, string Method, bool Conflicts, string Source);

    /// <summary>
    /// Compiles the units in one file of namespace P, runs the generator and loads the output; fails unless the output
    /// compiles with no warning in generated code and SG0017 is reported on exactly the units that expect it.
    /// </summary>
    internal static LoadedAssembly Compile(IReadOnlyList<Unit> units)
    {
        string source = "using static SymbolicGrad.Ops;" + Environment.NewLine + Environment.NewLine + "namespace P;" + Environment.NewLine + Environment.NewLine
            + string.Join(Environment.NewLine, units.Select(m => m.Source));
        var input = GeneratorHarness.CreateCompilation(source);
        var problems = new List<string>();
        var userErrors = input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (userErrors.Count > 0) throw new Xunit.Sdk.XunitException("The random source itself does not compile (a test bug): " + string.Join(Environment.NewLine, userErrors));
        var driver = GeneratorHarness.CreateDriver(trackSteps: false).RunGeneratorsAndUpdateCompilation(input, out var compiled, out _);
        var result = driver.GetRunResult().Results.Single();
        if (result.Exception is not null) throw new Xunit.Sdk.XunitException("generator threw: " + result.Exception);
        var diagnostics = result.Diagnostics.Concat(GeneratorHarness.Analyze(input)).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        var reported = new HashSet<string>();
        foreach (var d in diagnostics)
        {
            if (d.Id == "SG0017") reported.Add(TypeAt(source, d));
            else problems.Add("unexpected: " + d);
        }
        foreach (var unit in units)
        {
            if (unit.Conflicts != reported.Contains(unit.Type))
                problems.Add($"{unit.Type}.{unit.Method}: SG0017 {(unit.Conflicts ? "expected but not reported" : "reported but not expected")}");
        }
        var image = new MemoryStream();
        var emit = compiled.Emit(image);
        problems.AddRange(emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error
            || (d.Severity == DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && !input.SyntaxTrees.Contains(tree)))
            .Select(d => "output: " + d + " " + Line(d)));
        if (problems.Count > 0)
        {
            // The units the problems name, in full (CsCheck's print of the batch is cut short).
            var named = units.Where(m => problems.Any(p => p.Contains($"P.{m.Type}.", StringComparison.Ordinal) || p.StartsWith($"{m.Type}.", StringComparison.Ordinal)));
            throw new Xunit.Sdk.XunitException(string.Join(Environment.NewLine, problems.Concat(named.Select(m => m.Source))));
        }
        return LoadedAssembly.Load(image);
    }

    private static string Line(Diagnostic d)
    {
        if (d.Location.SourceTree is not { } tree) return "";
        var text = tree.GetText();
        int line = d.Location.GetLineSpan().StartLinePosition.Line;
        return line < text.Lines.Count ? $"[{Path.GetFileName(tree.FilePath)}: {text.Lines[line].ToString().Trim()}]" : "";
    }

    /// <summary>The model class a diagnostic lies in, by its line in the source.</summary>
    private static string TypeAt(string source, Diagnostic diagnostic)
    {
        var lines = source.Split('\n');
        for (int line = diagnostic.Location.GetLineSpan().StartLinePosition.Line; line >= 0 && line < lines.Length; line--)
        {
            string text = lines[line].Trim();
            if (text.StartsWith("public sealed partial class ", StringComparison.Ordinal) || text.StartsWith("public static partial class ", StringComparison.Ordinal))
                return text.Split(' ')[4];
        }
        return "?";
    }

    /// <summary>The loss, gradient, Jvp and Hvp of one model at one sample, against each other and from several threads.</summary>
    private static void Check(LoadedAssembly assembly, RandomModel m, Stats stats)
    {
        var type = assembly.Type("P." + m.Type);
        int seed = m.Source.Length % 97;
        var model = (Model)Activator.CreateInstance(type, seed)!;
        var random = new Random(seed);
        var x = new Vec(Enumerable.Range(0, m.Inputs).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray());
        object target = m.Labels ? random.Next(m.Outputs) : new Vec(Enumerable.Range(0, m.Outputs).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray());
        var arguments = new[] { x, target };
        string where = $"{m.Type}.{m.Method} ({m.Shape})";

        var user = type.GetMethod(m.Method, BindingFlags.Public | BindingFlags.Instance)!;
        var gradientMethod = type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Single(g => g.Name == m.Method + "Gradient" && g.GetParameters().Length == 2);
        var parameters = model.Parameters;
        int n = parameters.Count;
        (float Value, float[] Gradient) Gradient()
        {
            parameters.ZeroGradients();
            float value = (float)gradientMethod.Invoke(model, arguments)!;
            return (value, parameters.Gradients.ToArray());
        }

        var (loss, gradient) = Gradient();
        float plain = (float)user.Invoke(model, arguments)!;
        if (!(Math.Abs(plain - loss) <= 1e-5 * Math.Max(1, Math.Abs(loss))))
            throw Fail(where, m, $"{m.Method}Gradient returns {loss:R}, the method {plain:R}");
        float[] Direction(int k)
        {
            var r = new Random(seed * 31 + k);
            return Enumerable.Range(0, n).Select(_ => (float)(2 * r.NextDouble() - 1)).ToArray();
        }

        Func<float[], (float Value, float Tangent)>? jvp = null;
        if (m.Jvp)
        {
            var info = type.GetMethod(m.Method + "Jvp")!;
            if (m.Labels)
            {
                var call = info.CreateDelegate<JvpLabel>(model);
                jvp = d => (call(x, (int)target, d, out float t), t);
            }
            else
            {
                var call = info.CreateDelegate<JvpTarget>(model);
                jvp = d => (call(x, (Vec)target, d, out float t), t);
            }
            var direction = Direction(0);
            var (value, tangent) = jvp(direction);
            if (BitConverter.SingleToInt32Bits(value) != BitConverter.SingleToInt32Bits(loss))
                throw Fail(where, m, $"{m.Method}Jvp returns {value:R}, {m.Method}Gradient {loss:R}");
            double dot = 0, size = 0;
            for (int i = 0; i < n; i++)
            {
                dot += (double)gradient[i] * direction[i];
                size += Math.Abs((double)gradient[i] * direction[i]);
            }
            if (!(Math.Abs(tangent - dot) <= 1e-4 * size + 1e-6))
                throw Fail(where, m, $"{m.Method}Jvp's tangent is {tangent:R}, the gradient·direction {dot:R} (Σ|gᵢdᵢ| = {size:R})");
            stats.Jvps++;
            if (m.Shape == "loop") stats.Loops++;
            if (m.Shape == "conv") stats.Convs++;
        }

        Func<float[], (float Value, float[] Gradient, float[] Hv)>? hvp = null;
        if (m.Hessian)
        {
            var info = type.GetMethod(m.Method + "Hvp")!;
            if (m.Labels)
            {
                var call = info.CreateDelegate<HvpLabel>(model);
                hvp = d => { var (g, h) = (new float[n], new float[n]); return (call(x, (int)target, d, g, h), g, h); };
            }
            else
            {
                var call = info.CreateDelegate<HvpTarget>(model);
                hvp = d => { var (g, h) = (new float[n], new float[n]); return (call(x, (Vec)target, d, g, h), g, h); };
            }
            var direction = Direction(1);
            var (value, hvpGradient, hv) = hvp(direction);
            if (BitConverter.SingleToInt32Bits(value) != BitConverter.SingleToInt32Bits(loss))
                throw Fail(where, m, $"{m.Method}Hvp returns {value:R}, {m.Method}Gradient {loss:R}");
            for (int i = 0; i < n; i++)
            {
                if (BitConverter.SingleToInt32Bits(hvpGradient[i]) != BitConverter.SingleToInt32Bits(gradient[i]))
                    throw Fail(where, m, $"{m.Method}Hvp's gradient[{i}] is {hvpGradient[i]:R}, {m.Method}Gradient's {gradient[i]:R}");
            }
            // Central differences of the generated gradient along the direction, at two steps: where they disagree a
            // kink (ReLU) lies within reach and nothing can be concluded.
            double[] Estimate(float step)
            {
                var saved = parameters.Values.ToArray();
                for (int i = 0; i < n; i++) parameters.Values[i] = saved[i] + step * direction[i];
                var plus = Gradient().Gradient;
                for (int i = 0; i < n; i++) parameters.Values[i] = saved[i] - step * direction[i];
                var minus = Gradient().Gradient;
                saved.CopyTo(parameters.Values);
                return Enumerable.Range(0, n).Select(i => ((double)plus[i] - minus[i]) / (2 * step)).ToArray();
            }
            var coarse = Estimate(2e-3f);
            var fine = Estimate(1e-3f);
            double scale = 1 + fine.Max(Math.Abs);
            if (Enumerable.Range(0, n).Any(i => Math.Abs(coarse[i] - fine[i]) > 1e-3 * scale))
            {
                stats.HvpSkipped++;
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    if (!(Math.Abs(hv[i] - fine[i]) <= 2e-3 * scale))
                        throw Fail(where, m, $"(H·v)[{i}] of {m.Method}Hvp is {hv[i]:R}, central differences of the gradient give {fine[i]:R}");
                }
            }
            stats.Hvps++;
        }

        foreach (int threads in new[] { 2, 4 })
        {
            var directions = Enumerable.Range(0, threads).Select(k => Direction(10 + k)).ToArray();
            var expectedJvp = directions.Select(d => jvp?.Invoke(d)).ToArray();
            var expectedHvp = directions.Select(d => hvp?.Invoke(d)).ToArray();
            var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
            using var start = new Barrier(threads);
            var workers = Enumerable.Range(0, threads).Select(k => new Thread(() =>
            {
                try
                {
                    start.SignalAndWait();
                    for (int round = 0; round < 4; round++)
                    {
                        if (jvp is not null && expectedJvp[k] is { } j && !SameBits(jvp(directions[k]), j))
                            errors.Enqueue($"thread {k}/{threads}: {m.Method}Jvp differs from the single-thread call");
                        if (hvp is not null && expectedHvp[k] is { } h)
                        {
                            var got = hvp(directions[k]);
                            if (!SameBits(got.Value, h.Value) || !SameBits(got.Gradient, h.Gradient) || !SameBits(got.Hv, h.Hv))
                                errors.Enqueue($"thread {k}/{threads}: {m.Method}Hvp differs from the single-thread call");
                        }
                    }
                }
                catch (Exception e)
                {
                    errors.Enqueue($"thread {k}/{threads}: {e}");
                }
            })).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());
            if (!errors.IsEmpty) throw Fail(where, m, string.Join(Environment.NewLine, errors.Distinct()));
        }
    }

    private static bool SameBits(float a, float b) => BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b);

    private static bool SameBits((float Value, float Tangent) a, (float Value, float Tangent) b) => SameBits(a.Value, b.Value) && SameBits(a.Tangent, b.Tangent);

    private static bool SameBits(float[] a, float[] b) => a.Length == b.Length && a.Zip(b).All(p => SameBits(p.First, p.Second));

    private static Xunit.Sdk.XunitException Fail(string where, RandomModel m, string message) =>
        new($"{where}: {message}{Environment.NewLine}{m.Source}");
}
