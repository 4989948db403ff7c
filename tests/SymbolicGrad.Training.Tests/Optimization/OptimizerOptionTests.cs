namespace SymbolicGrad.Training.Tests.Optimization;

/// <summary>Clipping, L2 and L1 penalties, their order, and the validation of every option.</summary>
public class OptimizerOptionTests
{
    [Fact]
    public void Clipping_scales_a_large_gradient_down_to_the_maximum_norm()
    {
        // ‖[3, 4]‖ = 5 > 1, so the gradient becomes [0.6, 0.8].
        var sgd = new Sgd(1f) { MaxGradientNorm = 1f };
        float[] w = [0f, 0f];
        sgd.Step(w, [3f, 4f]);
        Expect.Close([-0.6, -0.8], w);
        Expect.Close(5.0, sgd.LastGradientNorm);
    }

    [Fact]
    public void Clipping_leaves_a_small_gradient_alone()
    {
        var sgd = new Sgd(1f) { MaxGradientNorm = 10f };
        float[] w = [0f, 0f];
        sgd.Step(w, [3f, 4f]);
        Expect.Close([-3.0, -4.0], w);
    }

    [Fact]
    public void Clipping_uses_the_global_norm_over_the_vector_path()
    {
        // 20 gradients of 1 and one of 2: ‖g‖ = √24; clipped to norm 1 each becomes g/√24.
        var g = Enumerable.Repeat(1f, 21).ToArray();
        g[20] = 2f;
        var w = new float[21];
        var sgd = new Sgd(1f) { MaxGradientNorm = 1f };
        sgd.Step(w, g);
        double s = 1 / Math.Sqrt(24);
        Expect.Close(Math.Sqrt(24), sgd.LastGradientNorm, 1e-5);
        Expect.Close(Enumerable.Repeat(-s, 20).Append(-2 * s).ToArray(), w);
    }

    [Fact]
    public void Clipping_applies_to_the_raw_gradient_before_the_penalties()
    {
        // Clipped g = [0.6, 0.8]; plus L2 1·w = [1, −1] → [1.6, −0.2].
        var sgd = new Sgd(1f) { MaxGradientNorm = 1f, WeightDecay = 1f };
        float[] w = [1f, -1f];
        sgd.Step(w, [3f, 4f]);
        Expect.Close([1 - 1.6, -1 + 0.2], w);
    }

    [Fact]
    public void L2_weight_decay_adds_lambda_times_w()
    {
        // g + 0.5 w = [0.5 + 0.5, 1 − 1, −2 + 0.25] = [1, 0, −1.75].
        var sgd = new Sgd(0.1f) { WeightDecay = 0.5f };
        float[] w = [1f, -2f, 0.5f];
        sgd.Step(w, [0.5f, 1f, -2f]);
        Expect.Close([0.9, -2.0, 0.675], w);
    }

    [Fact]
    public void L1_adds_lambda_times_sign_w_and_nothing_at_zero()
    {
        // g + 0.5 sign(w) = [0.5 + 0.5, 1 − 0.5, −2 + 0.5, 1 + 0].
        var sgd = new Sgd(0.1f) { L1 = 0.5f };
        float[] w = [1f, -2f, 0.5f, 0f];
        sgd.Step(w, [0.5f, 1f, -2f, 1f]);
        Expect.Close([0.9, -2.05, 0.65, -0.1], w);
    }

    [Fact]
    public void Momentum_accumulates_the_penalized_gradient()
    {
        // G₁ = g + 0.5w = [1, 0]; w₁ = [0.9, −2]; G₂ = 0.9·[1, 0] + (0 + 0.5·w₁) = [1.35, −1]; w₂ = [0.765, −1.9].
        var momentum = new Momentum(0.1f, 0.9f) { WeightDecay = 0.5f };
        float[] w = [1f, -2f];
        momentum.Step(w, [0.5f, 1f]);
        momentum.Step(w, [0f, 0f]);
        Expect.Close([0.765, -1.9], w);
    }

    [Fact]
    public void Schedule_sets_the_rate_of_each_step()
    {
        // Rates 1, 0.5, 0.25 with a gradient of 1: w = −1, −1.5, −1.75; the next rate is 0.125.
        var sgd = new Sgd(1f) { Schedule = LearningRateSchedule.StepDecay(1, 0.5f) };
        float[] w = [0f];
        Expect.Close(1.0, sgd.CurrentLearningRate);
        sgd.Step(w, [1f]);
        sgd.Step(w, [1f]);
        sgd.Step(w, [1f]);
        Expect.Close([-1.75], w);
        Expect.Close(0.125, sgd.CurrentLearningRate);
    }

