namespace SymbolicGrad.Training.Tests.Optimization;

public class LearningRateScheduleTests
{
    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(1000000, 1.0)]
    public void Constant(long step, double expected) =>
        Expect.Close(expected, LearningRateSchedule.Constant().Factor(step));

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(9, 1.0)]
    [InlineData(10, 0.5)]
    [InlineData(19, 0.5)]
    [InlineData(25, 0.25)]
    public void Step_decay_halves_every_ten_steps(long step, double expected) =>
        Expect.Close(expected, LearningRateSchedule.StepDecay(10, 0.5f).Factor(step));

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(1, 0.9)]
    [InlineData(2, 0.81)]
    [InlineData(10, 0.3486784401)]
    public void Exponential_per_step(long step, double expected) =>
        Expect.Close(expected, LearningRateSchedule.Exponential(0.9f).Factor(step));

    [Theory]
    [InlineData(5, 0.70710678)]   // 0.5^(5/10)
    [InlineData(10, 0.5)]
    [InlineData(20, 0.25)]
    public void Exponential_over_decay_steps_is_smooth(long step, double expected) =>
        Expect.Close(expected, LearningRateSchedule.Exponential(0.5f, 10).Factor(step));

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(25, 0.85355339)]  // (1 + cos(π/4))/2
    [InlineData(50, 0.5)]
    [InlineData(75, 0.14644661)]
    [InlineData(100, 0.0)]
    [InlineData(150, 0.0)]
    public void Cosine_to_zero(long step, double expected) =>
        Expect.Close(expected, LearningRateSchedule.Cosine(100).Factor(step));

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(25, 0.86819805)]  // 0.1 + 0.9·0.85355339
    [InlineData(50, 0.55)]
    [InlineData(200, 0.1)]
    public void Cosine_to_a_floor(long step, double expected) =>
        Expect.Close(expected, LearningRateSchedule.Cosine(100, 0.1f).Factor(step));

    [Theory]
    [InlineData(0, 0.25)]
    [InlineData(1, 0.5)]
    [InlineData(3, 1.0)]
    [InlineData(100, 1.0)]
    public void Linear_warmup(long step, double expected) =>
        Expect.Close(expected, LearningRateSchedule.LinearWarmup(4).Factor(step));

    [Theory]
    [InlineData(0, 0.2)]
    [InlineData(4, 1.0)]
    [InlineData(5, 1.0)]    // step decay's own step 0
    [InlineData(14, 1.0)]   // its step 9
    [InlineData(15, 0.5)]   // its step 10
    [InlineData(35, 0.125)] // its step 30
    public void Warmup_then_step_decay(long step, double expected) =>
        Expect.Close(expected, LearningRateSchedule.StepDecay(10, 0.5f).WithWarmup(5).Factor(step));

    [Theory]
    [InlineData(0, 0.5)]
    [InlineData(1, 1.0)]
    [InlineData(2, 1.0)]
    [InlineData(7, 0.5)]    // cosine's step 5 of 10
    [InlineData(12, 0.0)]
    public void Warmup_then_cosine(long step, double expected) =>
        Expect.Close(expected, LearningRateSchedule.Cosine(10).WithWarmup(2).Factor(step));

    [Fact]
    public void Warmup_scales_the_first_factor_of_the_schedule_it_precedes()
    {
        // The inner warm-up starts at 0.5, so the outer one ramps to 0.5, not 1.
        var nested = LearningRateSchedule.LinearWarmup(2).WithWarmup(2);
        // Outer warm-up: inner(0)·(t+1)/2 with inner(0) = 0.5 → 0.25, 0.5; then inner: 0.5, 1, 1.
        Expect.Close(0.25, nested.Factor(0));
        Expect.Close(0.5, nested.Factor(1));
        Expect.Close(0.5, nested.Factor(2));
        Expect.Close(1.0, nested.Factor(3));
        Expect.Close(1.0, nested.Factor(4));
    }

    [Fact]
    public void A_negative_step_is_refused()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Constant().Factor(-1));
        Assert.Equal("step", ex.ParamName);
    }

    [Fact]
    public void Schedules_describe_themselves()
    {
        Assert.Equal("warm-up 5 steps, then cosine over 100 steps to ×0.1", LearningRateSchedule.Cosine(100, 0.1f).WithWarmup(5).ToString());
    }
}
