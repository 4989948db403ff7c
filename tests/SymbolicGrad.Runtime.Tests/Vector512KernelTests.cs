using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Runtime.Tests;

/// <summary>
/// The 16-float bodies of the kernels outside the packed GEMM (<see cref="KernelSwitches.Vector512Vectors"/>), forced on
/// (emulated where AVX-512 is not native, so an AVX2-only machine checks them too) against the 8-float bodies, for every
/// tail length 0–63: element-wise kernels, the optimizer's update rules, outer products and their fused updates, column sums, <c>Aᵀ·x</c> and the finiteness bound give the same bits, and
/// <c>A·x</c>, which has no 16-float body, too. The switches are global: these tests run alone.
/// </summary>
[Collection(ParallelismCollection.Name)]
public class Vector512KernelTests
{
    private const int Tails = 64;

    // The kernel's output with the 16-float bodies (wide) or the 8-float ones.
    private static float[] With(bool wide, float[] initial, Action<float[]> kernel)
    {
        var output = (float[])initial.Clone();
        KernelSwitches.Vector512Vectors = wide;
        KernelSwitches.Vector512Emulated = wide;
        try
        {
            kernel(output);
        }
        finally
        {
            KernelSwitches.Vector512Vectors = true;
            KernelSwitches.Vector512Emulated = false;
        }

        return output;
    }

    private static void SameBits(float[] initial, Action<float[]> kernel, string what)
    {
        var narrow = With(false, initial, kernel);
        var wide = With(true, initial, kernel);
        for (int i = 0; i < narrow.Length; i++)
        {
            Assert.True(
                BitConverter.SingleToInt32Bits(narrow[i]) == BitConverter.SingleToInt32Bits(wide[i]),
                $"{what}: element {i} is {wide[i]:R} with 16-float vectors, {narrow[i]:R} with 8-float ones");
        }
    }

    // Random values with the cases the element-wise kernels treat apart: ±0, NaN, ±∞.
    private static float[] Values(int n, int seed)
    {
        var values = Reference.Random(n, seed);
        for (int i = 0; i < n; i += 7)
        {
            values[i] = (i / 7 % 5) switch { 0 => 0f, 1 => -0f, 2 => float.NaN, 3 => float.NegativeInfinity, _ => values[i] };
        }

        return values;
    }

    [Fact]
    public void Aᵀx_gives_the_same_bits_for_every_tail()
    {
        if (!Kernels.IsAccelerated)
        {
            return;
        }

        foreach (int rows in new[] { 1, 3, 4, 7, 9 })
        {
            for (int cols = 0; cols < Tails; cols++)
            {
                var a = Reference.Random(rows * cols, rows * 100 + cols);
                var x = Reference.Random(rows, cols);
                var y = Reference.Random(cols, -cols);
                SameBits(y, o => Kernels.MatTVecAdd(a, rows, cols, x, o), $"y += Aᵀx, {rows} × {cols}");
                SameBits(y, o => Kernels.MatTVec(a, rows, cols, x, o), $"y = Aᵀx, {rows} × {cols}");
            }
        }
    }

    [Fact]
    public void Ax_keeps_its_8_float_sums_for_every_tail()
    {
        if (!Kernels.IsAccelerated)
        {
            return;
        }

        foreach (int rows in new[] { 1, 4, 7 })
        {
            for (int cols = 0; cols < Tails; cols++)
            {
                var a = Reference.Random(rows * cols, rows * 100 + cols);
                var x = Reference.Random(cols, cols);
                var y = Reference.Random(rows, -cols);
                SameBits(y, o => Kernels.MatVecAdd(a, rows, cols, x, o), $"y += Ax, {rows} × {cols}");
            }
        }
    }