    [Fact]
    public void Length_mismatch_names_both_lengths()
    {
        var sgd = new Sgd(0.1f);
        var ex = Assert.Throws<ArgumentException>(() => sgd.Step(new float[10], new float[9]));
        Assert.Contains("10", ex.Message);
        Assert.Contains("9", ex.Message);
        Assert.Contains("same length", ex.Message);
    }

    [Fact]
    public void A_different_parameter_count_after_the_first_step_is_refused()
    {
        var adam = new Adam();
        adam.Step(new float[10], new float[10]);
        var ex = Assert.Throws<ArgumentException>(() => adam.Step(new float[12], new float[12]));
        Assert.Contains("first used with 10 parameters", ex.Message);
        Assert.Contains("12", ex.Message);
    }

    public static TheoryData<string, Func<object>, string> InvalidOptions => new()
    {
        { "learningRate", () => new Sgd(-0.1f), "learning rate must be a positive finite number" },
        { "learningRate", () => new Sgd(0f), "learning rate must be a positive finite number" },
        { "learningRate", () => new Momentum(float.NaN), "learning rate must be a positive finite number" },
        { "learningRate", () => new Adam(float.PositiveInfinity), "learning rate must be a positive finite number" },
        { "momentum", () => new Momentum(0.1f, 1f), "momentum must be in [0, 1)" },
        { "momentum", () => new Nesterov(0.1f, -0.5f), "momentum must be in [0, 1)" },
        { "decay", () => new RmsProp(0.01f, 1.5f), "decay ρ must be in [0, 1)" },
        { "epsilon", () => new RmsProp(0.01f, 0.9f, 0f), "Epsilon must be a positive finite number" },
        { "beta1", () => new Adam(0.01f, beta1: 1f), "β₁ must be in [0, 1)" },
        { "beta2", () => new Adam(0.01f, beta2: -0.1f), "β₂ must be in [0, 1)" },
        { "decoupledWeightDecay", () => new AdamW(0.01f, weightDecay: -1f), "decoupled weight decay must be zero or a positive finite number" },
        { "WeightDecay", () => new Sgd(0.1f) { WeightDecay = -0.01f }, "L2 weight decay must be zero or a positive finite number" },
        { "L1", () => new Sgd(0.1f) { L1 = float.NaN }, "L1 penalty must be zero or a positive finite number" },
        { "MaxGradientNorm", () => new Sgd(0.1f) { MaxGradientNorm = 0f }, "maximum gradient norm must be positive" },
        { "MaxGradientNorm", () => new Sgd(0.1f) { MaxGradientNorm = float.NaN }, "maximum gradient norm must be positive" },
        { "stepSize", () => LearningRateSchedule.StepDecay(0, 0.5f), "step size of a step-decay schedule must be at least 1" },
        { "gamma", () => LearningRateSchedule.StepDecay(10, 1.5f), "decay factor γ must be in (0, 1]" },
        { "gamma", () => LearningRateSchedule.Exponential(0f), "decay factor γ must be in (0, 1]" },
        { "decaySteps", () => LearningRateSchedule.Exponential(0.5f, 0), "decay steps of an exponential schedule must be at least 1" },
        { "totalSteps", () => LearningRateSchedule.Cosine(0), "total steps of a cosine schedule must be at least 1" },
        { "minFactor", () => LearningRateSchedule.Cosine(10, 2f), "minimum factor of a cosine schedule must be in [0, 1]" },
        { "warmupSteps", () => LearningRateSchedule.LinearWarmup(0), "warm-up must last at least 1 step" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Invalid_options_are_refused_with_a_clear_message(string parameter, Func<object> create, string message)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(create);
        Assert.Equal(parameter, ex.ParamName);
        Assert.Contains(message, ex.Message);
        Assert.Contains("Actual value was", ex.Message);
    }

    [Fact]
    public void A_null_schedule_is_refused()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => new Sgd(0.1f) { Schedule = null! });
        Assert.Contains("LearningRateSchedule.Constant()", ex.Message);
    }
}
