using SymbolicGrad.CompilerServices;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Runtime.Tests;

public class DropoutTests
{
    private sealed class Net : Model
    {
        public readonly Vec Bias;

        public Net() => Bias = Parameters.Vector(6);

        // A body with two dropout calls, the second on the first's output: sites 0 and 1.
        public Vec Forward(Vec x) => Dropout(Dropout(x, 0.5f) + Bias, 0.25f);
    }

    private static ulong Stream(long seed = 7, long step = 3) => Kernels.RandomStream(seed, step);

    private static float[] Apply(float[] x, int batch, int features, float p, ulong stream, int site, int firstSample = 0)
    {
        var y = new float[x.Length];
        Kernels.DropoutForward(x, y, batch, features, p, stream, site, firstSample);
        return y;
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    public void Keeps_a_fraction_near_one_minus_p_and_scales_the_kept_by_its_inverse(float p)
    {
        const int batch = 250, features = 4001; // odd: the unpaired last element of a row is drawn too
        var x = new float[batch * features];
        Array.Fill(x, 1f);

        var y = Apply(x, batch, features, p, Stream(), site: 0);

        float scale = (float)(1.0 / (1.0 - p));
        int kept = 0;
        foreach (float v in y)
        {
            Assert.True(v == 0f || v == scale, $"{v} is neither 0 nor 1/(1 − p) = {scale}");
            kept += v == 0f ? 0 : 1;
        }

        double fraction = (double)kept / y.Length;
        double sigma = Math.Sqrt(p * (1 - p) / y.Length);
        Assert.InRange(fraction, 1 - p - 5 * sigma, 1 - p + 5 * sigma);
        // Inverted dropout keeps the expected value: the mean output is close to the input's 1.
        Assert.InRange(y.Average(), 1 - 5 * sigma * scale, 1 + 5 * sigma * scale);
    }

    [Fact]
    public void Masks_are_a_function_of_seed_step_site_sample_and_element_only()
    {
        const int batch = 10, features = 37;
        var x = Reference.Random(batch * features, 1);
        var whole = Apply(x, batch, features, 0.5f, Stream(), site: 2);

        Assert.Equal(whole, Apply(x, batch, features, 0.5f, Stream(), site: 2));
        Assert.NotEqual(whole, Apply(x, batch, features, 0.5f, Stream(seed: 8), site: 2));
        Assert.NotEqual(whole, Apply(x, batch, features, 0.5f, Stream(step: 4), site: 2));
        Assert.NotEqual(whole, Apply(x, batch, features, 0.5f, Stream(), site: 3));

        // Rows 4..9 drawn alone (a second thread's share of the batch) get the masks of the whole batch's rows 4..9.
        var share = Apply(x[(4 * features)..], 6, features, 0.5f, Stream(), site: 2, firstSample: 4);
        Assert.Equal(whole[(4 * features)..], share);
        // Different rows get different masks.
        var row0 = whole[..features].Select((v, i) => v != 0).ToArray();
        var row1 = whole[features..(2 * features)].Select((v, i) => v != 0).ToArray();
        Assert.NotEqual(row0, row1);

        for (int r = 0; r < batch; r++)
        {
            for (int e = 0; e < features; e++)
            {
                bool kept = Kernels.DropoutKeeps(0.5f, Stream(), 2, r, e);
                Assert.Equal(kept ? x[r * features + e] * 2f : 0f * x[r * features + e], whole[r * features + e]);
            }
        }
    }

    [Fact]
    public void Masks_of_neighbouring_coordinates_are_uncorrelated()
    {
        // Agreement between the masks of adjacent steps, sites and samples is that of independent coins (p = 0.5: ½).
        const int n = 200_000;
        int sameStep = 0, sameSite = 0, sameSample = 0;
        for (int e = 0; e < n; e++)
        {
            bool a = Kernels.DropoutKeeps(0.5f, Stream(step: 1), 0, 0, e);
            sameStep += a == Kernels.DropoutKeeps(0.5f, Stream(step: 2), 0, 0, e) ? 1 : 0;
            sameSite += a == Kernels.DropoutKeeps(0.5f, Stream(step: 1), 1, 0, e) ? 1 : 0;
            sameSample += a == Kernels.DropoutKeeps(0.5f, Stream(step: 1), 0, 1, e) ? 1 : 0;
        }

        double sigma = Math.Sqrt(0.25 / n);
        foreach (int same in new[] { sameStep, sameSite, sameSample })
        {
            Assert.InRange((double)same / n, 0.5 - 5 * sigma, 0.5 + 5 * sigma);
        }
    }

    [Fact]
    public void Zero_p_is_the_identity_bit_for_bit_with_nan_and_infinity()
    {
        float[] x = [1.5f, float.NaN, float.PositiveInfinity, -0f, -3e-39f];
        var y = Apply(x, 1, x.Length, 0f, Stream(), 0);

        Assert.Equal(x.Select(BitConverter.SingleToInt32Bits), y.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void A_dropped_nan_stays_nan_as_in_pytorch()
    {
        var x = new float[64];
        Array.Fill(x, float.NaN);

        var y = Apply(x, 1, 64, 0.5f, Stream(), 0);

        Assert.All(y, v => Assert.True(float.IsNaN(v)));
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void P_outside_zero_to_one_is_refused(float p)
    {
        var x = new float[4];
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.DropoutForward(x, x, 1, 4, p, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.DropoutBackward(x, x, 1, 4, p, 0, 0));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Dropout(new Vec(x), p));
        Assert.Contains("[0, 1)", error.Message);
    }

    [Fact]
    public void Wrong_sizes_are_refused_naming_the_operand()
    {
        var x = new float[12];
        var error = Assert.Throws<ArgumentException>(() => Kernels.DropoutForward(x, new float[11], 3, 4, 0.5f, 0, 0));
        Assert.Contains("y has 11 elements", error.Message);
        Assert.Throws<ArgumentException>(() => Kernels.DropoutForward(x.AsSpan(0, 8), x.AsSpan(1, 8), 2, 4, 0.5f, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.DropoutForward(x, x, 3, 4, 0.5f, 0, 0, firstSample: -1));
    }

    [Fact]
    public void Backward_applies_the_forward_mask_and_matches_finite_differences()
    {
        // L = Σ r ⊙ dropout(x) is linear in x for a fixed mask: its finite differences (in double) are the gradient.
        const int batch = 3, features = 9;
        const float p = 0.3f;
        var x = Reference.Random(batch * features, 2);
        var r = Reference.Random(batch * features, 3);
        var stream = Stream();
        var gradient = new float[x.Length];
        Kernels.DropoutBackward(r, gradient, batch, features, p, stream, site: 1, firstSample: 5);

        double Loss(float[] input)
        {
            var y = Apply(input, batch, features, p, stream, 1, 5);
            return y.Select((v, i) => (double)v * r[i]).Sum();
        }

        for (int i = 0; i < x.Length; i++)
        {
            const float h = 1e-2f;
            var plus = (float[])x.Clone();
            var minus = (float[])x.Clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (Loss(plus) - Loss(minus)) / ((double)plus[i] - minus[i]);
            Reference.Close(numeric, gradient[i], 1, $"∂L/∂x[{i}]");
        }

        // In place on the output gradient gives the same.
        var inPlace = (float[])r.Clone();
        Kernels.DropoutBackward(inPlace, inPlace, batch, features, p, stream, 1, 5);
        Assert.Equal(gradient, inPlace);
    }

    [Fact]
    public void Ops_Dropout_without_a_forward_scope_is_the_identity_in_new_memory()
    {
        var x = new Vec([1f, -2f, 3f]);
        var y = Dropout(x, 0.5f);

        Assert.NotSame(x.Array, y.Array);
        Assert.Equal(x.ToArray(), y.ToArray());
    }

    [Fact]
    public void Ops_Dropout_in_evaluation_mode_is_the_identity_and_draws_nothing()
    {
        var net = new Net { Training = false };
        var x = new Vec(Reference.Random(6, 1));
        Vec y;
        using (var scope = net.BeginForward())
        {
            Assert.Equal(-1, scope.Step);
            y = net.Forward(x);
        }

        Assert.Equal(x.ToArray(), y.ToArray());
        Assert.Equal(0, net.RandomStep);
    }

    [Fact]
    public void Ops_Dropout_in_a_training_scope_draws_the_kernels_masks_numbered_by_call_order()
    {
        var net = new Net { RandomSeed = 11 };
        net.Parameters.Values.Fill(0.5f);
        var x = new Vec(Reference.Random(6, 4));

        Vec y;
        using (var scope = net.BeginForward(sample: 3))
        {
            Assert.Equal(0, scope.Step);
            y = net.Forward(x);
        }

        Assert.Equal(1, net.RandomStep);
        // The same pass through the batched kernels: stream (11, step 0), sites 0 then 1, row 3 of the batch.
        var stream = Kernels.RandomStream(11, 0);
        var batch = new float[4 * 6];
        x.Span.CopyTo(batch.AsSpan(3 * 6));
        var first = new float[batch.Length];
        Kernels.DropoutForward(batch, first, 4, 6, 0.5f, stream, site: 0);
        for (int i = 0; i < first.Length; i++)
        {
            first[i] += 0.5f;
        }

        Kernels.DropoutForward(first, first, 4, 6, 0.25f, stream, site: 1);
        Assert.Equal(first[(3 * 6)..], y.ToArray());

        // Replaying the step replays the masks; the next step draws others.
        net.RandomStep = 0;
        using (net.BeginForward(sample: 3))
        {
            Assert.Equal(y.ToArray(), net.Forward(x).ToArray());
        }

        using (net.BeginForward(sample: 3))
        {
            Assert.NotEqual(y.ToArray(), net.Forward(x).ToArray());
        }
    }

    [Fact]
    public void Forward_scopes_nest_and_end_per_thread()
    {
        var outer = new Net();
        var inner = new Net { Training = false };
        var x = new Vec(Enumerable.Repeat(1f, 64).ToArray());
        using (outer.BeginForward())
        {
            using (inner.BeginForward())
            {
                Assert.Equal(x.ToArray(), Dropout(x, 0.5f).ToArray()); // the inner (evaluation) scope
            }

            Assert.Contains(0f, Dropout(x, 0.5f).ToArray()); // the outer (training) scope again
            float[] other = [];
            var thread = new Thread(() => other = Dropout(x, 0.5f).ToArray()); // no scope on another thread
            thread.Start();
            thread.Join();
            Assert.Equal(x.ToArray(), other);
        }

        Assert.Equal(x.ToArray(), Dropout(x, 0.5f).ToArray()); // no scope
    }

    [Fact]
    public void The_stream_advances_atomically_once_per_pass()
    {
        var net = new Net { RandomSeed = 5, RandomStep = 40 };
        var seen = new System.Collections.Concurrent.ConcurrentBag<ulong>();
        Parallel.For(0, 100, _ => seen.Add(Kernels.NextRandomStream(net)));

        Assert.Equal(140, net.RandomStep);
        Assert.Equal(Enumerable.Range(40, 100).Select(s => Kernels.RandomStream(5, s)).Order(), seen.Order());
    }
}
