namespace SymbolicGrad.Training.Tests.Optimization;

/// <summary>
/// Three steps of each optimizer on w₀ = [1, −2, 0.5] with gradients g₁ = [0.5, 1, −2], g₂ = [−1, 0.5, 0.25],
/// g₃ = [0.25, −0.5, 1], against values worked out by hand from the update rules (first steps shown in comments).
/// </summary>
public class OptimizerStepTests
{
    static readonly float[] W0 = [1f, -2f, 0.5f];
    static readonly float[][] Gradients = [[0.5f, 1f, -2f], [-1f, 0.5f, 0.25f], [0.25f, -0.5f, 1f]];

    static void AssertSteps(Func<Optimizer> create, double[][] expected)
    {
        var optimizer = create();
        var w = (float[])W0.Clone();
        for (int step = 0; step < expected.Length; step++)
        {
            optimizer.Step(w, Gradients[step]);
            Expect.Close(expected[step], w);
            Assert.Equal(step + 1, optimizer.StepCount);
        }
    }

    [Fact]
    public void Sgd_subtracts_learning_rate_times_gradient()
    {
        // w ← w − 0.1 g: [1 − 0.05, −2 − 0.1, 0.5 + 0.2], then + [0.1, −0.05, −0.025], then − [0.025, −0.05, 0.1].
        AssertSteps(() => new Sgd(0.1f),
        [
            [0.95, -2.1, 0.7],
            [1.05, -2.15, 0.675],
            [1.025, -2.1, 0.575],
        ]);
    }

    [Fact]
    public void Momentum_is_heavy_ball()
    {
        // G₁ = g₁, w₁ = w₀ − 0.1 G₁. G₂ = 0.9 G₁ + g₂ = [−0.55, 1.4, −1.55], w₂ = w₁ − 0.1 G₂.
        // G₃ = 0.9 G₂ + g₃ = [−0.245, 0.76, −0.395].
        AssertSteps(() => new Momentum(0.1f, 0.9f),
        [
            [0.95, -2.1, 0.7],
            [1.005, -2.24, 0.855],
            [1.0295, -2.316, 0.8945],
        ]);
    }

    [Fact]
    public void Nesterov_steps_along_gradient_plus_beta_velocity()
    {
        // G₁ = g₁, w₁ = w₀ − 0.1 (g₁ + 0.9 G₁) = w₀ − 0.19 g₁. G₂ = [−0.55, 1.4, −1.55]; g₂ + 0.9 G₂ = [−1.495, 1.76, −1.145].
        AssertSteps(() => new Nesterov(0.1f, 0.9f),
        [
            [0.905, -2.19, 0.88],
            [1.0545, -2.366, 0.9945],
            [1.05155, -2.3844, 0.93005],
        ]);
    }

    [Fact]
    public void RmsProp_divides_by_root_mean_square()
    {
        // S₁ = 0.1 g₁² = [0.025, 0.1, 0.4]; each step is 0.01·g/√S = 0.01·sign(g)/√0.1 = ±0.0316227766.
        // S₂ = 0.9 S₁ + 0.1 g₂² = [0.1225, 0.115, 0.36625], w₂ = w₁ − 0.01 g₂/√S₂.
        AssertSteps(() => new RmsProp(0.01f, 0.9f, 1e-8f),
        [
            [0.968377225, -2.031622776, 0.531622776],
            [0.996948653, -2.046366971, 0.527491814],
            [0.989624169, -2.032418762, 0.512235303],
        ]);
    }

    [Fact]
    public void Adam_uses_bias_corrected_moments()
    {
        // Step 1: m̂ = g, v̂ = g², so w moves by 0.1·sign(g). Step 2, element 0: m = 0.045 − 0.1 = −0.055,
        // v = 0.999·0.00025 + 0.001 = 0.00124975, m̂ = −0.055/0.19, v̂ = v/0.001999, w = 0.9 + 0.1·0.2894737/0.7906876.
        AssertSteps(() => new Adam(0.1f, 0.9f, 0.999f, 1e-8f),
        [
            [0.9, -2.1, 0.6],
            [0.936610354, -2.193217962, 0.657253457],
            [0.950279420, -2.232888485, 0.668477121],
        ]);
    }

