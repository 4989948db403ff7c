namespace SymbolicGrad.Runtime.Tests;

/// <summary>
/// The trainer's choice of splitting the small passes (<see cref="SmallSplitTuner"/>), fed step times: it keeps the
/// faster choice, needs a clear win to split, ignores steps the choice did not touch and probes again later.
/// </summary>
public class SmallSplitTunerTests
{
    private const int ProbeSteps = 2 * SmallSplitTuner.BlockSteps * SmallSplitTuner.ProbeRounds;

    // Feeds one probe's steps: each step's time is what the function gives for (its choice, its index in the probe).
    private static void Probe(SmallSplitTuner tuner, Func<bool, int, long> ticks)
    {
        for (int step = 0; step < ProbeSteps; step++)
        {
            tuner.Record(ticks(tuner.NextSplits, step), mattered: true);
        }
    }

    [Fact]
    public void It_splits_when_splitting_is_faster_and_keeps_the_passes_alone_when_not()
    {
        var faster = new SmallSplitTuner();
        Probe(faster, (split, _) => split ? 700 : 1000);
        Assert.Equal(1, faster.Probes);
        Assert.True(faster.Splits);
        Assert.True(faster.NextSplits);

        var slower = new SmallSplitTuner();
        Probe(slower, (split, _) => split ? 1300 : 1000);
        Assert.Equal(1, slower.Probes);
        Assert.False(slower.Splits);
        Assert.False(slower.NextSplits);
    }

    [Fact]
    public void A_probe_runs_both_choices_in_equal_blocks()
    {
        var tuner = new SmallSplitTuner();
        var choices = new bool[ProbeSteps];
        for (int step = 0; step < ProbeSteps; step++)
        {
            choices[step] = tuner.NextSplits;
            tuner.Record(1000, mattered: true);
        }

        Assert.Equal(ProbeSteps / 2, choices.Count(split => split));
        for (int step = 1; step < ProbeSteps; step++)
        {
            // Blocks of BlockSteps steps: the choice changes only where a block starts.
            if (step % SmallSplitTuner.BlockSteps != 0) Assert.Equal(choices[step - 1], choices[step]);
        }
    }

    [Fact]
    public void A_win_of_less_than_three_percent_keeps_the_passes_alone()
    {
        var tie = new SmallSplitTuner();
        Probe(tie, (_, _) => 1000);
        Assert.False(tie.Splits);

        var slight = new SmallSplitTuner();
        Probe(slight, (split, _) => split ? 980 : 1000);
        Assert.False(slight.Splits);

        var clear = new SmallSplitTuner();
        Probe(clear, (split, _) => split ? 960 : 1000);
        Assert.True(clear.Splits);
    }

    [Fact]
    public void The_first_step_of_each_block_is_not_timed()
    {
        // The first step after a change finds the other choice's cache layout: here it is very slow for the split.
        var tuner = new SmallSplitTuner();
        Probe(tuner, (split, step) => split ? (step % SmallSplitTuner.BlockSteps == 0 ? 100_000 : 700) : 1000);
        Assert.True(tuner.Splits);
    }

    [Fact]
    public void A_machine_slowing_down_during_the_probe_favours_neither_choice()
    {
        // Both choices equally fast, every step a little slower than the one before: rounds alternate which choice
        // goes first, so the drift cancels in the median.
        var tuner = new SmallSplitTuner();
        Probe(tuner, (_, step) => 1000 + 2L * step);
        Assert.False(tuner.Splits);

        var faster = new SmallSplitTuner();
        Probe(faster, (split, step) => (split ? 900 : 1000) + 2L * step);
        Assert.True(faster.Splits);
    }

    [Fact]
    public void Steps_the_choice_did_not_touch_are_ignored()
    {
        var tuner = new SmallSplitTuner();
        bool first = tuner.NextSplits;
        for (int step = 0; step < 10 * ProbeSteps; step++)
        {
            tuner.Record(step % 2 == 0 ? 1 : 1_000_000, mattered: false);
        }

        Assert.Equal(0, tuner.Probes);
        Assert.Equal(first, tuner.NextSplits);
        Probe(tuner, (split, _) => split ? 500 : 1000);
        Assert.Equal(1, tuner.Probes);
        Assert.True(tuner.Splits);
    }

    [Fact]
    public void It_probes_again_after_a_while_and_follows_the_machine()
    {
        var tuner = new SmallSplitTuner();
        Probe(tuner, (split, _) => split ? 500 : 1000);
        Assert.True(tuner.Splits);

        for (int step = 0; step < SmallSplitTuner.StepsBetweenProbes - 1; step++)
        {
            Assert.True(tuner.NextSplits);
            tuner.Record(500, mattered: true);
        }

        // The next step ends the wait; the following steps probe (the first probe block keeps the passes alone).
        tuner.Record(500, mattered: true);
        Assert.False(tuner.NextSplits);
        Probe(tuner, (split, _) => split ? 2000 : 1000);
        Assert.Equal(2, tuner.Probes);
        Assert.False(tuner.Splits);
    }
}
