using SymbolicGrad.Network.Tests.Models.Layers;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// What generated layer code computes, beyond its gradients: PyTorch's batch-norm formulas on hand-computed batches
/// (batch statistics, running statistics after two steps, evaluation output), dropout's masks (the reference's, per
/// site and sample; none in evaluation), the mode read per call, PyTorch's refusal of a training batch of one, shape
/// errors that name the layer and the sizes, checkpoints with batch-norm state, and no allocation once warm.
/// </summary>
public sealed class LayerSemanticsTests
{
    private const double Epsilon = 1e-5, Momentum = 0.1;

    [Fact]
    public void Batch_norm_follows_PyTorch_over_two_training_steps_and_in_evaluation()
    {
        var net = new NormalizedInputNet(2);
        var first = new Mat([1f, 2f, 3f, 5f, 4f, 1f], 3, 2);
        var picks = new Mat([1f, 0f, 0f, 1f, 1f, 1f], 3, 2); // y[0,0] + y[1,1] + y[2,0] + y[2,1]

        // Step 1: feature 0 is {1, 3, 4}: mean 8/3, biased variance 14/9, unbiased 7/3; feature 1 is {2, 5, 1}: mean 8/3, biased 26/9, unbiased 13/3.
        double Y(double x, double mean, double variance) => (x - mean) / Math.Sqrt(variance + Epsilon);
        double expected = (Y(1, 8.0 / 3, 14.0 / 9) + Y(5, 8.0 / 3, 26.0 / 9) + Y(4, 8.0 / 3, 14.0 / 9) + Y(1, 8.0 / 3, 26.0 / 9)) / 3;
        Assert.Equal(expected, net.LossBatch(first, picks), 5);
        AssertRunning(net, [Momentum * 8 / 3, Momentum * 8 / 3], [0.9 + Momentum * 7 / 3, 0.9 + Momentum * 13 / 3]);

        // Step 2: {0, 2} and {-1, 3}: means 1 and 1, unbiased variances 2 and 8.
        net.LossBatch(new Mat([0f, -1f, 2f, 3f], 2, 2), new Mat(2, 2));
        double[] mean = [0.9 * Momentum * 8 / 3 + Momentum * 1, 0.9 * Momentum * 8 / 3 + Momentum * 1];
        double[] variance = [0.9 * (0.9 + Momentum * 7 / 3) + Momentum * 2, 0.9 * (0.9 + Momentum * 13 / 3) + Momentum * 8];
        AssertRunning(net, mean, variance);
        Assert.Equal(0.34, mean[0], 12);
        Assert.Equal(1.22, variance[0], 12);
        Assert.Equal(2.0, variance[1], 12);

        // Evaluation: the running statistics, any batch size, and they stay as they are.
        net.Training = false;
        float eval = net.LossBatch(new Mat([1f, 2f], 1, 2), new Mat([1f, 1f], 1, 2));
        Assert.Equal(Y(1, mean[0], variance[0]) + Y(2, mean[1], variance[1]), eval, 5);
        AssertRunning(net, mean, variance);
    }

    [Fact]
    public void A_training_batch_of_one_is_refused_as_in_PyTorch()
    {
        var net = new BatchNormNet(seed: 1);
        var (x, labels) = LayerGradientTests.Batch(3, 4, 3, seed: 1);
        var error = Assert.Throws<ArgumentException>(() => net.LossGradient(x.Row(0), labels[0]));
        Assert.Contains("batch", error.Message, StringComparison.OrdinalIgnoreCase);
        net.Training = false;
        Assert.True(float.IsFinite(net.LossGradient(x.Row(0), labels[0])));
    }

    [Fact]
    public void Dropout_draws_the_references_masks_one_step_per_training_call()
    {
        var net = new DropoutNet(0.5f, seed: 3) { RandomSeed = 42 };
        var (x, labels) = LayerGradientTests.Batch(7, 5, 3, seed: 2);
        net.RandomStep = 10;
        float batched = net.LossBatch(x, labels);
        Assert.Equal(11, net.RandomStep);

        // The user's own method under BeginForward draws the same masks: site 0 on the input, site 1 on the hidden layer.
        double reference = 0;
        for (int r = 0; r < 7; r++)
        {
            net.RandomStep = 10;
            using (net.BeginForward(sample: r)) reference += net.Loss(x.Row(r), labels[r]);
        }
        Assert.Equal(reference / 7, batched, 5);

        net.RandomStep = 11;
        Assert.NotEqual(batched, net.LossBatch(x, labels)); // the next step draws other masks
    }

    [Fact]
    public void Evaluation_mode_is_read_per_call_and_draws_nothing()
    {
        var net = new DropoutNet(0.5f, seed: 4);
        var (x, labels) = LayerGradientTests.Batch(5, 5, 3, seed: 3);
        net.Training = false;
        float eval = net.LossBatch(x, labels);
        Assert.Equal(0, net.RandomStep);
        Assert.Equal(eval, new DropoutNet(0f, seed: 4).LossBatch(x, labels)); // identity: as without dropout

        net.Training = true;
        float training = net.LossBatch(x, labels);
        Assert.NotEqual(eval, training);
        Assert.Equal(1, net.RandomStep);

        net.Training = false;
        Assert.Equal(eval, net.LossBatch(x, labels));
        Assert.Equal(1, net.RandomStep);
    }

