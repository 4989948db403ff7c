using SymbolicGrad.OnnxExport.Tests.Models;
using SymbolicGrad.Samples.Digits;
using static SymbolicGrad.OnnxExport.Tests.OnnxRunner;

namespace SymbolicGrad.OnnxExport.Tests;

/// <summary>
/// Exported models loaded by ONNX Runtime give, on 100 inputs, what the generated forward pass and the user's own code
/// give (|Δ| ≤ 1e-5 relative).
/// </summary>
public sealed class ExportTests
{
    private const int Samples = 100;

    [Fact]
    public void DigitNetLogitsMatchTheUsersCodeAndTheGeneratedLoss()
    {
        var net = new DigitNet(784, 32, 10, seed: 3);
        Perturb(net.Parameters, seed: 4); // nonzero biases too
        float[] inputs = RandomInputs(Samples, 784, seed: 5);

        var (logits, shape) = Run(Onnx.ToBytes(net), "x", inputs, Samples, "logits");

        Assert.Equal(new long[] { Samples, 10 }, shape);
        var layout = net.Parameters.Layout.ToDictionary(p => p.Name);
        float[] values = net.Parameters.Values.ToArray();
        Mat W1 = MatOf(values, layout["W1"]), W2 = MatOf(values, layout["W2"]);
        Vec b1 = VecOf(values, layout["b1"]), b2 = VecOf(values, layout["b2"]);
        for (int r = 0; r < Samples; r++)
        {
            var x = new Vec(inputs, r * 784, 784);
            Vec expected = W2 * Ops.Relu(W1 * x + b1) + b2; // the user's expression, through Ops
            AssertClose(expected.Span, logits.AsSpan(r * 10, 10), $"DigitNet logits of sample {r}");
            AssertLossAgrees(k => net.LossBatch(new Mat(inputs, r * 784, 1, 784), new[] { k }), logits.AsSpan(r * 10, 10), $"generated loss, sample {r}");
        }
    }

    [Fact]
    public void ResidualLogitsMatchTheUsersCodeAndTheGeneratedLoss()
    {
        var net = new ResidualNet(seed: 7);
        float[] inputs = RandomInputs(Samples, 5, seed: 8);

        var (logits, shape) = Run(Onnx.ToBytes(net), "x", inputs, Samples, "logits");

        Assert.Equal(new long[] { Samples, 3 }, shape);
        for (int r = 0; r < Samples; r++)
        {
            var x = new Vec(inputs, r * 5, 5);
            AssertClose(net.Logits(x).Span, logits.AsSpan(r * 3, 3), $"ResidualNet logits of sample {r}");
            AssertLossAgrees(k => net.LossBatch(new Mat(inputs, r * 5, 1, 5), new[] { k }), logits.AsSpan(r * 3, 3), $"generated loss, sample {r}");
        }
    }

    [Fact]
    public void ConcatPredictionOfTheMarkedHelperMatchesTheUsersCodeAndTheGeneratedLoss()
    {
        var net = new ConcatNet(seed: 9);
        float[] inputs = RandomInputs(Samples, 5, seed: 10);

        var (predictions, shape) = Run(Onnx.ToBytes(net), "x", inputs, Samples, "Predict");

        Assert.Equal(new long[] { Samples, 5 }, shape);
        for (int r = 0; r < Samples; r++)
        {
            var x = new Vec(inputs, r * 5, 5);
            var row = predictions.AsSpan(r * 5, 5);
            AssertClose(net.Predict(x).Span, row, $"ConcatNet prediction of sample {r}");
            // The generated loss is Dot(target, p) + 0.01·Σc²: with target = e_k it reads p_k back.
            var sample = new Mat(inputs, r * 5, 1, 5);
            float offset = net.LossBatch(sample, new Mat(new float[5], 1, 5));
            for (int k = 0; k < 5; k++)
            {
                var target = new float[5];
                target[k] = 1;
                float generated = net.LossBatch(sample, new Mat(target, 1, 5)) - offset;
                Assert.True(Math.Abs(generated - row[k]) <= 1e-5, $"sample {r}, element {k}: generated forward {generated}, ONNX {row[k]}");
            }
        }
    }