    [Fact]
    public void AdamW_decays_weights_before_the_adam_step()
    {
        // Step 1: w₀(1 − 0.1·0.1) − 0.1·sign(g₁) = [0.99 − 0.1, −1.98 − 0.1, 0.495 + 0.1].
        AssertSteps(() => new AdamW(0.1f, weightDecay: 0.1f, beta1: 0.9f, beta2: 0.999f, epsilon: 1e-8f),
        [
            [0.89, -2.08, 0.595],
            [0.917710354, -2.152417962, 0.646303457],
            [0.922202317, -2.170564305, 0.651064086],
        ]);
    }

    public static TheoryData<string> AllOptimizers => ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"];

    internal static Optimizer Create(string name, LearningRateSchedule? schedule = null, float l2 = 0f, float l1 = 0f, float clip = float.PositiveInfinity)
    {
        schedule ??= LearningRateSchedule.Constant();
        return name switch
        {
            "sgd" => new Sgd(0.1f) { Schedule = schedule, WeightDecay = l2, L1 = l1, MaxGradientNorm = clip },
            "momentum" => new Momentum(0.1f, 0.9f) { Schedule = schedule, WeightDecay = l2, L1 = l1, MaxGradientNorm = clip },
            "nesterov" => new Nesterov(0.1f, 0.9f) { Schedule = schedule, WeightDecay = l2, L1 = l1, MaxGradientNorm = clip },
            "rmsprop" => new RmsProp(0.01f) { Schedule = schedule, WeightDecay = l2, L1 = l1, MaxGradientNorm = clip },
            "adam" => new Adam(0.1f) { Schedule = schedule, WeightDecay = l2, L1 = l1, MaxGradientNorm = clip },
            "adamw" => new AdamW(0.1f, 0.1f) { Schedule = schedule, WeightDecay = l2, L1 = l1, MaxGradientNorm = clip },
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    [Theory]
    [MemberData(nameof(AllOptimizers))]
    public void Vector_path_gives_the_same_update_as_the_scalar_path(string name)
    {
        // 3 elements run only the scalar loop; 19 = 2·8 + 3 run the 8-wide loop and a tail. Element i of the long
        // buffer repeats element i mod 3 of the short one, so every element must match its short counterpart exactly.
        foreach (bool penalties in new[] { false, true })
        {
            AssertVectorMatchesScalar(name, penalties ? 0.01f : 0f, penalties ? 0.001f : 0f);
        }
    }

    static void AssertVectorMatchesScalar(string name, float l2, float l1)
    {
        var small = Create(name, l2: l2, l1: l1);
        var large = Create(name, l2: l2, l1: l1);
        var ws = (float[])W0.Clone();
        var wl = Enumerable.Range(0, 19).Select(i => W0[i % 3]).ToArray();
        foreach (var g in Gradients)
        {
            small.Step(ws, g);
            large.Step(wl, Enumerable.Range(0, 19).Select(i => g[i % 3]).ToArray());
        }
        for (int i = 0; i < wl.Length; i++)
        {
            Assert.Equal(ws[i % 3], wl[i]);
        }
    }

    [Fact]
    public void Reset_starts_over()
    {
        var optimizer = new Momentum(0.1f, 0.9f);
        var w = (float[])W0.Clone();
        optimizer.Step(w, Gradients[0]);
        optimizer.Step(w, Gradients[1]);
        optimizer.Reset();
        Assert.Equal(0, optimizer.StepCount);
        Assert.Equal(-1, optimizer.ParameterCount);
        var fresh = (float[])W0.Clone();
        optimizer.Step(fresh, Gradients[0]);
        Expect.Close([0.95, -2.1, 0.7], fresh);
        Expect.Close([0.5, 1.0, -2.0], optimizer.Velocity);
    }

    [Fact]
    public void ToString_names_the_rule_and_options()
    {
        var optimizer = new Momentum(0.05f, 0.9f) { WeightDecay = 0.0001f, MaxGradientNorm = 5f };
        Assert.Equal("Momentum(lr 0.05, β 0.9, L2 0.0001, clip 5)", optimizer.ToString());
        Assert.Equal("AdamW(lr 0.001, β₁ 0.9, β₂ 0.999, ε 1E-08, decoupled decay 0.01)", new AdamW().ToString());
    }
}
