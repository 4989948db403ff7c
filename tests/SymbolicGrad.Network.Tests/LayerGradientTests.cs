using SymbolicGrad.Network.Tests.Checking;
using SymbolicGrad.Network.Tests.Models.Layers;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// Generated gradients of dropout, batch normalization, convolution and pooling against finite differences of the
/// generated forward pass: dropout with its mask fixed (the random step set back before every evaluation), batch norm
/// batched and in training mode (so every sample's gradient goes through the batch statistics), convolutions with
/// several channels, padding and a stride of 2, and overlapping pooling windows.
/// </summary>
public sealed class LayerGradientTests
{
    [Theory]
    [InlineData(0.3f)]
    [InlineData(0.6f)]
    public void Dropout_with_its_mask_fixed(float p)
    {
        var net = new DropoutNet(p, seed: 4) { RandomSeed = 11 };
        var (x, labels) = Batch(6, 5, 3, seed: 1);
        AssertGradientMatches(net, 5, () => net.LossGradientBatch(x, labels), () => net.LossBatch(x, labels), "DropoutNet");
    }

    [Fact]
    public void Dropout_in_evaluation_mode()
    {
        var net = new DropoutNet(0.5f, seed: 2) { Training = false };
        var (x, labels) = Batch(4, 5, 3, seed: 2);
        AssertGradientMatches(net, 0, () => net.LossGradientBatch(x, labels), () => net.LossBatch(x, labels), "DropoutNet, evaluation");
    }

    [Fact]
    public void Batch_norm_through_the_batch_statistics()
    {
        var net = new BatchNormNet(seed: 3);
        var (x, labels) = Batch(5, 4, 3, seed: 3);
        AssertGradientMatches(net, 0, () => net.LossGradientBatch(x, labels), () => net.LossBatch(x, labels), "BatchNormNet, training");
    }

    [Fact]
    public void Batch_norm_in_evaluation_mode_uses_the_running_statistics()
    {
        var net = new BatchNormNet(seed: 5);
        var (x, labels) = Batch(5, 4, 3, seed: 4);
        net.LossBatch(x, labels); // a training pass moves the running statistics away from (0, 1)
        net.Training = false;
        AssertGradientMatches(net, 0, () => net.LossGradientBatch(x, labels), () => net.LossBatch(x, labels), "BatchNormNet, evaluation");
    }

    [Fact]
    public void Convolutions_with_stride_padding_and_several_channels()
    {
        var net = new ConvNet(seed: 6);
        var (x, labels) = Batch(4, 98, 3, seed: 5);
        AssertGradientMatches(net, 0, () => net.LossGradientBatch(x, labels), () => net.LossBatch(x, labels), "ConvNet");
    }

    [Fact]
    public void Max_pooling_with_overlapping_windows()
    {
        var net = new PoolNet(seed: 9);
        var (x, labels) = Batch(5, 36, 3, seed: 8);
        AssertGradientMatches(net, 0, () => net.LossGradientBatch(x, labels), () => net.LossBatch(x, labels), "PoolNet");
    }

    [Fact]
    public void Batch_norm_of_images_per_channel()
    {
        var net = new ConvBatchNormNet(seed: 8);
        var (x, labels) = Batch(3, 25, 2, seed: 7);
        AssertGradientMatches(net, 0, () => net.LossGradientBatch(x, labels), () => net.LossBatch(x, labels), "ConvBatchNormNet, training");
        net.Training = false;
        AssertGradientMatches(net, 0, () => net.LossGradientBatch(x, labels), () => net.LossBatch(x, labels), "ConvBatchNormNet, evaluation");
    }

    [Fact]
    public void Convolutions_in_evaluation_mode_one_sample()
    {
        var net = new ConvNet(seed: 7);
        var (x, labels) = Batch(4, 98, 3, seed: 6);
        net.LossBatch(x, labels);
        net.Training = false;
        var sample = x.Row(1);
        int label = labels[1];
        AssertGradientMatches(net, 0, () => net.LossGradient(sample, label), () => net.LossBatch(new Mat(sample.Array, sample.Offset, 1, 98), [label]), "ConvNet, one sample");
    }

    [Fact]
    public void The_per_sample_gradients_of_a_batch_norm_batch_depend_on_the_other_samples()
    {
        // Changing sample 1 changes the gradient that sample 0 contributes (through the mean and variance).
        var net = new NormalizedInputNet(2);
        var x = new Mat([1f, 2f, 3f, 5f, 4f, 1f], 3, 2);
        var target = new Mat([1f, 0f, 0f, 0f, 0f, 0f], 3, 2);
        net.LossGradientBatch(x, target);
        float first = net.Parameters.GradientOf(net.Norm.Gamma).Span[0];
        net.Parameters.ZeroGradients();
        x[1, 0] = 7f;
        net.LossGradientBatch(x, target);
        Assert.NotEqual(first, net.Parameters.GradientOf(net.Norm.Gamma).Span[0]);
    }

    private static void AssertGradientMatches(Model net, long step, Func<float> gradient, Func<float> loss, string what)
    {
        net.Parameters.ZeroGradients();
        net.RandomStep = step;
        gradient();
        float[] generated = net.Parameters.Gradients.ToArray();
        Assert.Contains(generated, g => g != 0f);
        var comparison = FiniteDifferences.Compare(net.Parameters, generated, () =>
        {
            net.RandomStep = step;
            return loss();
        });
        comparison.AssertMatches(what);
    }

    /// <summary>A batch of random rows and labels.</summary>
    internal static (Mat X, int[] Labels) Batch(int rows, int cols, int classes, int seed)
    {
        var random = new Random(seed);
        var x = new Mat(rows, cols);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++) x[i, j] = (float)(random.NextDouble() * 2 - 1);
        }
        return (x, Enumerable.Range(0, rows).Select(_ => random.Next(classes)).ToArray());
    }
}
