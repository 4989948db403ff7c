using System.Runtime.InteropServices;
using SymbolicGrad.CompilerServices;
using SymbolicGrad.Network.Tests.Models.Composed;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// A model method's element-wise passes are row loops the runtime splits over threads for a large batch. The reference is
/// the code as it was before them: everything on the calling thread (one thread, <see cref="KernelSwitches.ParallelRows"/>
/// off), where each row loop runs once over the whole batch — the statements the method had inline. With 2 and 4
/// threads the loss and every gradient must keep those bits, for small and large batches, NaN and −0 inputs included.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public sealed class RowLoopTests
{
    private static float[] Inputs(int rows, int cols, int seed)
    {
        var random = new Random(seed);
        var x = new float[rows * cols];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
        for (int i = 0; i < x.Length; i += 13) x[i] = -0f;
        for (int i = 5; i < x.Length; i += 17) x[i] = 0f;
        if (rows > 3) x[2 * cols + 1] = float.NaN; // one sample's values all become NaN; the others must not notice
        return x;
    }

    private static int[] Labels(int rows, int classes) => Enumerable.Range(0, rows).Select(r => r * 7 % classes).ToArray();

    /// <summary>The forward loss, the gradient step's loss and the parameters' gradients, as bits.</summary>
    private static int[] Run(Model model, Func<Mat, int[], float> forward, Func<Mat, int[], float> gradient, float[] x, int rows, int cols, int[] labels,
        int threads, bool rowsOnPool)
    {
        int saved = Parallelism.MaxThreads;
        WorkerPool.BackOffWhenLate = false;
        KernelSwitches.ParallelRows = rowsOnPool;
        try
        {
            Parallelism.MaxThreads = threads;
            model.Parameters.ZeroGradients();
            var batch = new Mat(x, 0, rows, cols);
            float loss = forward(batch, labels);
            float again = gradient(batch, labels);
            var bits = new List<int> { BitConverter.SingleToInt32Bits(loss), BitConverter.SingleToInt32Bits(again) };
            bits.AddRange(MemoryMarshal.Cast<float, int>(model.Parameters.Gradients).ToArray());
            return bits.ToArray();
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            WorkerPool.BackOffWhenLate = true;
            KernelSwitches.ParallelRows = true;
        }
    }

    private static void SameBitsAsInline(Model model, Func<Mat, int[], float> forward, Func<Mat, int[], float> gradient, int rows, int cols, int classes,
        bool expectSplit)
    {
        var x = Inputs(rows, cols, rows);
        var labels = Labels(rows, classes);
        var inline = Run(model, forward, gradient, x, rows, cols, labels, threads: 1, rowsOnPool: false);
        foreach (int threads in new[] { 1, 2, 4 })
        {
            long before = RowLoop.Dispatches;
            var split = Run(model, forward, gradient, x, rows, cols, labels, threads, rowsOnPool: true);
            long rowDispatches = RowLoop.Dispatches - before;
            Assert.True(threads == 1 || !expectSplit || rowDispatches > 0, $"batch {rows}, {threads} threads: no row loop ran on the pool");
            Assert.True(threads > 1 && expectSplit || rowDispatches == 0, $"batch {rows}, {threads} threads: {rowDispatches} row loops ran on the pool");
            int differ = Enumerable.Range(0, inline.Length).FirstOrDefault(i => inline[i] != split[i], -1);
            Assert.True(differ < 0, $"batch {rows}, {threads} threads: value {differ} (0: loss, 1: gradient step's loss, then the gradients) is "
                + $"{BitConverter.Int32BitsToSingle(split[Math.Max(differ, 0)]):R}, inline {BitConverter.Int32BitsToSingle(inline[Math.Max(differ, 0)]):R}");
        }
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(5, false)]
    [InlineData(64, false)]
    [InlineData(300, true)]
    public void The_relu_mlp_gives_the_inline_codes_bits_with_any_thread_count(int rows, bool expectSplit)
    {
        var model = new DigitNet(60, 200, 10, seed: 3);
        SameBitsAsInline(model, (x, y) => model.LossBatch(x, y), (x, y) => model.LossGradientBatch(x, y), rows, 60, 10, expectSplit);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(7, false)]
    [InlineData(300, true)]
    public void Tanh_leaky_relu_sigmoid_and_products_give_the_inline_codes_bits_with_any_thread_count(int rows, bool expectSplit)
    {
        var model = new WideActivationsNet(40, 131, 10, seed: 5);
        SameBitsAsInline(model, (x, y) => model.LossBatch(x, y), (x, y) => model.LossGradientBatch(x, y), rows, 40, 10, expectSplit);
    }

    [Fact]
    public void The_row_loop_count_is_the_calling_threads_own()
    {
        // A test reads RowLoop.Dispatches before and after its own calls: row loops that another thread runs meanwhile
        // (another test class running in parallel) must not show in its count.
        int saved = Parallelism.MaxThreads;
        WorkerPool.BackOffWhenLate = false;
        try
        {
            Parallelism.MaxThreads = 2;
            var model = new DigitNet(60, 200, 10, seed: 3);
            const int rows = 300;
            var x = Inputs(rows, 60, 1);
            var labels = Labels(rows, 10);
            long before = RowLoop.Dispatches;
            long others = 0;
            var other = new Thread(() =>
            {
                long start = RowLoop.Dispatches;
                model.LossGradientBatch(new Mat(x, 0, rows, 60), labels);
                others = RowLoop.Dispatches - start;
            });
            other.Start();
            other.Join();
            Assert.True(others > 0, "the other thread ran no row loop on the pool");
            Assert.Equal(before, RowLoop.Dispatches);
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            WorkerPool.BackOffWhenLate = true;
        }
    }

    [Fact]
    public void Several_threads_calling_one_model_with_large_batches_get_the_serial_losses()
    {
        int saved = Parallelism.MaxThreads;
        WorkerPool.BackOffWhenLate = false;
        try
        {
            Parallelism.MaxThreads = 2;
            var model = new WideActivationsNet(40, 131, 10, seed: 5);
            const int rows = 300;
            var batches = Enumerable.Range(0, 4).Select(k => Inputs(rows, 40, 10 + k)).ToArray();
            var labels = Labels(rows, 10);
            var serial = batches.Select(x => model.LossBatch(new Mat(x, 0, rows, 40), labels)).ToArray();
            var concurrent = new float[batches.Length, 20];
            Parallel.For(0, batches.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
            {
                for (int repeat = 0; repeat < 20; repeat++) concurrent[k, repeat] = model.LossBatch(new Mat(batches[k], 0, rows, 40), labels);
            });
            for (int k = 0; k < batches.Length; k++)
            {
                for (int repeat = 0; repeat < 20; repeat++)
                {
                    Assert.Equal(BitConverter.SingleToInt32Bits(serial[k]), BitConverter.SingleToInt32Bits(concurrent[k, repeat]));
                }
            }
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            WorkerPool.BackOffWhenLate = true;
        }
    }
}
