using System.Reflection;
using CsCheck;
using SymbolicGrad.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// Random static functions of Vec and Mat weights (<see cref="RandomTensorFunction"/>) with Jvp and Hessian, several per
/// compilation: each compiles (SG0017 exactly where a generated parameter's name is taken); FJvp's tangent is the
/// generated gradient dotted with the tangents (1e-4 relative), FHvp's H·t matches central differences of the gradient
/// and adds the gradient FGradient adds, bit for bit; the value is the same bits in the three; four threads at once get
/// the single-thread results bit for bit. A failure prints CsCheck's seed; rerun with CsCheck_Seed set to it.
/// </summary>
public sealed class TensorDerivativePropertyTests(ITestOutputHelper output)
{
    private const int Batches = 2;
    private const int FunctionsPerBatch = 8;

    [Fact]
    public void RandomTensorFunctionsHaveConsistentJvpAndHvp()
    {
        var one = Gen.Select(Gen.OneOf(RandomModel.Pool).Array[10], Gen.Int[0, 1 << 10].Array[8]);
        int checkedFunctions = 0, conflicts = 0, skipped = 0;
        one.Array[FunctionsPerBatch].Sample(batch =>
        {
            var functions = batch.Select((f, k) => RandomTensorFunction.Build("S" + k, f.Item1, f.Item2)).ToList();
            using var assembly = ModelDerivativePropertyTests.Compile(functions.Select(f => new ModelDerivativePropertyTests.Unit(f.Type, f.Method, f.Conflicts, f.Source)).ToList());
            foreach (var f in functions)
            {
                if (f.Conflicts) { conflicts++; continue; }
                if (!Check(assembly, f)) skipped++;
                checkedFunctions++;
            }
        }, iter: Batches, threads: 1, print: batch => string.Join(Environment.NewLine, batch.Select((f, k) => RandomTensorFunction.Build("S" + k, f.Item1, f.Item2).Source)));
        output.WriteLine($"{checkedFunctions} functions checked ({skipped} Hvp near a kink), {conflicts} with a taken name (SG0017)");
        Assert.True(checkedFunctions > 0 && skipped <= checkedFunctions / 4);
    }

