using System.Runtime.Intrinsics;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Runtime.Tests;

/// <summary>
/// Optimizer state that decays into the subnormal range (0 &lt; |x| &lt; 2⁻¹²⁶) is stored as zero of its sign, on every
/// path that writes it (the optimizers' loops, vector body and scalar tail, one or two threads, and the fused update
/// stores), with the same bits on each; the parameters stay those of the unflushed formula.
/// </summary>
[Collection(ParallelismCollection.Name)]
public class SubnormalFlushTests
{
    private const float MinNormal = 1.17549435e-38f;

    private static bool IsSubnormal(float x) => x != 0f && MathF.Abs(x) < MinNormal;

    private static readonly float[] Edges =
    [
        0f, -0f, float.Epsilon, -float.Epsilon, 4 * float.Epsilon, BitConverter.Int32BitsToSingle(0x007F_FFFF),
        -BitConverter.Int32BitsToSingle(0x007F_FFFF), MinNormal, -MinNormal, 1.2e-38f, 1e-30f, -3.5f, 1f,
        float.MaxValue, float.PositiveInfinity, float.NegativeInfinity, float.NaN, BitConverter.Int32BitsToSingle(0x7FC1_2345),
    ];

    private static float Expected(float x) => IsSubnormal(x) ? MathF.CopySign(0f, x) : x;

    [Fact]
    public void FlushSubnormal_zeroes_subnormals_keeping_the_sign_and_passes_everything_else_in_every_width()
    {
        var values = new float[32];
        for (int start = 0; start < Edges.Length; start += 16)
        {
            Array.Clear(values);
            Edges.AsSpan(start, Math.Min(16, Edges.Length - start)).CopyTo(values);
            var wide = UpdateRules.FlushSubnormal(Vector512.Create(values.AsSpan(0, 16)));
            for (int i = 0; i < 16; i++)
            {
                int expected = BitConverter.SingleToInt32Bits(Expected(values[i]));
                Assert.Equal(expected, BitConverter.SingleToInt32Bits(UpdateRules.FlushSubnormal(values[i])));
                Assert.Equal(expected, BitConverter.SingleToInt32Bits(wide[i]));
                Assert.Equal(expected, BitConverter.SingleToInt32Bits(UpdateRules.FlushSubnormal(Vector256.Create(values.AsSpan(i / 8 * 8, 8)))[i % 8]));
            }
        }
    }

    [Fact]
    public void The_512_bit_rules_give_the_bits_of_the_scalar_rules()
    {
        var random = new Random(3);
        float Next() => random.Next(4) switch { 0 => 0f, 1 => 1.3e-38f * (random.NextSingle() - 0.5f), _ => random.NextSingle() * 4 - 2 };
        for (int round = 0; round < 50; round++)
        {
            float[] w = new float[16], g = new float[16], v = new float[16];
            for (int i = 0; i < 16; i++) (w[i], g[i], v[i]) = (Next(), Next(), Next());
            var (vw, vg, vv) = (Vector512.Create(w), Vector512.Create(g), Vector512.Create(v));
            var (a, b) = (Vector512.Create(0.01f), Vector512.Create(0.9f));
            var velocity = UpdateRules.Velocity(vv, vg, b);
            var sgd = UpdateRules.Sgd(vw, vg, a);
            var momentum = UpdateRules.Momentum(vw, velocity, a);
            var nesterov = UpdateRules.Nesterov(vw, vg, velocity, a, b);
            for (int i = 0; i < 16; i++)
            {
                float vi = UpdateRules.Velocity(v[i], g[i], 0.9f);
                Assert.Equal(BitConverter.SingleToInt32Bits(vi), BitConverter.SingleToInt32Bits(velocity[i]));
                Assert.Equal(BitConverter.SingleToInt32Bits(UpdateRules.Sgd(w[i], g[i], 0.01f)), BitConverter.SingleToInt32Bits(sgd[i]));
                Assert.Equal(BitConverter.SingleToInt32Bits(UpdateRules.Momentum(w[i], vi, 0.01f)), BitConverter.SingleToInt32Bits(momentum[i]));
                Assert.Equal(BitConverter.SingleToInt32Bits(UpdateRules.Nesterov(w[i], g[i], vi, 0.01f, 0.9f)), BitConverter.SingleToInt32Bits(nesterov[i]));
            }
        }
    }

