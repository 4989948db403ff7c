using System.Runtime.InteropServices;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Runtime.Tests;

/// <summary>
/// The row kernels (bias rows, fused bias + ReLU rows, the activations' backward passes) and <see cref="RowLoop"/> on the
/// worker pool: each element equals a scalar reference's bits (NaN, −0 and odd widths included), the result is the same
/// bits with 1, 2 and 4 threads, a large batch really splits, and a warm call allocates nothing on any thread.
/// </summary>
[Collection(ParallelismCollection.Name)]
public class RowKernelTests
{
    private static readonly int[] Threads = [1, 2, 4];

    // Random values with exact zeros of both signs and NaNs sprinkled in (the last element of a row is often in the scalar tail).
    private static float[] Values(int n, int seed)
    {
        var data = Reference.Random(n, seed);
        for (int i = 0; i < n; i += 7) data[i] = 0f;
        for (int i = 3; i < n; i += 11) data[i] = -0f;
        for (int i = 5; i < n; i += 29) data[i] = float.NaN;
        return data;
    }

    private static int FirstDifference(float[] a, float[] b)
    {
        var x = MemoryMarshal.Cast<float, int>(a);
        var y = MemoryMarshal.Cast<float, int>(b);
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] != y[i]) return i;
        }

        return -1;
    }

    private static void AssertBits(float[] expected, float[] actual, string what)
    {
        int differ = FirstDifference(expected, actual);
        Assert.True(differ < 0, $"{what}: element {differ} is {actual[Math.Max(differ, 0)]:R}, expected {expected[Math.Max(differ, 0)]:R}");
    }

    /// <summary>Runs <paramref name="kernel"/> with 1, 2 and 4 threads; each result must have <paramref name="expected"/>'s bits.</summary>
    private static void WithEachThreadCount(float[] expected, Func<float[]> kernel, string what, bool expectSplit)
    {
        int saved = Parallelism.MaxThreads;
        WorkerPool.BackOffWhenLate = false;
        try
        {
            foreach (int threads in Threads)
            {
                Parallelism.MaxThreads = threads;
                long before = WorkerPool.Dispatches;
                var output = kernel();
                if (threads > 1 && expectSplit) Assert.True(WorkerPool.Dispatches > before, $"{what} with {threads} threads ran on one thread");
                if (threads == 1) Assert.Equal(before, WorkerPool.Dispatches);
                AssertBits(expected, output, $"{what}, {threads} threads");
            }
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            WorkerPool.BackOffWhenLate = true;
        }
    }

    public static TheoryData<int, int> Shapes() => new()
    {
        { 1, 1 }, { 1, 9 }, { 2, 7 }, { 3, 17 }, { 5, 100 }, { 16, 128 }, { 64, 129 }, { 97, 33 }, { 256, 512 }, { 300, 257 }, { 300, 1 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Bias_rows_and_bias_relu_rows_equal_the_scalar_reference_with_any_thread_count(int rows, int cols)
    {
        var m = Values(rows * cols, rows + cols);
        var bias = Values(cols, 3 * cols + 1);
        var sum = new float[m.Length];
        var relu = new float[m.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < cols; j++)
            {
                sum[r * cols + j] = m[r * cols + j] + bias[j];
                relu[r * cols + j] = MathF.Max(m[r * cols + j] + bias[j], 0f); // NaN stays NaN, −0 + −0 becomes +0
            }
        }

        bool split = (long)rows * cols >= 32 * 1024;
        WithEachThreadCount(sum, () =>
        {
            var output = (float[])m.Clone();
            Kernels.AddBiasRows(output, rows, cols, bias);
            return output;
        }, $"AddBiasRows {rows}×{cols}", split);
        WithEachThreadCount(relu, () =>
        {
            var output = (float[])m.Clone();
            Kernels.AddBiasReluRows(output, rows, cols, bias);
            return output;
        }, $"AddBiasReluRows {rows}×{cols}", split);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(1000)]
    [InlineData(32 * 1024 + 13)]
    [InlineData(300 * 257)]
    public void Activation_backward_passes_equal_the_scalar_reference_with_any_thread_count(int n)
    {
        var forward = Values(n, n);
        var gradOutput = Values(n, n + 1);
        var accumulated = Values(n, n + 2);
        var relu = new float[n];
        var reluAdd = new float[n];
        var sigmoid = new float[n];
        var tanh = new float[n];
        for (int i = 0; i < n; i++)
        {
            relu[i] = forward[i] > 0f ? gradOutput[i] : 0f;
            reluAdd[i] = accumulated[i] + relu[i];
            sigmoid[i] = gradOutput[i] * forward[i] * (1f - forward[i]);
            tanh[i] = gradOutput[i] * (1f - forward[i] * forward[i]);
        }

        bool split = n >= 32 * 1024;
        WithEachThreadCount(relu, () =>
        {
            var output = new float[n];
            Kernels.ReluBackward(forward, gradOutput, output);
            return output;
        }, $"ReluBackward {n}", split);
        WithEachThreadCount(relu, () =>
        {
            var output = (float[])gradOutput.Clone();
            Kernels.ReluBackward(forward, output, output); // in place
            return output;
        }, $"ReluBackward in place {n}", split);
        WithEachThreadCount(reluAdd, () =>
        {
            var output = (float[])accumulated.Clone();
            Kernels.ReluBackwardAdd(forward, gradOutput, output);
            return output;
        }, $"ReluBackwardAdd {n}", split);
        WithEachThreadCount(sigmoid, () =>
        {
            var output = new float[n];
            Kernels.SigmoidBackward(forward, gradOutput, output);
            return output;
        }, $"SigmoidBackward {n}", split);
        WithEachThreadCount(tanh, () =>
        {
            var output = (float[])gradOutput.Clone();
            Kernels.TanhBackward(forward, output, output);
            return output;
        }, $"TanhBackward {n}", split);
    }

    /// <summary>A row loop that records which rows it ran: every row exactly once, whatever the split.</summary>
    private readonly struct CountRows(int[] counts, float[] values, int cols) : IRowLoop
    {
        public void Run(int first, int end)
        {
            for (int r = first; r < end; r++)
            {
                Interlocked.Increment(ref counts[r]);
                for (int j = 0; j < cols; j++) values[r * cols + j] = r * 1000f + j;
            }
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 40_000)]
    [InlineData(7, 5000)]
    [InlineData(300, 512)]
    [InlineData(513, 128)]
    public void A_row_loop_runs_every_row_once_and_splits_only_large_batches(int rows, int cols)
    {
        int saved = Parallelism.MaxThreads;
        WorkerPool.BackOffWhenLate = false;
        try
        {
            foreach (int threads in Threads)
            {
                Parallelism.MaxThreads = threads;
                var counts = new int[rows];
                var values = new float[rows * cols];
                long before = WorkerPool.Dispatches;
                RowLoop.Run(new CountRows(counts, values, cols), rows, cols);
                Assert.All(counts, c => Assert.Equal(1, c));
                for (int r = 0; r < rows; r++) Assert.Equal(r * 1000f + cols - 1, values[r * cols + cols - 1]);
                bool large = rows >= 2 && (long)rows * cols >= 32 * 1024;
                Assert.Equal(threads > 1 && large, WorkerPool.Dispatches > before);
            }
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            WorkerPool.BackOffWhenLate = true;
        }
    }

    [Fact]
    public void Row_kernels_split_over_threads_allocate_nothing_once_warm()
    {
        int saved = Parallelism.MaxThreads;
        WorkerPool.BackOffWhenLate = false;
        try
        {
            Parallelism.MaxThreads = 2;
            const int rows = 256, cols = 512;
            var m = Values(rows * cols, 1);
            var g = Values(rows * cols, 2);
            var bias = Values(cols, 3);
            var counts = new int[rows];
            void Calls()
            {
                Kernels.AddBiasReluRows(m, rows, cols, bias);
                Kernels.AddBiasRows(m, rows, cols, bias);
                Kernels.ReluBackward(m, g, g);
                Kernels.TanhBackward(m, g, g);
                RowLoop.Run(new CountRows(counts, m, cols), rows, cols);
            }

            for (int i = 0; i < 20; i++) Calls();
            long dispatches = WorkerPool.Dispatches;
            long self = GC.GetAllocatedBytesForCurrentThread();
            long workers = WorkerPool.WorkerAllocatedBytes;
            for (int i = 0; i < 100; i++) Calls();
            Thread.Sleep(50); // the workers have recorded their last parts
            Assert.True(WorkerPool.Dispatches - dispatches >= 100, "the kernels did not run on the worker pool");
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - self);
            Assert.Equal(0, WorkerPool.WorkerAllocatedBytes - workers);
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            WorkerPool.BackOffWhenLate = true;
        }
    }
}