    /// <summary>Checks one function at one point; false when the Hvp's finite differences crossed a kink.</summary>
    private static bool Check(LoadedAssembly assembly, RandomTensorFunction f)
    {
        var type = assembly.Type("P." + f.Type);
        var random = new Random(f.Source.Length);
        Vec RandomVec(int n) => new(Enumerable.Range(0, n).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray());
        Mat RandomMat(int rows, int cols) => new(Enumerable.Range(0, rows * cols).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray(), rows, cols);
        var weights = new List<object>();
        for (int k = 0; k < f.Sizes.Length - 1; k++)
        {
            weights.Add(RandomMat(f.Sizes[k + 1], f.Sizes[k]));
            if (f.Biases[k]) weights.Add(RandomVec(f.Sizes[k + 1]));
        }
        object x = RandomVec(f.Sizes[0]);
        object target = f.Labels ? random.Next(f.Sizes[^1]) : RandomVec(f.Sizes[^1]);
        object[] Like(Func<object, object> make) => weights.Select(make).ToArray();
        object Zero(object w) => w is Mat m ? new Mat(m.Rows, m.Cols) : new Vec(((Vec)w).Length);
        object Direction(object w) => w is Mat m ? RandomMat(m.Rows, m.Cols) : RandomVec(((Vec)w).Length);
        static float[] Flat(IEnumerable<object> tensors) => tensors.SelectMany(t => t is Mat m ? m.Span.ToArray() : ((Vec)t).Span.ToArray()).ToArray();
        var inputs = weights.Append(x).Append(target).ToArray();
        MethodInfo Method(string name) => type.GetMethod(name, BindingFlags.Public | BindingFlags.Static) ?? throw new Xunit.Sdk.XunitException($"no {f.Type}.{name}");
        string where = f.Source;

        (float Value, float[] Gradient) Gradient()
        {
            var buffers = Like(Zero);
            float value = (float)Method("FGradient").Invoke(null, inputs.Concat(buffers).ToArray())!;
            return (value, Flat(buffers));
        }
        var (loss, gradient) = Gradient();
        var tangents = Like(Direction);
        var jvpArguments = inputs.Concat(tangents).Append(0f).ToArray();
        float jvpValue = (float)Method("FJvp").Invoke(null, jvpArguments)!;
        float tangent = (float)jvpArguments[^1];
        var t = Flat(tangents);
        double dot = 0, size = 0;
        for (int i = 0; i < t.Length; i++) { dot += (double)gradient[i] * t[i]; size += Math.Abs((double)gradient[i] * t[i]); }
        Assert.True(BitConverter.SingleToInt32Bits(jvpValue) == BitConverter.SingleToInt32Bits(loss), $"FJvp returns {jvpValue:R}, FGradient {loss:R}{Environment.NewLine}{where}");
        Assert.True(Math.Abs(tangent - dot) <= 1e-4 * size + 1e-6, $"FJvp's tangent {tangent:R}, gradient·t {dot:R}{Environment.NewLine}{where}");

        (float Value, float[] Gradient, float[] Hv) Hvp(object[] direction)
        {
            var (d, hv) = (Like(Zero), Like(Zero));
            float value = (float)Method("FHvp").Invoke(null, inputs.Concat(direction).Concat(d).Concat(hv).ToArray())!;
            return (value, Flat(d), Flat(hv));
        }
        var reference = Hvp(tangents);
        Assert.True(BitConverter.SingleToInt32Bits(reference.Value) == BitConverter.SingleToInt32Bits(loss), $"FHvp returns {reference.Value:R}, FGradient {loss:R}{Environment.NewLine}{where}");
        Assert.True(reference.Gradient.Zip(gradient).All(p => BitConverter.SingleToInt32Bits(p.First) == BitConverter.SingleToInt32Bits(p.Second)), $"FHvp's gradient is not FGradient's{Environment.NewLine}{where}");

        // Central differences of the gradient along t, at two steps: where they disagree a kink is within reach.
        double[] Estimate(float step)
        {
            var saved = Flat(weights);
            void Move(float by)
            {
                int i = 0;
                foreach (var w in weights)
                {
                    var span = w is Mat m ? m.Span : ((Vec)w).Span;
                    for (int j = 0; j < span.Length; j++, i++) span[j] = saved[i] + by * t[i];
                }
            }
            Move(step);
            var plus = Gradient().Gradient;
            Move(-step);
            var minus = Gradient().Gradient;
            Move(0);
            return plus.Select((p, i) => ((double)p - minus[i]) / (2 * step)).ToArray();
        }
        var coarse = Estimate(2e-3f);
        var fine = Estimate(1e-3f);
        double scale = 1 + fine.Max(Math.Abs);
        bool smooth = coarse.Zip(fine).All(p => Math.Abs(p.First - p.Second) <= 1e-3 * scale);
        if (smooth)
        {
            for (int i = 0; i < fine.Length; i++)
                Assert.True(Math.Abs(reference.Hv[i] - fine[i]) <= 2e-3 * scale, $"(H·t)[{i}] of FHvp is {reference.Hv[i]:R}, central differences give {fine[i]:R}{Environment.NewLine}{where}");
        }

        // Four threads at once: the per-thread workspaces give each the single-thread result.
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var start = new Barrier(4);
        var threads = Enumerable.Range(0, 4).Select(k => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                for (int round = 0; round < 4; round++)
                {
                    var got = Hvp(tangents);
                    if (!got.Hv.Zip(reference.Hv).All(p => BitConverter.SingleToInt32Bits(p.First) == BitConverter.SingleToInt32Bits(p.Second)) || got.Value != reference.Value)
                        errors.Enqueue($"thread {k}: FHvp differs from the single-thread call");
                    var arguments = inputs.Concat(tangents).Append(0f).ToArray();
                    Method("FJvp").Invoke(null, arguments);
                    if (BitConverter.SingleToInt32Bits((float)arguments[^1]) != BitConverter.SingleToInt32Bits(tangent))
                        errors.Enqueue($"thread {k}: FJvp differs from the single-thread call");
                }
            }
            catch (Exception e)
            {
                errors.Enqueue($"thread {k}: {e}");
            }
        })).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        Assert.True(errors.IsEmpty, string.Join(Environment.NewLine, errors.Distinct()) + Environment.NewLine + where);
        return smooth;
    }
}