    // 35 = whole 8- and 16-float vectors and a scalar tail; 2·16 Ki + 35 is split between two threads.
    [Theory]
    [InlineData("momentum", 35, 1)]
    [InlineData("nesterov", 35, 1)]
    [InlineData("momentum", 2 * 16 * 1024 + 35, 2)]
    [InlineData("nesterov", 2 * 16 * 1024 + 35, 2)]
    public void A_velocity_that_decays_through_the_subnormal_range_becomes_exactly_zero(string rule, int n, int threads)
    {
        int saved = Parallelism.MaxThreads;
        WorkerPool.BackOffWhenLate = false;
        long dispatches = WorkerPool.Dispatches;
        try
        {
            Parallelism.MaxThreads = threads;
            const float lr = 0.01f, beta = 0.9f;
            VelocityOptimizer optimizer = rule == "momentum" ? new Momentum(lr, beta) : new Nesterov(lr, beta);
            var w = new float[n];
            var g = new float[n];
            for (int i = 0; i < n; i++) w[i] = 0.3f + i % 13 * 0.0625f - (i % 2) * 0.5f; // never 0: w − ηG of a subnormal G would move it
            var reference = (float[])w.Clone();
            var referenceVelocity = new float[n];

            // One tiny gradient of either sign, then zeros: βⁿ·10⁻³⁰ passes 2⁻¹²⁶ after about 180 steps. Every third
            // element keeps an ordinary gradient, so vectors mix flushed lanes with live ones.
            for (int step = 0; step < 400; step++)
            {
                for (int i = 0; i < n; i++)
                {
                    g[i] = i % 3 == 0 ? MathF.Sin(step + i) * 0.01f : step == 0 ? (i % 2 == 0 ? 1e-30f : -3e-30f) : 0f;
                    float vi = beta * referenceVelocity[i] + g[i]; // the formula before the flush
                    referenceVelocity[i] = vi;
                    reference[i] = rule == "momentum" ? reference[i] - lr * vi : reference[i] - lr * (g[i] + beta * vi);
                }

                optimizer.Step(w, g);
                foreach (float v in optimizer.Velocity) Assert.False(IsSubnormal(v), $"step {step}: subnormal velocity {v:R}");
            }

            for (int i = 0; i < n; i++)
            {
                if (i % 3 != 0)
                {
                    Assert.True(optimizer.Velocity[i] == 0f, $"velocity {i} is {optimizer.Velocity[i]:R}");
                    Assert.True(referenceVelocity[i] != 0f, "the unflushed formula sticks at a subnormal");
                }
                else
                {
                    Assert.Equal(BitConverter.SingleToInt32Bits(referenceVelocity[i]), BitConverter.SingleToInt32Bits(optimizer.Velocity[i]));
                }

                Assert.True(BitConverter.SingleToInt32Bits(reference[i]) == BitConverter.SingleToInt32Bits(w[i]), $"parameter {i}: {w[i]:R}, unflushed formula {reference[i]:R}");
            }

            if (threads > 1) Assert.True(WorkerPool.Dispatches > dispatches, "the update was not split");
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            WorkerPool.BackOffWhenLate = true;
        }
    }

    [Theory]
    [InlineData("momentum")]
    [InlineData("nesterov")]
    public void The_fused_update_stores_flush_the_velocity_in_vector_and_scalar_form_alike(string rule)
    {
        const float lr = 0.01f, beta = 0.9f;
        var vectorW = new float[8];
        var vectorV = new float[8];
        var scalarW = new float[8];
        var scalarV = new float[8];
        for (int i = 0; i < 8; i++) vectorW[i] = scalarW[i] = 0.5625f - i * 0.125f; // never 0

        for (int step = 0; step < 300; step++)
        {
            // A gradient of α·s = 10⁻³⁰·(i − 3.5) on the first step, then zero (as a skipped row stores it).
            float sum = step == 0 ? 1e-30f : 0f;
            var sums = Vector256.Create(sum) * Vector256.Create(-3.5f, -2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f, 3.5f);
            Store(rule, ref vectorW[0], ref vectorV[0], sums, lr, beta);
            for (int i = 0; i < 8; i++) Store(rule, ref scalarW[i], ref scalarV[i], sums[i], lr, beta);
            for (int i = 0; i < 8; i++)
            {
                Assert.False(IsSubnormal(vectorV[i]), $"step {step}: subnormal velocity {vectorV[i]:R}");
                Assert.Equal(BitConverter.SingleToInt32Bits(vectorV[i]), BitConverter.SingleToInt32Bits(scalarV[i]));
                Assert.Equal(BitConverter.SingleToInt32Bits(vectorW[i]), BitConverter.SingleToInt32Bits(scalarW[i]));
            }
        }

        Assert.All(vectorV, v => Assert.Equal(0f, v));
        for (int i = 0; i < 8; i++) Assert.Equal(0.5625f - i * 0.125f, vectorW[i]); // 10⁻³² moves none of these weights
    }

    private static void Store(string rule, ref float w, ref float v, Vector256<float> sums, float lr, float beta)
    {
        if (rule == "momentum") new MomentumStore(lr, beta).Store(ref w, ref v, sums, Vector256<float>.One);
        else new NesterovStore(lr, beta).Store(ref w, ref v, sums, Vector256<float>.One);
    }

    private static void Store(string rule, ref float w, ref float v, float sum, float lr, float beta)
    {
        if (rule == "momentum") new MomentumStore(lr, beta).Store(ref w, ref v, sum, 1f);
        else new NesterovStore(lr, beta).Store(ref w, ref v, sum, 1f);
    }

    [Theory]
    [InlineData("adam", 35)]
    [InlineData("adamw", 35)]
    [InlineData("rmsprop", 35)]
    public void Adam_and_RMSprop_state_that_decays_through_the_subnormal_range_becomes_exactly_zero(string name, int n)
    {
        Optimizer optimizer = name switch
        {
            "adam" => new Adam(0.001f),
            "adamw" => new AdamW(0.001f),
            _ => new RmsProp(0.001f),
        };
        var w = new float[n];
        var g = new float[n];
        for (int i = 0; i < n; i++) w[i] = 0.25f + i % 5 * 0.125f;
        var afterFirst = new float[n];

        // 10⁻¹⁸ once (g² = 10⁻³⁶ is still normal), then zeros: m decays as 0.9ⁿ, v and S start at or soon reach subnormals.
        for (int step = 0; step < 600; step++)
        {
            for (int i = 0; i < n; i++) g[i] = step == 0 ? (i % 2 == 0 ? 1e-18f : -2e-18f) : 0f;
            optimizer.Step(w, g);
            if (step == 0) w.CopyTo(afterFirst);
            foreach (var state in optimizer.CheckpointState)
            {
                foreach (float s in state) Assert.False(IsSubnormal(s), $"{name} step {step}: subnormal state {s:R}");
            }
        }

        foreach (var state in optimizer.CheckpointState) Assert.All(state, s => Assert.Equal(0f, s));

        // The decaying state moves no weight after the first step, flushed or not (AdamW's decay does).
        if (name != "adamw") Assert.Equal(afterFirst, w);
    }
}
