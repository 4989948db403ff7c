using SymbolicGrad.Network.Tests.Models.LayerLoops;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// Loops over layers (issue 9) beyond what the catalogue checks for every model (finite differences per sample and per
/// batch, allocations, threads, fused updates): the loop computes bit for bit what the same net unrolled computes, and
/// layer arrays that do not fit are clear errors.
/// </summary>
public sealed class LayerLoopTests
{
    private static (Mat X, int[] Labels) Data(int count, int inputs, int classes, int seed)
    {
        var random = new Random(seed);
        var x = new Mat(count, inputs);
        var span = x.Span;
        for (int k = 0; k < span.Length; k++)
        {
            span[k] = (float)(random.NextDouble() * 2 - 1);
        }

        var labels = new int[count];
        for (int r = 0; r < count; r++)
        {
            labels[r] = random.Next(classes);
        }

        return (x, labels);
    }

    private static Vec Row(Mat x, int r) => new(x.Array, x.Offset + r * x.Cols, x.Cols);

    [Fact]
    public void The_loop_and_the_net_unrolled_have_the_same_parameters_losses_and_gradients_bit_for_bit()
    {
        // Same ops in the same order (each layer's GEMM, bias, ReLU; the backward mask and products), so the same floats.
        var loop = new LayerLoopNet([5, 7, 6, 3], seed: 11);
        var unrolled = new UnrolledLayerNet(seed: 11);
        Assert.Equal(unrolled.Parameters.Values.ToArray(), loop.Parameters.Values.ToArray());
        var (x, labels) = Data(17, 5, 3, seed: 5);

        for (int r = 0; r < 17; r++)
        {
            loop.Parameters.ZeroGradients();
            unrolled.Parameters.ZeroGradients();
            float a = loop.LossGradient(Row(x, r), labels[r]);
            float b = unrolled.LossGradient(Row(x, r), labels[r]);
            Assert.Equal(BitConverter.SingleToInt32Bits(b), BitConverter.SingleToInt32Bits(a));
            Assert.Equal(unrolled.Parameters.Gradients.ToArray(), loop.Parameters.Gradients.ToArray());
            Assert.Equal(unrolled.Loss(Row(x, r), labels[r]), loop.Loss(Row(x, r), labels[r]));
        }

        loop.Parameters.ZeroGradients();
        unrolled.Parameters.ZeroGradients();
        float batchLoop = loop.LossGradientBatch(x, labels);
        float batchUnrolled = unrolled.LossGradientBatch(x, labels);
        Assert.Equal(BitConverter.SingleToInt32Bits(batchUnrolled), BitConverter.SingleToInt32Bits(batchLoop));
        Assert.Equal(unrolled.Parameters.Gradients.ToArray(), loop.Parameters.Gradients.ToArray());
        Assert.Contains(loop.Parameters.Gradients.ToArray(), g => g != 0);
    }

    [Fact]
    public void A_batch_large_enough_for_the_worker_pool_matches_the_net_unrolled_bit_for_bit()
    {
        // Each layer runs the form of its condition (ReLU or not) as one pass over rows split across threads.
        var loop = new LayerLoopNet([5, 7, 6, 3], seed: 21);
        var unrolled = new UnrolledLayerNet(seed: 21);
        var (x, labels) = Data(700, 5, 3, seed: 8);
        float a = loop.LossGradientBatch(x, labels);
        float b = unrolled.LossGradientBatch(x, labels);
        Assert.Equal(BitConverter.SingleToInt32Bits(b), BitConverter.SingleToInt32Bits(a));
        Assert.Equal(unrolled.Parameters.Gradients.ToArray(), loop.Parameters.Gradients.ToArray());
        // A second step on the same (warm) workspaces gives the same again.
        Assert.Equal(BitConverter.SingleToInt32Bits(a), BitConverter.SingleToInt32Bits(loop.LossGradientBatch(x, labels)));
        Assert.Equal(BitConverter.SingleToInt32Bits(b), BitConverter.SingleToInt32Bits(unrolled.LossGradientBatch(x, labels)));
        Assert.Equal(unrolled.Parameters.Gradients.ToArray(), loop.Parameters.Gradients.ToArray());
    }

    [Fact]
    public void One_layer_is_the_last_layer_without_relu_and_matches_it_written_out_bit_for_bit()
    {
        var loop = new LayerLoopNet([5, 3], seed: 6);
        var unrolled = new OneLayerNet(seed: 6);
        Assert.Equal(unrolled.Parameters.Values.ToArray(), loop.Parameters.Values.ToArray());
        var (x, labels) = Data(9, 5, 3, seed: 4);
        x[2, 1] = -40f; // logits far below zero: a ReLU would have cut them
        float a = loop.LossGradientBatch(x, labels);
        float b = unrolled.LossGradientBatch(x, labels);
        Assert.Equal(BitConverter.SingleToInt32Bits(b), BitConverter.SingleToInt32Bits(a));
        Assert.Equal(unrolled.Parameters.Gradients.ToArray(), loop.Parameters.Gradients.ToArray());
        Assert.Contains(loop.Parameters.Gradients.ToArray(), g => g < 0);
    }