    [Fact]
    public void Aᵀx_and_column_sums_give_the_same_bits_on_any_thread_count()
    {
        if (!Kernels.IsAccelerated)
        {
            return;
        }

        // 8-column parts: a part can start in the middle of a 16-float vector of the whole.
        const int rows = 256, cols = 520 + 13;
        var a = Reference.Random(rows * cols, 1);
        var x = Reference.Random(rows, 2);
        var y0 = Reference.Random(cols, 3);
        int saved = Parallelism.MaxThreads;
        WorkerPool.BackOffWhenLate = false;
        try
        {
            var narrow = new[] { With(false, y0, o => Kernels.MatTVecAdd(a, rows, cols, x, o)), With(false, y0, o => Kernels.ColumnSumsAdd(a, rows, cols, o, 0.5f)) };
            foreach (int threads in new[] { 1, 2, 3, 8 })
            {
                Parallelism.MaxThreads = threads;
                long before = WorkerPool.Dispatches;
                Assert.Equal(narrow[0], With(true, y0, o => Kernels.MatTVecAdd(a, rows, cols, x, o)));
                Assert.Equal(narrow[1], With(true, y0, o => Kernels.ColumnSumsAdd(a, rows, cols, o, 0.5f)));
                Assert.True(threads == 1 || WorkerPool.Dispatches >= before + 2, $"with {threads} threads the kernels ran on one thread only");
            }
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            WorkerPool.BackOffWhenLate = true;
        }
    }

    [Fact]
    public void Column_sums_give_the_same_bits_for_every_tail()
    {
        if (!Kernels.IsAccelerated)
        {
            return;
        }

        foreach (int rows in new[] { 1, 5, 64 })
        {
            for (int cols = 0; cols < Tails; cols++)
            {
                var m = Reference.Random(rows * cols, rows * 100 + cols);
                var sums = Reference.Random(cols, cols);
                SameBits(sums, o => Kernels.ColumnSumsAdd(m, rows, cols, o, 0.25f), $"column sums, {rows} × {cols}");
            }
        }
    }

    [Fact]
    public void Bias_and_ReLU_rows_give_the_same_bits_for_every_tail()
    {
        foreach (int rows in new[] { 1, 3 })
        {
            for (int cols = 0; cols < Tails; cols++)
            {
                var m = Values(rows * cols, cols);
                var bias = Values(cols, cols + 1000);
                Array.Reverse(bias); // the special values fall on other columns than m's
                SameBits(m, o => Kernels.AddBiasRows(o, rows, cols, bias), $"bias rows, {rows} × {cols}");
                SameBits(m, o => Kernels.AddBiasReluRows(o, rows, cols, bias), $"bias + ReLU rows, {rows} × {cols}");
            }
        }
    }

    [Fact]
    public void ReLU_backward_gives_the_same_bits_for_every_tail()
    {
        for (int n = 0; n < Tails; n++)
        {
            var activation = Values(n, n);
            var gradOutput = Reference.Random(n, n + 1);
            var gradInput = Values(n, n + 2);
            Array.Reverse(gradInput);
            SameBits(gradInput, o => Kernels.ReluBackward(activation, gradOutput, o), $"ReLU backward, {n}");
            SameBits(gradInput, o => Kernels.ReluBackwardAdd(activation, gradOutput, o), $"ReLU backward, accumulating, {n}");
        }
    }

    [Fact]
    public void The_finiteness_bound_is_the_same_for_every_tail_and_special_value()
    {
        for (int n = 0; n < Tails; n++)
        {
            var values = Reference.Random(n, n);
            Check(values, $"{n} finite values");
            for (int at = 0; at < n; at++)
            {
                foreach (float special in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, -3f })
                {
                    var changed = (float[])values.Clone();
                    changed[at] = special;
                    Check(changed, $"{n} values, {special} at {at}");
                }
            }
        }