    [Fact]
    public void The_backward_pass_uses_the_forward_pass_mode_and_masks()
    {
        // A mode switched between the passes does not change what the backward pass differentiates.
        var net = new DropoutNet(0.4f, seed: 5);
        var (x, labels) = LayerGradientTests.Batch(4, 5, 3, seed: 4);
        var workspace = new DropoutNet.LossWorkspace();
        net.RandomStep = 3;
        net.LossGradientBatch(x, labels);
        float[] expected = net.Parameters.Gradients.ToArray();

        net.Parameters.ZeroGradients();
        net.RandomStep = 3;
        net.LossForwardBatch(workspace, x, labels);
        net.Training = false;
        net.RandomStep = 99;
        net.LossBackwardBatch(workspace, x, labels);
        Assert.Equal(expected, net.Parameters.Gradients.ToArray());
    }

    [Fact]
    public void A_dropout_probability_outside_0_1_is_refused_even_in_evaluation()
    {
        var (x, labels) = LayerGradientTests.Batch(2, 5, 3, seed: 5);
        foreach (float p in new[] { 1f, -0.1f, float.NaN })
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new DropoutNet(p).LossBatch(x, labels));
            Assert.Throws<ArgumentOutOfRangeException>(() => new DropoutNet(p) { Training = false }.LossBatch(x, labels));
        }
    }

    [Fact]
    public void Shape_errors_name_the_layer_and_the_sizes()
    {
        var x = new Mat(2, 16);
        var channels = Assert.Throws<ArgumentException>(() => new MisfitNet(inChannels: 3, kernel: 2).LossBatch(x));
        Assert.Contains("conv", channels.Message);
        Assert.Contains("3 input channels", channels.Message);
        Assert.Contains("1×4×4", channels.Message);

        var kernel = Assert.Throws<ArgumentException>(() => new MisfitNet(inChannels: 1, kernel: 5).LossBatch(x));
        Assert.Contains("conv", kernel.Message);
        Assert.Contains("5×5 kernel does not fit", kernel.Message);

        var length = Assert.Throws<ArgumentException>(() => new MisfitNet(1, 2).LossBatch(new Mat(2, 15)));
        Assert.Contains("AsImage(1, 4, 4) needs 16 elements per sample, but the vector has 15", length.Message);

        var features = Assert.Throws<ArgumentException>(() => new NormalizedInputNet(3).LossBatch(new Mat(2, 2), new Mat(2, 2)));
        Assert.Contains("bn", features.Message);
        Assert.Contains("normalizes 3 features, but its input has 2", features.Message);
    }

    [Fact]
    public void A_checkpoint_keeps_the_running_statistics_and_the_mode()
    {
        var net = new ConvBatchNormNet(seed: 2);
        var (x, labels) = LayerGradientTests.Batch(4, 25, 2, seed: 6);
        net.LossBatch(x, labels);
        net.LossBatch(x, labels);
        net.Training = false;
        float eval = net.LossBatch(x, labels);
        string path = Path.Combine(Path.GetTempPath(), $"i11-bn-{Guid.NewGuid():N}.sgck");
        try
        {
            Checkpoint.Save(net, path);
            var loaded = new ConvBatchNormNet(seed: 9);
            Checkpoint.Load(loaded, path);
            Assert.False(loaded.Training);
            Assert.Equal(net.Norm.RunningMean.Span.ToArray(), loaded.Norm.RunningMean.Span.ToArray());
            Assert.Equal(net.Norm.RunningVariance.Span.ToArray(), loaded.Norm.RunningVariance.Span.ToArray());
            Assert.NotEqual(0f, loaded.Norm.RunningMean[0]);
            Assert.Equal(eval, loaded.LossBatch(x, labels));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Layer_code_allocates_nothing_once_warm()
    {
        var (images, labels) = LayerGradientTests.Batch(6, 98, 3, seed: 7);
        var conv = new ConvNet(seed: 1);
        var (pooled, poolLabels) = LayerGradientTests.Batch(6, 36, 3, seed: 8);
        var pool = new PoolNet(seed: 1);
        var (small, smallLabels) = LayerGradientTests.Batch(6, 25, 2, seed: 9);
        var norm = new ConvBatchNormNet(seed: 1);
        var (vectors, vectorLabels) = LayerGradientTests.Batch(6, 5, 3, seed: 10);
        var dropout = new DropoutNet(0.3f, seed: 1);
        foreach (bool training in new[] { true, false })
        {
            conv.Training = pool.Training = norm.Training = dropout.Training = training;
            Assert.Equal(0, AllocatedBy(() => conv.LossGradientBatch(images, labels)));
            Assert.Equal(0, AllocatedBy(() => pool.LossGradientBatch(pooled, poolLabels)));
            Assert.Equal(0, AllocatedBy(() => norm.LossGradientBatch(small, smallLabels)));
            Assert.Equal(0, AllocatedBy(() => dropout.LossGradientBatch(vectors, vectorLabels)));
            Assert.Equal(0, AllocatedBy(() => dropout.LossBatch(vectors, vectorLabels)));
        }
    }

    private static void AssertRunning(NormalizedInputNet net, double[] mean, double[] variance)
    {
        for (int i = 0; i < mean.Length; i++)
        {
            Assert.Equal(mean[i], net.Norm.RunningMean[i], 5);
            Assert.Equal(variance[i], net.Norm.RunningVariance[i], 5);
        }
    }

    // As AllocationTests: bytes allocated on this thread by 200 calls after two of warm-up, measured again if a
    // collection started elsewhere may have moved the count.
    private static long AllocatedBy(Action action)
    {
        action();
        action();
        long allocated = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            int collections = GC.CollectionCount(0);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 200; i++) action();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated == 0 || GC.CollectionCount(0) == collections) break;
        }
        return allocated;
    }
}