    [Fact]
    public void NaN_in_a_sample_gives_the_gradient_of_the_net_unrolled_NaN_for_NaN()
    {
        var loop = new LayerLoopNet([5, 7, 6, 3], seed: 13);
        var unrolled = new UnrolledLayerNet(seed: 13);
        var (x, labels) = Data(6, 5, 3, seed: 3);
        x[4, 0] = float.NaN;
        float a = loop.LossGradientBatch(x, labels);
        float b = unrolled.LossGradientBatch(x, labels);
        Assert.True(float.IsNaN(a) && float.IsNaN(b));
        var gradients = loop.Parameters.Gradients.ToArray();
        Assert.Equal(unrolled.Parameters.Gradients.ToArray().Select(float.IsNaN), gradients.Select(float.IsNaN));
        Assert.Contains(gradients, float.IsNaN);
        var finite = Enumerable.Range(0, gradients.Length).Where(k => !float.IsNaN(gradients[k])).ToList();
        Assert.Equal(finite.Select(k => unrolled.Parameters.Gradients[k]), finite.Select(k => gradients[k]));
    }

    [Fact]
    public void The_last_layer_decides_the_number_of_classes_that_labels_are_checked_against()
    {
        var net = new LayerLoopNet([5, 7, 4], seed: 3);
        var (x, _) = Data(1, 5, 4, seed: 1);
        Assert.True(float.IsFinite(net.LossGradient(Row(x, 0), 3)));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => net.LossGradient(Row(x, 0), 4));
        Assert.Contains("outside [0, 4)", error.Message);
    }

    [Fact]
    public void No_layer_is_a_clear_error()
    {
        var net = new LayerLoopNet([5], seed: 3);
        var (x, labels) = Data(2, 5, 3, seed: 1);
        var error = Assert.Throws<ArgumentException>(() => net.LossGradientBatch(x, labels));
        Assert.Contains("the loop over W has no layer to run: W is empty", error.Message);
    }

    [Fact]
    public void Layers_whose_sizes_do_not_chain_are_a_clear_error_naming_the_layer()
    {
        var net = new MischainedNet();
        var (x, labels) = Data(2, 5, 3, seed: 1);
        var error = Assert.Throws<ArgumentException>(() => net.LossGradientBatch(x, labels));
        Assert.Contains("Loss, layer 1: W_l·h needs h of length 6, but it has 7", error.Message);
        Assert.All(net.Parameters.Gradients.ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Fewer_biases_than_weights_is_a_clear_error()
    {
        var net = new MischainedNet(biases: 1);
        var (x, labels) = Data(2, 5, 3, seed: 1);
        var error = Assert.Throws<ArgumentException>(() => net.LossGradientBatch(x, labels));
        Assert.Contains("the loop over W runs 2 layers but b has 1", error.Message);
    }

    [Fact]
    public void NaN_in_one_sample_stays_in_that_sample_and_in_the_gradient()
    {
        var net = new LayerLoopNet([5, 7, 6, 3], seed: 2);
        var (x, labels) = Data(3, 5, 3, seed: 9);
        x[1, 2] = float.NaN;
        Assert.True(float.IsNaN(net.LossGradient(Row(x, 1), labels[1])));
        Assert.True(float.IsFinite(net.LossGradient(Row(x, 0), labels[0])));
        Assert.Equal(net.Loss(Row(x, 0), labels[0]), net.LossBatch(new Mat(x.Array, 0, 1, 5), labels.AsSpan(0, 1)));
    }

    [Fact]
    public void Two_threads_at_once_sum_their_gradients_as_a_sequential_run_and_allocate_nothing_once_warm()
    {
        const int Calls = 40;
        var net = new LayerLoopNet([5, 7, 6, 3], seed: 4);
        var (x, labels) = Data(64, 5, 3, seed: 2);
        Mat Half(int h) => new(x.Array, x.Offset + h * 32 * 5, 32, 5);

        net.Parameters.ZeroGradients();
        float[] losses = [net.LossGradientBatch(Half(0), labels.AsSpan(0, 32)), net.LossGradientBatch(Half(1), labels.AsSpan(32, 32))];
        double[] once = net.Parameters.Gradients.ToArray().Select(g => (double)g).ToArray();
        Assert.Contains(once, g => g != 0);

        net.Parameters.ZeroGradients();
        using var start = new Barrier(2);
        var allocated = new long[2];
        var wrongLoss = new bool[2];
        var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            var mine = labels.AsSpan(32 * t, 32);
            start.SignalAndWait();
            long before = 0;
            for (int k = 0; k < Calls; k++)
            {
                // The first calls warm this thread's workspace and the pool; count what the rest allocate.
                if (k == 2) before = GC.GetAllocatedBytesForCurrentThread();
                wrongLoss[t] |= net.LossGradientBatch(Half(t), mine) != losses[t];
            }

            allocated[t] = GC.GetAllocatedBytesForCurrentThread() - before;
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal([false, false], wrongLoss);
        Assert.Equal([0L, 0L], allocated);
        float[] together = net.Parameters.Gradients.ToArray();
        for (int k = 0; k < once.Length; k++)
        {
            // The same terms added in another order: equal up to float rounding of Calls sums.
            Assert.True(Math.Abs(together[k] - Calls * once[k]) <= 1e-4 * (Math.Abs(Calls * once[k]) + 1e-3), $"entry {k}: {together[k]} vs {Calls * once[k]}");
        }
    }
}
