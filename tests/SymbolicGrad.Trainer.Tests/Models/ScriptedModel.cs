namespace SymbolicGrad.TrainerTests.Models;

/// <summary>
/// A model whose scores are set by hand: it classifies round(<c>quality</c> × rows) of every batch correctly and its
/// loss is 1 − quality, with zero gradient — for tests of how a search ranks and promotes trials.
/// </summary>
public sealed class ScriptedModel : Model, ITrainable
{
    private readonly double _quality;

    public ScriptedModel(double quality)
    {
        _quality = quality;
        Parameters.Vector(1);
    }

    /// <summary>How many models are computing at this moment (for the concurrency test).</summary>
    public static int Active;

    /// <summary>The most seen at once.</summary>
    public static int MostActive;

    /// <summary>Milliseconds each call spends "computing".</summary>
    public int DelayMilliseconds { get; init; }

    public float BatchLoss(Mat inputs, in BatchTargets targets, bool accumulateGradient)
    {
        Busy();
        return (float)(1 - _quality);
    }

    public int CountCorrect(Mat inputs, in BatchTargets targets)
    {
        Busy();
        return (int)Math.Round(_quality * inputs.Rows);
    }

    private void Busy()
    {
        if (DelayMilliseconds == 0)
        {
            return;
        }

        int now = Interlocked.Increment(ref Active);
        int most;
        while (now > (most = Volatile.Read(ref MostActive)) && Interlocked.CompareExchange(ref MostActive, now, most) != most)
        {
        }

        Thread.Sleep(DelayMilliseconds);
        Interlocked.Decrement(ref Active);
    }
}
