using Microsoft.ML.OnnxRuntime;

namespace SymbolicGrad.OnnxExport.Tests;

/// <summary>Runs an exported model with ONNX Runtime on a batch of inputs (one row per sample).</summary>
internal static class OnnxRunner
{
    /// <summary>The output for <paramref name="rows"/> samples of <paramref name="inputs"/> (row-major), with its shape.</summary>
    public static (float[] Values, long[] Shape) Run(byte[] model, string inputName, float[] inputs, int rows, string? outputName = null)
    {
        using var session = new InferenceSession(model);
        Assert.Equal(inputName, Assert.Single(session.InputMetadata).Key);
        string output = outputName ?? Assert.Single(session.OutputMetadata).Key;
        int length = inputs.Length / rows;
        using var input = OrtValue.CreateTensorValueFromMemory(inputs, new long[] { rows, length });
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, new[] { inputName }, new[] { input }, new[] { output });
        var result = results[0];
        return (result.GetTensorDataAsSpan<float>().ToArray(), result.GetTensorTypeAndShape().Shape);
    }

    /// <summary><paramref name="rows"/> × <paramref name="length"/> values from a seeded generator, in [-2, 2).</summary>
    public static float[] RandomInputs(int rows, int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[rows * length];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(4 * random.NextDouble() - 2);
        return values;
    }

    /// <summary>Asserts |actual − expected| ≤ 1e-5 · max(|expected|, 1) element by element, saying where it is not.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, double tolerance = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double bound = tolerance * Math.Max(Math.Abs(expected[i]), 1.0);
            double error = Math.Abs(actual[i] - (double)expected[i]);
            Assert.True(error <= bound, $"{what}: element {i} is {actual[i]} but the reference is {expected[i]} (|Δ| = {error:G3} > {bound:G3}).");
        }
    }

    /// <summary>For every class k, <paramref name="loss"/>(k) equals log Σ exp(ô) − ô_k of the ONNX logits ô (softmax cross-entropy), |Δ| ≤ 1e-5 relative.</summary>
    public static void AssertLossAgrees(Func<int, float> loss, ReadOnlySpan<float> logits, string what)
    {
        double max = double.NegativeInfinity;
        foreach (float v in logits) max = Math.Max(max, v);
        double sum = 0;
        foreach (float v in logits) sum += Math.Exp(v - max);
        double lse = max + Math.Log(sum);
        for (int k = 0; k < logits.Length; k++)
        {
            double expected = lse - logits[k];
            float actual = loss(k);
            Assert.True(Math.Abs(actual - expected) <= 1e-5 * Math.Max(Math.Abs(expected), 1),
                $"{what}, label {k}: loss {actual}, from the ONNX logits {expected}");
        }
    }

    /// <summary>Adds uniform noise in [-0.1, 0.1) to every parameter (biases start at 0).</summary>
    public static void Perturb(ParameterStore parameters, int seed)
    {
        var random = new Random(seed);
        var values = parameters.Values;
        for (int i = 0; i < values.Length; i++) values[i] += (float)(0.2 * random.NextDouble() - 0.1);
    }

    /// <summary>
    /// The nodes of <paramref name="opType"/> in a model file: occurrences of NodeProto's op_type field (tag 4,
    /// length-delimited: 0x22), its length and the name.
    /// </summary>
    public static int CountNodes(byte[] model, string opType)
    {
        byte[] field = [0x22, (byte)opType.Length, .. System.Text.Encoding.ASCII.GetBytes(opType)];
        int count = 0, at = 0;
        for (int found; (found = model.AsSpan(at).IndexOf(field)) >= 0; at += found + field.Length) count++;
        return count;
    }
}