        static void Check(float[] values, string what)
        {
            float narrow = 0, wide = 0;
            With(false, [], _ => narrow = FiniteCheck.MaxMagnitude(values));
            With(true, [], _ => wide = FiniteCheck.MaxMagnitude(values));
            Assert.True(BitConverter.SingleToInt32Bits(narrow) == BitConverter.SingleToInt32Bits(wide), $"{what}: {wide} wide, {narrow} narrow");
            Assert.Equal(values.Length == 0 ? 0f : values.Max(v => float.IsFinite(v) ? Math.Abs(v) : float.PositiveInfinity), wide);
        }
    }

    [Theory]
    [InlineData(0)] // UpdateKind is internal: by value
    [InlineData(1)]
    [InlineData(2)]
    public void The_update_rules_give_the_same_bits_for_every_tail(int rule)
    {
        var kind = (UpdateKind)rule;
        for (int n = 0; n < Tails; n++)
        {
            // Weights, then velocities (some subnormal, flushed by the rule), then gradients, in one buffer.
            var state = Values(3 * n, n);
            for (int i = n; i < 2 * n; i += 3)
            {
                state[i] = (i % 2 == 0 ? 1 : -1) * 3e-39f;
            }

            SameBits(state, o => UpdateRules.Apply(kind, o.AsSpan(0, n), o.AsSpan(n, n), o.AsSpan(2 * n, n), 0.1f, 0.9f), $"{kind}, {n} elements");
        }
    }

    [Fact]
    public void The_gradient_scale_and_penalties_give_the_same_bits_for_every_tail()
    {
        for (int n = 0; n < Tails; n++)
        {
            var parameters = Values(n, n);
            var gradients = Reference.Random(n, n + 1);
            SameBits(new float[n], o => OptimizerKernels.ScaleAndPenalize(gradients, parameters, 0.5f, 1e-2f, 1e-3f, o), $"scale and penalties, {n}");
        }
    }

    [Fact]
    public void Outer_products_and_their_fused_updates_give_the_same_bits_for_every_tail()
    {
        if (!Kernels.IsAccelerated)
        {
            return;
        }

        const int rows = 5;
        for (int cols = 0; cols < Tails; cols++)
        {
            var u = Reference.Random(rows, cols);
            u[1] = 0f; // a skipped row: the update stores still apply a zero gradient's update
            var v = Reference.Random(cols, cols + 1);
            // The weights, then their velocities (some subnormal).
            var initial = Values(2 * rows * cols, cols + 2);
            for (int i = rows * cols; i < initial.Length; i += 5)
            {
                initial[i] = 3e-39f;
            }

            int n = rows * cols;
            SameBits(initial, o => Kernels.OuterAdd(o.AsSpan(0, n), rows, cols, 0.5f, u, v), $"A += α·u·vᵀ, {rows} × {cols}");
            SameBits(initial, o => Update(o, new SgdStore(0.1f)), $"SGD outer update, {rows} × {cols}");
            SameBits(initial, o => Update(o, new MomentumStore(0.1f, 0.9f)), $"momentum outer update, {rows} × {cols}");
            SameBits(initial, o => Update(o, new NesterovStore(0.1f, 0.9f)), $"Nesterov outer update, {rows} × {cols}");

            void Update<TStore>(float[] o, TStore store)
                where TStore : struct, ITileStore
            {
                if (n > 0)
                {
                    OuterJob<TStore>.Run(ref o[0], ref o[n], rows, cols, 0.5f, ref u[0], ref v[0], store);
                }
            }
        }
    }

    [Fact]
    public void The_16_float_bodies_allocate_nothing_once_warm()
    {
        var a = Reference.Random(33 * 37, 1);
        var x = Reference.Random(37, 2);
        var y = new float[33];
        var bias = Reference.Random(37, 3);
        var g = new float[33 * 37];
        var sums = new float[37];
        void Calls()
        {
            Kernels.MatVecAdd(a, 33, 37, x, y);
            Kernels.MatTVecAdd(a, 33, 37, y, x);
            Kernels.ColumnSumsAdd(a, 33, 37, sums);
            Kernels.AddBiasReluRows(g, 33, 37, bias);
            Kernels.ReluBackward(a, a, g);
            FiniteCheck.MaxMagnitude(a);
            UpdateRules.Apply(UpdateKind.Nesterov, ref g[0], ref g[37], ref a[0], 37, 0.1f, 0.9f);
        }

        With(true, [], _ =>
        {
            Calls();
            Calls();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++)
            {
                Calls();
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        });
    }
}