    [Fact]
    public void RegressionPredictionOfMsesFirstArgumentMatchesTheUsersCodeAndTheGeneratedLoss()
    {
        var net = new RegressionNet(seed: 11);
        float[] inputs = RandomInputs(Samples, 6, seed: 12);

        var (predictions, shape) = Run(Onnx.ToBytes(net), "x", inputs, Samples, "prediction");

        Assert.Equal(new long[] { Samples, 4 }, shape);
        for (int r = 0; r < Samples; r++)
        {
            var x = new Vec(inputs, r * 6, 6);
            var row = predictions.AsSpan(r * 4, 4).ToArray();
            AssertClose(net.Prediction(x).Span, row, $"RegressionNet prediction of sample {r}");
            // The generated Mse against the ONNX prediction is the mean squared difference: (1e-5)² at most.
            float mse = net.LossBatch(new Mat(inputs, r * 6, 1, 6), new Mat(row, 1, 4));
            float scale = row.Max(Math.Abs) + 1;
            Assert.True(mse <= 1e-10 * scale * scale, $"sample {r}: the generated forward pass is {Math.Sqrt(mse)} away (RMS) from the ONNX prediction");
        }
    }

    [Fact]
    public void TheFileOnDiskIsTheSameModelAndServesAnyBatchSize()
    {
        var net = new ResidualNet(seed: 13);
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "residual net.onnx");

        Onnx.Export(net, path);

        byte[] file = File.ReadAllBytes(path);
        Assert.Equal(Onnx.ToBytes(net), file);
        foreach (int rows in new[] { 1, 3, 64 })
        {
            float[] inputs = RandomInputs(rows, 5, seed: rows);
            var (logits, shape) = Run(file, "x", inputs, rows);
            Assert.Equal(new long[] { rows, 3 }, shape);
            for (int r = 0; r < rows; r++) AssertClose(net.Logits(new Vec(inputs, r * 5, 5)).Span, logits.AsSpan(r * 3, 3), $"batch of {rows}, sample {r}");
        }
    }

    [Fact]
    public void ExportWritesTheCurrentWeights()
    {
        var net = new ResidualNet(seed: 14);
        float[] inputs = RandomInputs(4, 5, seed: 15);
        var before = Run(Onnx.ToBytes(net), "x", inputs, 4).Values;

        Perturb(net.Parameters, seed: 16);
        var after = Run(Onnx.ToBytes(net), "x", inputs, 4).Values;

        Assert.NotEqual(before, after);
        for (int r = 0; r < 4; r++) AssertClose(net.Logits(new Vec(inputs, r * 5, 5)).Span, after.AsSpan(r * 3, 3), $"sample {r} after the update");
    }

    [Fact]
    public void NaNAndInfinityFlowThroughAsInTheUsersCode()
    {
        var net = new ResidualNet(seed: 17);
        float[] inputs = RandomInputs(3, 5, seed: 18);
        inputs[2] = float.NaN;
        inputs[5 + 1] = float.PositiveInfinity;

        var (logits, _) = Run(Onnx.ToBytes(net), "x", inputs, 3);

        for (int r = 0; r < 3; r++)
        {
            var expected = net.Logits(new Vec(inputs, r * 5, 5)).Span;
            for (int i = 0; i < 3; i++)
            {
                float actual = logits[r * 3 + i];
                Assert.True(float.IsNaN(expected[i]) == float.IsNaN(actual), $"sample {r}, logit {i}: ONNX {actual}, reference {expected[i]}");
            }
        }
        Assert.Contains(logits.Take(3), float.IsNaN);
        Assert.All(logits.Skip(6), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void FieldsNamedLikeTheOutputOrTheGraphKeepTheirOwnNames()
    {
        var net = new NamesNet();
        float[] inputs = RandomInputs(Samples, 3, seed: 19);

        var (logits, shape) = Run(Onnx.ToBytes(net), "x", inputs, Samples, "logits_output");

        Assert.Equal(new long[] { Samples, 2 }, shape);
        for (int r = 0; r < Samples; r++) AssertClose(net.Reference(new Vec(inputs, r * 3, 3)).Span, logits.AsSpan(r * 2, 2), $"sample {r}");
    }

    private static Mat MatOf(float[] values, ParameterInfo p) => new(values, p.Offset, p.Rows, p.Cols);

    private static Vec VecOf(float[] values, ParameterInfo p) => new(values, p.Offset, p.Length);
}
