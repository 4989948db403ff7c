using SymbolicGrad.OnnxExport.Tests.Models;
using SymbolicGrad.Samples.Digits;
using static SymbolicGrad.OnnxExport.Tests.OnnxRunner;

namespace SymbolicGrad.OnnxExport.Tests;

/// <summary>
/// CNNs (convolution, max pooling, batch norm, dropout, image views) export in evaluation mode: trained a few steps
/// first, so that the batch norms' running statistics are not their initial 0 and 1, then compared on 100 inputs with
/// the generated forward pass in evaluation mode (|Δ| ≤ 1e-5 relative).
/// </summary>
public sealed class CnnTests
{
    private const int Samples = 100;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DigitCnnLogitsMatchTheGeneratedForwardPassInEvaluationMode(bool batchNorm)
    {
        Model net = batchNorm ? new DigitCnnBatchNorm(hidden: 32, classes: 10, dropout: 0.5f, seed: 1) : new DigitCnn(hidden: 32, classes: 10, dropout: 0.5f, seed: 1);
        var data = DigitData.LoadEmbedded();
        Train(net, data.Train, steps: 4, batch: 32);
        if (batchNorm) AssertRunningStatisticsMoved(net);
        var test = data.Test.Slice(0, Samples);

        var (logits, shape) = Run(Onnx.ToBytes(net), "x", test.Features, Samples, "logits");

        Assert.Equal(new long[] { Samples, 10 }, shape);
        net.Training = false;
        var loss = (ITrainable)net;
        for (int r = 0; r < Samples; r++)
        {
            var x = new Mat(test.Features, r * 784, 1, 784);
            AssertLossAgrees(k => loss.BatchLoss(x, new BatchTargets(new[] { k }), accumulateGradient: false), logits.AsSpan(r * 10, 10), $"sample {r}");
        }
    }

    [Fact]
    public void StridesPaddingAndOverlappingPoolsMatchTheGeneratedForwardPassAndTheUsersCode()
    {
        var net = new StridedCnn(seed: 2);
        float[] inputs = RandomInputs(Samples, 2 * 9 * 9, seed: 3);
        var labels = Enumerable.Range(0, Samples).Select(r => r % 4).ToArray();
        Train(net, new Dataset(inputs, 2 * 9 * 9, labels, 4), steps: 5, batch: 20);
        AssertRunningStatisticsMoved(net);

        var (logits, shape) = Run(Onnx.ToBytes(net), "x", inputs, Samples, "logits");

        Assert.Equal(new long[] { Samples, 4 }, shape);
        net.Training = false;
        for (int r = 0; r < Samples; r++)
        {
            var x = new Vec(inputs, r * 162, 162);
            AssertLossAgrees(k => net.LossBatch(new Mat(inputs, r * 162, 1, 162), new[] { k }), logits.AsSpan(r * 4, 4), $"generated loss, sample {r}");
            AssertLossAgrees(k => net.Loss(x, k), logits.AsSpan(r * 4, 4), $"the user's Loss, sample {r}");
        }
    }

    [Fact]
    public void TheFileIsTheEvaluationModeGraphWhateverTheModelsModeAndTheModeIsKept()
    {
        var net = new StridedCnn(seed: 4);
        Train(net, new Dataset(RandomInputs(40, 162, seed: 5), 162, new int[40], 4), steps: 2, batch: 20);

        net.Training = true;
        byte[] inTraining = Onnx.ToBytes(net);
        Assert.True(net.Training);
        net.Training = false;
        byte[] inEvaluation = Onnx.ToBytes(net);
        Assert.False(net.Training);

        Assert.Equal(inEvaluation, inTraining);
        // Dropout is the identity: no node; each batch norm is one node reading the running statistics.
        Assert.Equal(0, CountNodes(inTraining, "Dropout"));
        Assert.Equal(2, CountNodes(inTraining, "BatchNormalization"));
        Assert.Equal(1, CountNodes(inTraining, "Conv"));
        Assert.Equal(1, CountNodes(inTraining, "MaxPool"));
        string text = System.Text.Encoding.UTF8.GetString(inTraining);
        Assert.Contains("bnImage.RunningMean", text);
        Assert.Contains("bnDense.RunningVariance", text);
    }

    /// <summary>A few steps of plain gradient descent in training mode: batch norms update their running statistics.</summary>
    private static void Train(Model net, Dataset data, int steps, int batch)
    {
        net.Training = true;
        var trainable = (ITrainable)net;
        for (int step = 0; step < steps; step++)
        {
            int start = step * batch % (data.Count - batch + 1);
            var x = new Mat(data.Features, start * data.FeatureCount, batch, data.FeatureCount);
            net.Parameters.ZeroGradients();
            trainable.BatchLoss(x, new BatchTargets(data.Labels!, start, batch), accumulateGradient: true);
            var values = net.Parameters.Values;
            var gradients = net.Parameters.Gradients;
            for (int i = 0; i < values.Length; i++) values[i] -= 0.05f * gradients[i];
        }
    }

    private static void AssertRunningStatisticsMoved(Model net)
    {
        var state = net.Parameters.State.ToArray();
        Assert.Contains(state, v => v != 0 && v != 1);
    }
}
